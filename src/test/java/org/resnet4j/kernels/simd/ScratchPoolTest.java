package org.resnet4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScratchPoolTest {
    private static final class Buffers extends ScratchPool.Lendable {
    }

    @Test
    void aSetGivenBackIsLentAgainAndOnlyCapacityIdleSetsAreKept() {
        ScratchPool<Buffers> pool = new ScratchPool<>(Buffers::new);
        Buffers first = pool.take();
        pool.giveBack(first);
        assertSame(first, pool.take());

        // More sets in use at once than the pool keeps: every one is distinct, and the surplus is dropped.
        List<Buffers> inUse = new ArrayList<>();
        inUse.add(first);
        for (int i = 1; i < ScratchPool.CAPACITY + 5; i++) {
            inUse.add(pool.take());
        }
        Set<Buffers> distinct = new HashSet<>(inUse);
        assertEquals(inUse.size(), distinct.size());
        inUse.forEach(pool::giveBack);
        assertEquals(ScratchPool.CAPACITY, pool.idle());

        // What is lent comes from the idle sets before any new one is made.
        Set<Buffers> lent = new HashSet<>();
        for (int i = 0; i < ScratchPool.CAPACITY; i++) {
            lent.add(pool.take());
        }
        assertEquals(ScratchPool.CAPACITY, lent.size());
        assertEquals(0, pool.idle());
        lent.forEach(b -> assertEquals(true, distinct.contains(b)));
        assertNotSame(null, pool.take());
    }
}

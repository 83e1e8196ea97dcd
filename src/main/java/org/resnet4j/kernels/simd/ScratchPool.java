package org.resnet4j.kernels.simd;

import java.lang.ref.SoftReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sets of work buffers lent to one call, or one parallel task, at a time: N concurrent users hold N sets, a later user
 * reuses one, and at most a core count's worth of idle sets are kept. So what stays after calls end is bounded by the
 * core count, not by the number of threads that ever ran a kernel (a set per thread kept one per servlet-pool thread).
 *
 * <p>Idle sets sit in slots of an array. Taking one and giving it back is a read and a compare-and-set each, without
 * a lock and without allocating: a {@code ConcurrentLinkedDeque}, as the layers' {@code WorkspacePool} uses,
 * allocates a node per give-back, and here there is one per task. A thread starts its search at a slot of its own,
 * so it usually gets back the set it last used, still in its cache, and threads seldom race for one slot.
 *
 * <p>Idle sets are held through soft references. A set is as large as the largest shape it served (a fine-tune at
 * batch 128 grows one to hundreds of MB), and dropping large sets would hit the case that needs them most: training
 * repeats its shapes every step, and regrowing a batch-sized buffer per call costs more than holding it. So the GC
 * decides: it keeps soft references that are used while memory is free, and clears them when the heap runs short or
 * after they sit unused for a while (HotSpot: about a second per free MB of heap); the next call then allocates anew.
 */
final class ScratchPool<T extends ScratchPool.Lendable> {
    /** Idle sets kept by default: more users at once than cores gain little from cached buffers (as WorkspacePool). */
    static final int CAPACITY = Math.max(2, Runtime.getRuntime().availableProcessors());
    // Slots 64 bytes or more apart, so that threads giving back sets at once do not share a cache line.
    private static final int SPACING = 16;

    /** A set of buffers the pool can lend; it carries its own soft reference, so a give-back allocates nothing. */
    abstract static class Lendable {
        final SoftReference<Lendable> idle = new SoftReference<>(this);
    }

    private final int capacity;
    private final AtomicReferenceArray<SoftReference<Lendable>> slots;
    private final Supplier<T> factory;

    /** A pool that keeps at most {@link #CAPACITY} idle sets. */
    ScratchPool(Supplier<T> factory) {
        this(CAPACITY, factory);
    }

    /** A pool that keeps at most {@code capacity} idle sets. */
    ScratchPool(int capacity, Supplier<T> factory) {
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(capacity * SPACING);
        this.factory = factory;
    }

    /** An idle set, or a new (empty) one; the caller owns it until {@link #giveBack}. */
    @SuppressWarnings("unchecked") // only this pool's T are given back to it
    T take() {
        for (int i = 0, slot = home(); i < capacity; i++, slot = slot + 1 == capacity ? 0 : slot + 1) {
            SoftReference<Lendable> ref = slots.get(slot * SPACING);
            if (ref != null && slots.compareAndSet(slot * SPACING, ref, null)) {
                Lendable set = ref.get();
                if (set != null) {
                    return (T) set;
                }
                // The GC took it back: the slot is free again.
            }
        }
        return factory.get();
    }

    /** Returns a set taken from this pool; kept if a slot is free, else left to the GC. */
    void giveBack(T set) {
        for (int i = 0, slot = home(); i < capacity; i++, slot = slot + 1 == capacity ? 0 : slot + 1) {
            if (slots.get(slot * SPACING) == null && slots.compareAndSet(slot * SPACING, null, set.idle)) {
                return;
            }
        }
    }

    /** Runs {@code work} on a set taken from this pool, and gives the set back however the work ends. */
    void lend(Consumer<T> work) {
        T set = take();
        try {
            work.accept(set);
        } finally {
            giveBack(set);
        }
    }

    /** Idle sets held (for tests). */
    int idle() {
        int count = 0;
        for (int slot = 0; slot < capacity; slot++) {
            SoftReference<Lendable> ref = slots.get(slot * SPACING);
            if (ref != null && ref.get() != null) {
                count++;
            }
        }
        return count;
    }

    private int home() {
        return (int) (Thread.currentThread().threadId() % capacity);
    }
}

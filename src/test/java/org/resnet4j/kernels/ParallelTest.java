package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The shared pool under many callers at once: every task of every call runs exactly once before its call returns,
 * however the callers' helpers queue behind each other, and a task's exception reaches its own caller.
 */
class ParallelTest {

    /**
     * A count set for one call applies on its thread, for that call: a training run asking for one thread in a JVM that
     * also serves must not make the server's inference single-threaded, during the run or after it.
     */
    @Test
    void aScopedCountAppliesToItsThreadAndCallOnly() throws Exception {
        int before = Parallel.threads();
        Set<String> ranOn = ConcurrentHashMap.newKeySet();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            int inside = Parallel.callWithThreads(1, () -> {
                Parallel.forEach(64, i -> ranOn.add(Thread.currentThread().getName()));
                assertEquals(before, other.submit(Parallel::threads).get(), "another thread keeps its count");
                return Parallel.threads();
            });
            assertEquals(1, inside);
            assertEquals(Set.of(Thread.currentThread().getName()), ranOn, "one thread: every task on the caller");
            assertEquals(before, Parallel.threads(), "the count is the caller's again afterwards");
        } finally {
            other.shutdownNow();
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.callWithThreads(0, () -> 1));
    }

    @Test
    void concurrentCallersEachRunEveryTaskOnce() throws Exception {
        int previous = Parallel.threads();
        Parallel.setThreads(3);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int tasks = 1 + c * 7;
                results.add(callers.submit(() -> {
                    for (int round = 0; round < 300; round++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                        Parallel.forEach(tasks, runs::incrementAndGet);
                        for (int t = 0; t < tasks; t++) {
                            assertEquals(1, runs.get(t), "task " + t + " of " + tasks + " in round " + round);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(2, TimeUnit.MINUTES);
            }
        } finally {
            callers.shutdownNow();
            Parallel.setThreads(previous);
        }
    }

    /**
     * Raising the thread count replaces the pool by a larger one and shuts the old one down; a caller that had just
     * taken the old pool to hand its helpers must still run its tasks (it got a RejectedExecutionException).
     */
    @Test
    void aCallerKeepsWorkingWhileAnotherThreadRaisesTheThreadCount() throws Exception {
        int previous = Parallel.threads();
        Parallel.setThreads(2);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            Future<?> caller = callers.submit(() -> {
                for (int round = 0; !done.get(); round++) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(64);
                    Parallel.forEach(64, runs::incrementAndGet);
                    for (int t = 0; t < 64; t++) {
                        assertEquals(1, runs.get(t), "task " + t + " in round " + round);
                    }
                }
                return null;
            });
            Future<?> changer = callers.submit(() -> {
                try {
                    // Each raise grows the pool (it is never smaller than the processors), one thread at a time.
                    int start = Runtime.getRuntime().availableProcessors() + 1;
                    for (int t = start; t < start + 40; t++) {
                        Parallel.setThreads(t);
                        Parallel.forEach(t, i -> { });
                        Thread.sleep(1);
                    }
                } finally {
                    done.set(true);
                }
                return null;
            });
            changer.get(2, TimeUnit.MINUTES);
            caller.get(2, TimeUnit.MINUTES);
        } finally {
            done.set(true);
            callers.shutdownNow();
            Parallel.setThreads(previous);
        }
    }

    @Test
    void aTasksExceptionReachesItsCaller() {
        int previous = Parallel.threads();
        Parallel.setThreads(2);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(16, i -> {
                if (i == 11) {
                    throw new IllegalStateException("task 11 failed");
                }
            }));
            assertEquals("task 11 failed", e.getMessage());
        } finally {
            Parallel.setThreads(previous);
        }
    }
}

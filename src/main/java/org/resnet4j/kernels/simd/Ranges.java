package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.Parallel;

/**
 * Splits work into a fixed number of parallel tasks that depends only on the sizes, never on the thread count, so
 * every result is bit-for-bit the same whichever threads run it.
 */
final class Ranges {
    /**
     * Elements per task for memory-bound passes: 256 KB of floats per array, enough to amortize the hand-off to a
     * pool thread (a few microseconds) and small enough to stay in L2 (512 KB per core on the AVX2 machine, 1 MB on
     * the AVX-512 one) when a pass reads its chunk twice.
     */
    static final int CHUNK_ELEMENTS = 1 << 16;

    private Ranges() {
    }

    /** Receives one task's half-open range {@code [from, to)}. */
    @FunctionalInterface
    interface Body {
        void run(int from, int to);
    }

    /**
     * How many tasks share {@code units} units of {@code unitElements} elements each: one per
     * {@link #CHUNK_ELEMENTS} elements, at least 1 and at most {@code units}.
     */
    static int tasks(int units, long unitElements) {
        long total = units * unitElements;
        long tasks = (total + CHUNK_ELEMENTS - 1) / CHUNK_ELEMENTS;
        return (int) Math.max(1, Math.min(units, tasks));
    }

    /** Runs {@code body} over {@code tasks} near-equal ranges of {@code [0, units)}, in parallel. */
    static void split(int units, int tasks, Body body) {
        Parallel.forEach(tasks, t -> body.run(Parallel.chunkStart(units, tasks, t),
                Parallel.chunkStart(units, tasks, t + 1)));
    }

    /**
     * Runs {@code body} over {@code [0, length)} in pieces of {@link #CHUNK_ELEMENTS} (a multiple of the vector
     * length, so every piece but the last has no tail), in parallel.
     */
    static void flat(int length, Body body) {
        int tasks = (int) (((long) length + CHUNK_ELEMENTS - 1) / CHUNK_ELEMENTS);
        if (tasks <= 1) {
            body.run(0, length);
            return;
        }
        Parallel.forEach(tasks, t -> body.run(t * CHUNK_ELEMENTS,
                (int) Math.min(length, (long) (t + 1) * CHUNK_ELEMENTS)));
    }
}

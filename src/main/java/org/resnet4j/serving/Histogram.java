package org.resnet4j.serving;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of observed values per bucket, in Prometheus' sense: bucket {@code i} counts values {@code <= bounds[i]}, and
 * one more bucket the values above the last bound.
 *
 * <p>Safe to share between threads: {@link #observe} is lock-free, and a {@link #snapshot} is consistent, its buckets,
 * count and sum all covering the same observations, even while values arrive (it may miss the newest). Observations
 * go to one of two halves; a snapshot switches them, waits for those begun in the old half to finish (a few
 * instructions each), reads it, then moves its counts into the new one. Snapshots take turns.
 */
public final class Histogram {
    /** The top bit of {@link #started}: the half observations go to; the rest counts the observations begun. */
    private static final long HOT = 1L << 63;

    private final double[] bounds;
    private final AtomicLong started = new AtomicLong();
    private final Half[] halves = new Half[2];
    private final Object snapshots = new Object();

    /** @param bounds upper bounds, strictly increasing */
    public Histogram(double... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bounds must increase: " + Arrays.toString(bounds));
            }
        }
        this.bounds = bounds.clone();
        halves[0] = new Half(bounds.length + 1);
        halves[1] = new Half(bounds.length + 1);
    }

    public void observe(double value) {
        int bucket = 0;
        while (bucket < bounds.length && value > bounds[bucket]) {
            bucket++;
        }
        Half half = halves[(int) (started.getAndIncrement() >>> 63)];
        try {
            half.counts[bucket].increment();
            half.sum.add(value);
        } finally {
            half.done.increment(); // a snapshot waits for it: an exception in an adder must not hang scrapes
        }
    }

    public Snapshot snapshot() {
        synchronized (snapshots) {
            long before = started.getAndAdd(HOT);
            long count = before & ~HOT;
            Half cold = halves[(int) (before >>> 63)];
            Half hot = halves[1 - (int) (before >>> 63)];
            // The cold half holds every observation begun before the switch; none begins there any more.
            while (cold.done.sum() < count) {
                Thread.yield();
            }
            // Read, everything so far moves to the hot half, where the next snapshot finds it; the cold one starts empty.
            long[] cumulative = new long[cold.counts.length];
            long running = 0;
            for (int i = 0; i < cumulative.length; i++) {
                long bucket = cold.counts[i].sumThenReset();
                hot.counts[i].add(bucket);
                running += bucket;
                cumulative[i] = running;
            }
            double sum = cold.sum.sumThenReset();
            hot.sum.add(sum);
            hot.done.add(cold.done.sumThenReset());
            return new Snapshot(bounds, cumulative, sum);
        }
    }

    /** Bucket counts, sum, and the observations finished, of the values one half has taken. */
    private static final class Half {
        final LongAdder[] counts;
        final DoubleAdder sum = new DoubleAdder();
        final LongAdder done = new LongAdder();

        Half(int buckets) {
            counts = new LongAdder[buckets];
            for (int i = 0; i < buckets; i++) {
                counts[i] = new LongAdder();
            }
        }
    }

    /**
     * The counts and sum at one moment. Immutable (the arrays are copied in and out); safe to share between threads.
     *
     * @param bounds     the upper bounds
     * @param cumulative {@code bounds.length + 1} counts of values up to each bound, the last of all values
     * @param sum        the sum of the observed values
     */
    public record Snapshot(double[] bounds, long[] cumulative, double sum) {
        public Snapshot {
            if (cumulative.length != bounds.length + 1) {
                throw new IllegalArgumentException("a histogram snapshot of " + bounds.length + " bounds has "
                        + (bounds.length + 1) + " cumulative counts, got " + cumulative.length);
            }
            bounds = bounds.clone();
            cumulative = cumulative.clone();
        }

        /** The caller's copy. */
        @Override
        public double[] bounds() {
            return bounds.clone();
        }

        /** The caller's copy. */
        @Override
        public long[] cumulative() {
            return cumulative.clone();
        }

        public long count() {
            return cumulative[cumulative.length - 1];
        }

        /** Equal snapshots are equal by value: a record compares an array component by identity otherwise. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Snapshot s && Arrays.equals(bounds, s.bounds)
                    && Arrays.equals(cumulative, s.cumulative) && Double.compare(sum, s.sum) == 0;
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(bounds) * 31 + Arrays.hashCode(cumulative)) * 31 + Double.hashCode(sum);
        }

        @Override
        public String toString() {
            return "Snapshot[bounds=" + Arrays.toString(bounds) + ", cumulative=" + Arrays.toString(cumulative)
                    + ", sum=" + sum + "]";
        }
    }
}

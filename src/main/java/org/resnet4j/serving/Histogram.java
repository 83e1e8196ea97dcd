package org.resnet4j.serving;

import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of observed values per bucket, in Prometheus' sense: bucket {@code i} counts values {@code <= bounds[i]}, and
 * one more bucket the values above the last bound. Thread-safe and lock-free; a snapshot taken while values arrive
 * may miss the newest, but its counts always add up.
 */
public final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    /** @param bounds upper bounds, strictly increasing */
    public Histogram(double... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bounds must increase: " + Arrays.toString(bounds));
            }
        }
        this.bounds = bounds.clone();
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void observe(double value) {
        int bucket = 0;
        while (bucket < bounds.length && value > bounds[bucket]) {
            bucket++;
        }
        counts[bucket].increment();
        sum.add(value);
    }

    public Snapshot snapshot() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(bounds, cumulative, sum.sum());
    }

    /**
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

package org.resnet4j.serving;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the batcher has run: batch sizes, time per batch, images.
 *
 * <p>Safe to share between threads: each histogram's snapshot is consistent on its own, but a batch is recorded in
 * four steps (its size, its time, the image count, the rate window), so a read while a batch finishes may see it in
 * some of these and not yet in the others.
 */
public final class BatchMetrics {
    private final Histogram sizes;
    private final Histogram seconds = new Histogram(
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
    private final LongAdder images = new LongAdder();
    private final RateWindow rate = new RateWindow(System.nanoTime());

    BatchMetrics(int maxBatch) {
        // Powers of two up to the largest batch, then that batch itself: a full batch lands in a bucket of its own.
        int bounds = 0;
        // At most 2^30: 1 << 31 is negative, and a larger maxBatch would never be reached.
        while (bounds < 31 && (1 << bounds) < maxBatch) {
            bounds++;
        }
        double[] sizeBounds = new double[bounds + 1];
        for (int i = 0; i < bounds; i++) {
            sizeBounds[i] = 1 << i;
        }
        sizeBounds[bounds] = maxBatch;
        this.sizes = new Histogram(sizeBounds);
    }

    void record(int batchSize, long nanos) {
        sizes.observe(batchSize);
        seconds.observe(nanos / 1e9);
        images.add(batchSize);
        rate.add(batchSize, System.nanoTime());
    }

    /** Images per batch. */
    public Histogram.Snapshot batchSizes() {
        return sizes.snapshot();
    }

    /** Seconds the network took per batch. */
    public Histogram.Snapshot batchSeconds() {
        return seconds.snapshot();
    }

    /** Images classified since the start. */
    public long images() {
        return images.sum();
    }

    /** Images classified per second over the last 10 whole seconds. */
    public double imagesPerSecond() {
        return rate.perSecond(System.nanoTime());
    }
}

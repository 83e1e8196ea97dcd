package org.resnet4j.data;

/**
 * Where a {@link BatchLoader} stands: the next batch it will hand out is batch {@code batch} of epoch {@code epoch}.
 * Because every epoch's order and every image's augmentation are recomputed from (seed, epoch, image), this is the
 * whole state: a loader resumed from it hands out exactly the batches an uninterrupted one would have.
 * {@code batchSize} and {@code datasetSize} are kept to catch a resume with a different configuration.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param seed        the loader's seed (shuffling and augmentation)
 * @param epoch       epoch of the next batch, from 0
 * @param batch       index of the next batch within its epoch, from 0
 * @param batchSize   images per batch
 * @param datasetSize images per epoch
 */
public record LoaderState(long seed, int epoch, int batch, int batchSize, int datasetSize) {
    public LoaderState {
        if (epoch < 0 || batch < 0 || batchSize < 1 || datasetSize < 1) {
            throw new IllegalArgumentException("loader state needs epoch >= 0, batch >= 0, batch size >= 1 and "
                    + "dataset size >= 1, got " + this);
        }
    }

    /** The same configuration at another position. */
    public LoaderState at(int epoch, int batch) {
        return new LoaderState(seed, epoch, batch, batchSize, datasetSize);
    }

    /** {@code {seed, epoch, batch, batchSize, datasetSize}}: for storing in a checkpoint. */
    public long[] toArray() {
        return new long[] {seed, epoch, batch, batchSize, datasetSize};
    }

    /** The inverse of {@link #toArray()}. */
    public static LoaderState fromArray(long[] values) {
        if (values.length != 5) {
            throw new IllegalArgumentException("loader state needs 5 numbers {seed, epoch, batch, batchSize, "
                    + "datasetSize}, got " + values.length);
        }
        for (int i = 1; i < 5; i++) {
            if (values[i] != (int) values[i]) {
                throw new IllegalArgumentException("loader state value " + i + " is " + values[i] + ", out of int range");
            }
        }
        return new LoaderState(values[0], (int) values[1], (int) values[2], (int) values[3], (int) values[4]);
    }
}

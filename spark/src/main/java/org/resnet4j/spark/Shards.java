package org.resnet4j.spark;

import java.io.Serializable;
import org.resnet4j.data.Seeds;

/**
 * How the data set is split among K workers and which images each worker trains on at each step.
 *
 * <p>The data set's N records are numbered 0..N-1 in input order. Worker r owns every K-th record from r,
 * {@code r, r + K, r + 2K, ...}, among the first {@code K * S} with {@code S = floor(N / K)}: PyTorch's
 * DistributedSampler's {@code indices[rank::K]}, taken over the input order once for the run, since each worker holds
 * its shard in memory throughout. So the last {@code N mod K} records are left out of every epoch (fewer than K: none
 * of CIFAR-10's 50,000 for K = 2, 4, 5 or 8), where DistributedSampler with {@code shuffle=True, drop_last=True} cuts
 * its tail after shuffling, a different few each epoch. Interleaved, not contiguous: an input in class order (an
 * image folder lists one class after another) would otherwise give each worker only some classes, its per-replica
 * batch norm class-skewed batches, and the model worker 0's running statistics of those classes alone. Epoch e visits
 * the images in the order of the single-process loader's permutation for (seed, e) ({@link Seeds#SHUFFLE}, as
 * {@code org.resnet4j.data.BatchLoader} draws it); worker r keeps the images of its shard in that order, and its
 * step t of the epoch takes positions {@code t * b .. t * b + b - 1} of that list ({@code b} = images per worker).
 * An epoch is {@code floor(S / b)} steps; a partial last batch is dropped, as the single-process loader does. With
 * K = 1 this is exactly the single-process loader's order.
 *
 * <p>Immutable; safe to share between threads ({@link #order} returns a new array, the caller's).
 *
 * @param datasetSize N
 * @param workers     K
 * @param batch       b, images per worker per step
 */
public record Shards(long datasetSize, int workers, int batch) implements Serializable {
    public Shards {
        if (workers < 1 || batch < 1) {
            throw new IllegalArgumentException("workers and batch must be >= 1, got " + workers + ", " + batch);
        }
        if (datasetSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("data set of " + datasetSize + " records: at most " + Integer.MAX_VALUE
                    + " are supported (an int index, as the single-process loader's)");
        }
        if (datasetSize / workers < batch) {
            throw new IllegalArgumentException("a data set of " + datasetSize + " records gives each of " + workers
                    + " workers " + datasetSize / workers + " records, fewer than its batch of " + batch);
        }
    }

    /** S: records per shard. */
    public int shardSize() {
        return (int) (datasetSize / workers);
    }

    /** The record index of position {@code local} (0..S-1) of worker {@code rank}'s shard. */
    public long index(int rank, int local) {
        return (long) local * workers + rank;
    }

    /** The position of record {@code index} in its owner's shard. */
    public int local(long index) {
        return (int) (index / workers);
    }

    /** The worker that owns record {@code index}, or -1 for the records left out. */
    public int owner(long index) {
        return index >= 0 && index < (long) workers * shardSize() ? (int) (index % workers) : -1;
    }

    public int stepsPerEpoch() {
        return shardSize() / batch;
    }

    /**
     * Worker {@code rank}'s visiting order of epoch {@code epoch}: positions within its shard (the record is
     * {@link #index}), {@link #shardSize()} of them.
     */
    public int[] order(long seed, int epoch, int rank) {
        int[] permutation = new int[(int) datasetSize];
        Seeds.permutation(permutation, Seeds.random(seed, Seeds.SHUFFLE, epoch, 0));
        int[] order = new int[shardSize()];
        int next = 0;
        for (int image : permutation) {
            if (owner(image) == rank) {
                order[next++] = local(image);
            }
        }
        return order;
    }
}

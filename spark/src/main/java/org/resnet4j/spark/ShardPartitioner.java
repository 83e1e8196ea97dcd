package org.resnet4j.spark;

import org.apache.spark.Partitioner;

/** Sends record {@code index} (the key) to the partition of the worker whose shard holds it ({@link Shards}). */
final class ShardPartitioner extends Partitioner {
    private final Shards shards;

    ShardPartitioner(Shards shards) {
        this.shards = shards;
    }

    @Override
    public int numPartitions() {
        return shards.workers();
    }

    @Override
    public int getPartition(Object key) {
        int owner = shards.owner((Long) key);
        if (owner < 0) {
            throw new IllegalArgumentException("record " + key + " belongs to no shard: filter the left-out records "
                    + "first");
        }
        return owner;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShardPartitioner p && p.shards.equals(shards);
    }

    @Override
    public int hashCode() {
        return shards.hashCode();
    }
}

package org.resnet4j.spark;

import java.io.Serializable;

/** What a worker task of one segment returns to the driver. */
sealed interface SegmentOutput extends Serializable {

    /** Piece {@code index} of worker 0's state bytes at the end of the segment ({@link ReplicaState}). */
    record StatePiece(int index, byte[] bytes) implements SegmentOutput {
    }

    /**
     * One worker's account of the segment.
     *
     * @param lossSum          sum over its steps of its shard's mean loss
     * @param correct          images of its shards the network classified right (before each update)
     * @param images           images it trained on
     * @param replicaHash      {@link ReplicaState#hash} at the end
     * @param bytesSent        gradient bytes it sent (it received as many)
     * @param setupSeconds     reading its shard, building the replica, meeting and connecting to the others
     * @param computeSeconds   batches, forward and backward passes, SGD steps
     * @param allReduceSeconds summing gradients (waiting for slower workers included)
     * @param divergedStep     the first step whose loss was NaN or infinite, or -1 when every loss was finite
     * @param divergedLoss     that step's loss
     */
    record WorkerReport(int rank, double lossSum, long correct, long images, long replicaHash, long bytesSent,
                        double setupSeconds, double computeSeconds, double allReduceSeconds, long divergedStep,
                        double divergedLoss)
            implements SegmentOutput {
    }
}

package org.resnet4j.train;

import java.nio.file.Path;

/**
 * Callbacks from a training run, for a user's own logging or stopping rule. They run on the training thread between
 * steps; an exception thrown from one ends the run there (the last checkpoint stays as it was written, so the run can
 * be resumed). All methods do nothing by default.
 *
 * <p>Threads: a run calls its listeners from its own thread, one call at a time, so a listener of one run needs no
 * locks; one added to runs that go on at once is called from their threads concurrently and must be safe to share
 * between threads. What the calls pass (numbers, an immutable {@link MetricsRow}, a path) is the listener's to keep.
 */
public interface TrainingListener {
    /** After the update of iteration {@code iteration} (counted from 1), with that batch's loss. */
    default void onStep(long iteration, double loss) {
    }

    /** After an evaluation, with the row it added to the metrics. */
    default void onEvaluation(MetricsRow row) {
    }

    /** After a checkpoint at {@code iteration} was written to {@code file}. */
    default void onCheckpoint(long iteration, Path file) {
    }
}

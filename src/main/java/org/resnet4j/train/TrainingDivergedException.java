package org.resnet4j.train;

/**
 * The loss or the weights became NaN or infinite; the last checkpoint written before stays as it was. Immutable; safe
 * to share between threads.
 */
public final class TrainingDivergedException extends RuntimeException {
    private static final String KEPT = "; stopped without writing a checkpoint (the last good one is kept). Try a lower "
            + "learning rate or a warm-up.";
    private final long iteration;

    /** The loss of iteration {@code iteration} (0-based) is {@code loss}, not finite. */
    public TrainingDivergedException(long iteration, double loss) {
        super("training diverged: the loss at iteration " + iteration + " is " + loss + KEPT);
        this.iteration = iteration;
    }

    /** The update of iteration {@code iteration} (0-based) left a non-finite {@code value} in tensor {@code name}. */
    public TrainingDivergedException(long iteration, String name, float value) {
        super("training diverged: the update of iteration " + iteration + " left " + value + " in " + name + KEPT);
        this.iteration = iteration;
    }

    /** The 0-based iteration whose loss or update was not finite. */
    public long iteration() {
        return iteration;
    }
}

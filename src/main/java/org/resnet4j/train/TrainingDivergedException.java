package org.resnet4j.train;

/** The loss became NaN or infinite; the last checkpoint written before stays as it was. */
public final class TrainingDivergedException extends RuntimeException {
    private final long iteration;

    public TrainingDivergedException(long iteration, double loss) {
        super("training diverged: the loss at iteration " + iteration + " is " + loss
                + "; stopped without writing a checkpoint (the last good one is kept). Try a lower learning rate "
                + "or a warm-up.");
        this.iteration = iteration;
    }

    public long iteration() {
        return iteration;
    }
}

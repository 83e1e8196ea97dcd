package org.resnet4j.train;

import java.util.Arrays;
import org.resnet4j.optim.LearningRateSchedule;

/**
 * How the learning rate falls over a run. The command line's names for them ({@code --schedule paper|cosine}, and the
 * {@code recipe.schedule} entry of a checkpoint) are {@link #key()}; {@link #fromKey} is the one place those names are
 * read.
 *
 * <p>Immutable; safe to share between threads.
 */
public enum Schedule {
    /**
     * The paper's (§4.2): the base rate, divided by 10 at 1/2 and at 3/4 of the run (32k and 48k of 64k iterations).
     */
    PAPER_STEPS("paper"),
    /** Half a cosine from the base rate down to 0 at the end of the run. */
    COSINE("cosine");

    private final String key;

    Schedule(String key) {
        this.key = key;
    }

    /** The name on the command line and in checkpoints: {@code paper} or {@code cosine}. */
    public String key() {
        return key;
    }

    /** The rate of each iteration of a run of {@code iterations} starting at {@code rate}. */
    public LearningRateSchedule rates(double rate, long iterations) {
        return this == COSINE ? LearningRateSchedule.cosine(rate, iterations)
                : LearningRateSchedule.paper(rate, iterations);
    }

    /** The schedule named {@code key}; an {@link IllegalArgumentException} names the value and the choices. */
    public static Schedule fromKey(String key) {
        return Arrays.stream(values()).filter(schedule -> schedule.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("schedule must be 'paper' or 'cosine', got '" + key
                        + "'"));
    }
}

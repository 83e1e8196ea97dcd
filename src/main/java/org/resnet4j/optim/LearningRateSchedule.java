package org.resnet4j.optim;

/**
 * The learning rate of each iteration (0-based), so a resumed run gets the same rates as an uninterrupted one.
 *
 * <p>The schedules built here are immutable and safe to share between threads; an implementation should be a pure
 * function of the iteration, as a resumed run relies on.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    double rate(long iteration);

    /** {@code base}, multiplied by {@code gamma} at each milestone reached: the paper's step schedule. */
    static LearningRateSchedule multiStep(double base, double gamma, long... milestones) {
        long[] sorted = milestones.clone();
        java.util.Arrays.sort(sorted);
        return iteration -> {
            double rate = base;
            for (long milestone : sorted) {
                if (iteration >= milestone) {
                    rate *= gamma;
                }
            }
            return rate;
        };
    }

    /**
     * The paper's CIFAR-10 recipe (§4.2): 0.1, divided by 10 at 32k and 48k iterations (training stops at 64k).
     * Scaled to another total length {@code total}, the milestones stay at 1/2 and 3/4 of it (rounded down, as every
     * checkpoint so far was trained with), but never at iteration 0: a 1-iteration run trains at {@code base}, not at
     * base/100.
     */
    static LearningRateSchedule paper(double base, long total) {
        // floor(3 * total / 4) without forming 3 * total, which overflows past 2^63 / 3 (a milestone at 1).
        return multiStep(base, 0.1, Math.max(1, total / 2), Math.max(1, total / 4 * 3 + total % 4 * 3 / 4));
    }

    /** Half a cosine from {@code base} at iteration 0 down to 0 at {@code total}. */
    static LearningRateSchedule cosine(double base, long total) {
        if (total <= 0) {
            throw new IllegalArgumentException("cosine schedule: total iterations must be >= 1, got " + total);
        }
        return iteration -> iteration >= total ? 0.0
                : 0.5 * base * (1 + Math.cos(Math.PI * iteration / (double) total));
    }

    /** {@code warmupRate} for the first {@code warmupIterations}, then this schedule (the paper's ResNet-110: 0.01 for 400). */
    default LearningRateSchedule withConstantWarmup(long warmupIterations, double warmupRate) {
        return iteration -> iteration < warmupIterations ? warmupRate : rate(iteration);
    }

    /** A linear ramp from 0 to this schedule's rate over the first {@code warmupIterations} (Goyal et al. 2017). */
    default LearningRateSchedule withLinearWarmup(long warmupIterations) {
        return iteration -> iteration < warmupIterations
                ? rate(iteration) * (iteration + 1) / (double) warmupIterations : rate(iteration);
    }
}

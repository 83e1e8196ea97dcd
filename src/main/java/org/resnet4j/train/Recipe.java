package org.resnet4j.train;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.resnet4j.data.Augmentation;
import org.resnet4j.data.NormalizationKind;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.optim.LearningRateSchedule;

/**
 * The settings that decide a run's trajectory, kept in every checkpoint's metadata under {@code recipe.} keys so that
 * a resume asking for other settings is refused instead of silently continuing a different run. Everything but
 * {@code iterations} must match for exact continuation; the total may change (a finished run can be extended), which
 * moves the schedule's steps.
 *
 * <p>In the metadata the schedule, the normalization and the augmentation are their names ({@link Schedule#key()},
 * {@link NormalizationKind#key()}, {@link Augmentation#key()}), so checkpoints read the same whichever way a run was
 * started. The final weights of a run ({@code model.safetensors}) carry the same entries, so a weights file says how
 * it was trained.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param seed           data split, shuffling, augmentation and initialization
 * @param validationSize images held out for validation (0 for none)
 * @param augmentation   the training loader's; null where it is none of {@link Augmentation}'s (fine-tuning's own
 *                       random resized crop) or not recorded (checkpoints written before 2026-12-02)
 * @param iterations     the total the run was started or last resumed with
 */
public record Recipe(long seed, int batchSize, double learningRate, Schedule schedule, long warmupIterations,
                     double warmupRate, double momentum, double weightDecay, int validationSize,
                     NormalizationKind normalization, Augmentation augmentation, long iterations) {
    static final String PREFIX = "recipe.";
    /** Optional: checkpoints written before it was recorded lack it, and resume without the check. */
    private static final String AUGMENTATION = "augmentation";
    private static final String[] KEYS = {"seed", "batch_size", "learning_rate", "schedule", "warmup_iterations",
            "warmup_rate", "momentum", "weight_decay", "validation_size", "normalization", "iterations"};

    public Recipe {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(normalization, "normalization");
    }

    public static Recipe of(TrainingConfig config) {
        return new Recipe(config.seed(), config.batchSize(), config.learningRate(), config.scheduleKind(),
                config.warmupIterations(), config.warmupRate(), config.momentum(), config.weightDecay(),
                config.validationSize(), config.normalizationKind(), Augmentation.PAD_CROP_FLIP, config.iterations());
    }

    /** Each iteration's learning rate: the paper's steps (at 1/2 and 3/4 of the total) or a cosine, after any warm-up. */
    public LearningRateSchedule learningRates() {
        LearningRateSchedule base = schedule.rates(learningRate, iterations);
        return warmupIterations > 0 ? base.withConstantWarmup(warmupIterations, warmupRate) : base;
    }

    /**
     * The {@code recipe.} entries of a checkpoint's (and final weights') metadata; doubles as {@link Double#toString},
     * exact both ways.
     */
    public Map<String, String> toMetadata() {
        Object[] values = {seed, batchSize, learningRate, schedule.key(), warmupIterations, warmupRate, momentum,
                weightDecay, validationSize, normalization.key(), iterations};
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.length; i++) {
            metadata.put(PREFIX + KEYS[i], values[i].toString());
        }
        if (augmentation != null) {
            metadata.put(PREFIX + AUGMENTATION, augmentation.key());
        }
        return metadata;
    }

    /**
     * The recipe in a checkpoint's metadata, or null when it has no {@code recipe.} key at all (a checkpoint written
     * before recipes were recorded). Some keys without the others, or a value that does not parse, is an error.
     */
    static Recipe fromMetadata(Map<String, String> metadata, Path file) throws SafeTensorsException {
        if (metadata.keySet().stream().noneMatch(k -> k.startsWith(PREFIX))) {
            return null;
        }
        String[] v = new String[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            v[i] = metadata.get(PREFIX + KEYS[i]);
            if (v[i] == null) {
                throw new SafeTensorsException(file + ": checkpoint metadata has recipe keys but no " + PREFIX + KEYS[i]);
            }
        }
        String augmentation = metadata.get(PREFIX + AUGMENTATION);
        try {
            return new Recipe(Long.parseLong(v[0]), Integer.parseInt(v[1]), Double.parseDouble(v[2]),
                    Schedule.fromKey(v[3]), Long.parseLong(v[4]), Double.parseDouble(v[5]), Double.parseDouble(v[6]),
                    Double.parseDouble(v[7]), Integer.parseInt(v[8]), NormalizationKind.fromKey(v[9]),
                    augmentation == null ? null : Augmentation.fromKey(augmentation), Long.parseLong(v[10]));
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(file + ": malformed recipe in checkpoint metadata: " + e.getMessage(), e);
        }
    }

    /**
     * Throws unless a run asking for {@code asked} can continue exactly from a checkpoint of this recipe: the
     * message names every differing setting with its command-line option, the saved value and the asked one.
     *
     * @throws IllegalArgumentException when a setting other than the total differs
     */
    public void requireContinuable(Recipe asked, Path checkpoint) {
        List<String> differences = new ArrayList<>();
        differ(differences, "seed (--seed)", seed, asked.seed);
        differ(differences, "batch size (--batch)", batchSize, asked.batchSize);
        differ(differences, "validation size (--val-size)", validationSize, asked.validationSize);
        differ(differences, "normalization (--normalization)", normalization, asked.normalization);
        // Unrecorded (an older checkpoint) on either side: nothing to compare.
        if (augmentation != null && asked.augmentation != null) {
            differ(differences, "augmentation (Training.augmentation)", augmentation, asked.augmentation);
        }
        differ(differences, "momentum (--momentum)", momentum, asked.momentum);
        differ(differences, "weight decay (--weight-decay)", weightDecay, asked.weightDecay);
        differ(differences, "learning rate (--lr)", learningRate, asked.learningRate);
        differ(differences, "schedule (--schedule)", schedule, asked.schedule);
        differ(differences, "warm-up iterations (--warmup-iterations)", warmupIterations, asked.warmupIterations);
        // Without warm-up iterations on either side the warm-up rate is never used.
        if (warmupIterations > 0 || asked.warmupIterations > 0) {
            differ(differences, "warm-up rate (--warmup-lr)", warmupRate, asked.warmupRate);
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + checkpoint + ": it was trained with other "
                    + "settings, so the run cannot continue exactly: " + String.join("; ", differences)
                    + ". Resume with the saved settings, or start a new run in another --checkpoint-dir");
        }
    }

    private static void differ(List<String> differences, String setting, Object saved, Object asked) {
        if (!saved.equals(asked)) {
            differences.add(setting + " saved " + show(saved) + ", asked " + show(asked));
        }
    }

    /**
     * A double in plain digits (1e-4 as 0.0001), still exact: the shortest decimal that gives back the same double;
     * a schedule or normalization by its command-line name.
     */
    private static String show(Object value) {
        return switch (value) {
            case Double d -> BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            case Schedule s -> s.key();
            case NormalizationKind n -> n.key();
            case Augmentation a -> a.key();
            default -> value.toString();
        };
    }

    /**
     * What changes when a run of this recipe resumes at {@code iteration} with the total of {@code asked}: where the
     * schedule's steps (or the cosine's end) fall now and before, and the rate at the resume point under each.
     */
    public String totalChange(Recipe asked, long iteration) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "the checkpoint's run was set for %d iterations, this one for %d: the %s schedule now follows the new "
                        + "total, ", iterations, asked.iterations, schedule.key()));
        if (schedule == Schedule.COSINE) {
            text.append(String.format(Locale.ROOT, "reaching 0 at iteration %d (was %d)", asked.iterations,
                    iterations));
        } else {
            text.append(String.format(Locale.ROOT,
                    "dividing the learning rate by 10 at iterations %d and %d (the run so far had its steps at %d and %d)",
                    asked.iterations / 2, asked.iterations * 3 / 4, iterations / 2, iterations * 3 / 4));
        }
        text.append(String.format(Locale.ROOT, "; from iteration %d the rate is %s (the saved total gives %s)",
                iteration, rate(asked.learningRates().rate(iteration)), rate(learningRates().rate(iteration))));
        return text.toString();
    }

    /** Four significant digits, so that 0.1 * 0.1 * 0.02 reads 0.0002 rather than 2.0000000000000004E-4. */
    private static String rate(double value) {
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}

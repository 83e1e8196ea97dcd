package org.resnet4j.data;

import java.util.Arrays;

/**
 * A seeded split of a training set into the images trained on and the images held out for validation (the paper,
 * §4.2: 45k/5k of CIFAR-10's 50k training images). The held-out images are a uniformly random subset chosen by
 * {@code seed}; both parts keep the original file order (the loader does the shuffling).
 *
 * <p>Safe to share between threads: the index arrays are copied in and out, and the two datasets are as safe as any
 * {@link Cifar10Dataset} (while nobody writes into their arrays).
 *
 * @param train             the images to train on
 * @param validation        the held-out images
 * @param trainIndices      positions of {@code train}'s images in the full set, ascending
 * @param validationIndices positions of {@code validation}'s images in the full set, ascending
 */
public record TrainValidationSplit(Cifar10Dataset train, Cifar10Dataset validation, int[] trainIndices,
        int[] validationIndices) {
    /** The paper's validation size. */
    public static final int PAPER_VALIDATION_SIZE = 5_000;

    public TrainValidationSplit {
        trainIndices = trainIndices.clone();
        validationIndices = validationIndices.clone();
    }

    /** The paper's split: 5,000 images held out, the rest (45,000 of CIFAR-10's training set) trained on. */
    public static TrainValidationSplit paper(Cifar10Dataset all, long seed) {
        return of(all, PAPER_VALIDATION_SIZE, seed);
    }

    /** Holds out {@code validationSize} images chosen by {@code seed}; the same arguments give the same split. */
    public static TrainValidationSplit of(Cifar10Dataset all, int validationSize, long seed) {
        if (validationSize < 0 || validationSize >= all.size()) {
            throw new IllegalArgumentException("validation size must be in 0.." + (all.size() - 1) + " for a set of "
                    + all.size() + " images, got " + validationSize);
        }
        int[] order = new int[all.size()];
        Seeds.permutation(order, Seeds.random(seed, Seeds.SPLIT, all.size(), validationSize));
        int[] validation = Arrays.copyOfRange(order, 0, validationSize);
        int[] train = Arrays.copyOfRange(order, validationSize, order.length);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new TrainValidationSplit(all.select(train), all.select(validation), train, validation);
    }

    @Override
    public int[] trainIndices() {
        return trainIndices.clone();
    }

    @Override
    public int[] validationIndices() {
        return validationIndices.clone();
    }
}

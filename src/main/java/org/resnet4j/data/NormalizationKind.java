package org.resnet4j.data;

import java.util.Arrays;

/**
 * Which {@link Normalization} a run computes from its training images. The command line's names for them
 * ({@code --normalization channel|pixel}, and the {@code recipe.normalization} entry of a checkpoint) are
 * {@link #key()}; {@link #fromKey} is the one place those names are read.
 *
 * <p>Immutable; safe to share between threads.
 */
public enum NormalizationKind {
    /** Per-channel mean and standard deviation ({@link Normalization#perChannel}): the usual CIFAR recipe. */
    PER_CHANNEL("channel"),
    /** The paper's per-pixel mean image, std 1 ({@link Normalization#perPixelMean}). */
    PER_PIXEL_MEAN("pixel");

    private final String key;

    NormalizationKind(String key) {
        this.key = key;
    }

    /** The name on the command line and in checkpoints: {@code channel} or {@code pixel}. */
    public String key() {
        return key;
    }

    /** The statistics of {@code training}'s images (reads every image once, on every core). */
    public Normalization of(Dataset training) {
        return of(training, Runtime.getRuntime().availableProcessors());
    }

    /** The statistics of {@code training}'s images, read on {@code threads} threads; the figures do not depend on it. */
    public Normalization of(Dataset training, int threads) {
        return this == PER_CHANNEL ? Normalization.perChannel(training, threads)
                : Normalization.perPixelMean(training, threads);
    }

    /** The kind named {@code key}; an {@link IllegalArgumentException} names the value and the choices. */
    public static NormalizationKind fromKey(String key) {
        return Arrays.stream(values()).filter(kind -> kind.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("normalization must be 'channel' or 'pixel', got '"
                        + key + "'"));
    }
}

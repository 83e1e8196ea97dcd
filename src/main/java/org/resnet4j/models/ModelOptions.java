package org.resnet4j.models;

/**
 * Choices a builder leaves open.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param classes            outputs of the classifier (10 for CIFAR-10, 1000 for ImageNet)
 * @param shortcut           the shortcut option, or null for the family's default (A for CIFAR, B for ImageNet)
 * @param strideOnFirst1x1   Bottleneck stride on the first 1x1 (the paper's "v1") instead of the 3x3 ("v1.5")
 * @param zeroInitResidual   start each residual branch's last batch norm with gamma = 0
 * @param seed               the seed of the weight initialization
 */
public record ModelOptions(int classes, ShortcutOption shortcut, boolean strideOnFirst1x1, boolean zeroInitResidual,
                           long seed) {

    public ModelOptions {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
    }

    public static ModelOptions defaults(int classes) {
        return new ModelOptions(classes, null, false, false, 0L);
    }

    public ModelOptions withShortcut(ShortcutOption option) {
        return new ModelOptions(classes, option, strideOnFirst1x1, zeroInitResidual, seed);
    }

    public ModelOptions withClasses(int count) {
        return new ModelOptions(count, shortcut, strideOnFirst1x1, zeroInitResidual, seed);
    }

    public ModelOptions withSeed(long newSeed) {
        return new ModelOptions(classes, shortcut, strideOnFirst1x1, zeroInitResidual, newSeed);
    }
}

package org.resnet4j.data;

import java.util.Arrays;

/**
 * How a training loader varies each image from epoch to epoch. Every draw comes from (seed, epoch, image) alone (see
 * {@link RandomCropFlip#forImage}), so any batch can be recomputed and a resumed run sees the same images.
 * Evaluation loaders never augment. Checkpoints and weights files name a kind by its {@link #key()}.
 *
 * <p>Immutable; safe to share between threads.
 */
public enum Augmentation {
    /**
     * The paper's (§4.2): pad each side with 4 black pixels, take a random crop of the original size, flip it
     * left-right with probability 1/2 ({@link RandomCropFlip}).
     */
    PAD_CROP_FLIP("pad-crop-flip"),
    /** A left-right flip with probability 1/2, nothing else: for images too small to lose 4 pixels to a shift. */
    FLIP("flip"),
    /** The images as they are. */
    NONE("none");

    private final String key;

    Augmentation(String key) {
        this.key = key;
    }

    /** The name in a checkpoint's and a weights file's metadata: {@code pad-crop-flip}, {@code flip} or {@code none}. */
    public String key() {
        return key;
    }

    /** The kind named {@code key}; an {@link IllegalArgumentException} names the value and the choices. */
    public static Augmentation fromKey(String key) {
        return Arrays.stream(values()).filter(kind -> kind.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("augmentation must be 'pad-crop-flip', 'flip' or "
                        + "'none', got '" + key + "'"));
    }

    /** The draw for {@code image} in {@code epoch}; null for {@link #NONE}. */
    RandomCropFlip draw(long seed, int epoch, int image) {
        return switch (this) {
            case PAD_CROP_FLIP -> RandomCropFlip.forImage(seed, epoch, image);
            case FLIP -> new RandomCropFlip(0, 0, RandomCropFlip.forImage(seed, epoch, image).flip());
            case NONE -> null;
        };
    }
}

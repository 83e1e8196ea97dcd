package org.resnet4j.data;

/**
 * How a training loader varies each image from epoch to epoch. Every draw comes from (seed, epoch, image) alone (see
 * {@link RandomCropFlip#forImage}), so any batch can be recomputed and a resumed run sees the same images.
 * Evaluation loaders never augment.
 */
public enum Augmentation {
    /**
     * The paper's (§4.2): pad each side with 4 black pixels, take a random crop of the original size, flip it
     * left-right with probability 1/2 ({@link RandomCropFlip}).
     */
    PAD_CROP_FLIP,
    /** A left-right flip with probability 1/2, nothing else: for images too small to lose 4 pixels to a shift. */
    FLIP,
    /** The images as they are. */
    NONE;

    /** The draw for {@code image} in {@code epoch}; null for {@link #NONE}. */
    RandomCropFlip draw(long seed, int epoch, int image) {
        return switch (this) {
            case PAD_CROP_FLIP -> RandomCropFlip.forImage(seed, epoch, image);
            case FLIP -> new RandomCropFlip(0, 0, RandomCropFlip.forImage(seed, epoch, image).flip());
            case NONE -> null;
        };
    }
}

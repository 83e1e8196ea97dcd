package org.resnet4j.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The paper's training augmentation (§4.2, after Lee et al. 2015): pad each side of the 32x32 image with 4 zero
 * pixels, take a random 32x32 crop of the 40x40 result, and flip it horizontally with probability 1/2. One value of
 * this record is one draw: the crop's offset {@code (dy, dx)} from the centred position, each in [-4, 4], and the flip.
 *
 * <p>It works on raw bytes, before normalization, in torchvision's order ({@code RandomCrop(32, padding=4)},
 * {@code RandomHorizontalFlip()}, then {@code ToTensor()}, {@code Normalize}): a padded pixel is raw 0 (black), which
 * normalization then maps to {@code (0 - mean) / std}, not to 0. The result as a formula, crop then flip:
 * {@code out[c][y][x] = in[c][y + dy][x' + dx]} with {@code x' = flip ? 31 - x : x}, and 0 where that is outside the
 * image.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param dy   vertical offset of the crop, in [-4, 4]
 * @param dx   horizontal offset of the crop, in [-4, 4]
 * @param flip whether the crop is mirrored left-right
 */
public record RandomCropFlip(int dy, int dx, boolean flip) {
    public static final int PADDING = 4;
    /** The identity: centred crop, no flip. */
    public static final RandomCropFlip NONE = new RandomCropFlip(0, 0, false);

    public RandomCropFlip {
        if (Math.abs(dy) > PADDING || Math.abs(dx) > PADDING) {
            throw new IllegalArgumentException("crop offset (" + dy + ", " + dx + ") must be within [-" + PADDING
                    + ", " + PADDING + "] in both directions");
        }
    }

    /** A uniform draw: dy and dx each uniform on [-4, 4], flip with probability 1/2. */
    public static RandomCropFlip draw(SplittableRandom random) {
        int dy = random.nextInt(2 * PADDING + 1) - PADDING;
        int dx = random.nextInt(2 * PADDING + 1) - PADDING;
        return new RandomCropFlip(dy, dx, random.nextBoolean());
    }

    /** The draw for {@code image} in {@code epoch}: depends on nothing else, so any batch can be recomputed alone. */
    public static RandomCropFlip forImage(long seed, int epoch, int image) {
        return draw(Seeds.random(seed, Seeds.AUGMENT, epoch, image));
    }

    /** Writes the augmented 32x32 image (CIFAR-10's): {@link #apply(byte[], int, byte[], int, int)} with side 32. */
    public void apply(byte[] in, int inOffset, byte[] out, int outOffset) {
        apply(in, inOffset, out, outOffset, Cifar10Dataset.HEIGHT);
    }

    /**
     * Writes the augmented image of side {@code size}: the same 4-pixel pad, crop and flip at any size (as
     * torchvision's {@code RandomCrop(size, padding=4)} is), with {@code 31} in the formula above replaced by
     * {@code size - 1}.
     *
     * @param in  {@code [3][size][size]} bytes from {@code inOffset}; not modified
     * @param out {@code [3][size][size]} bytes from {@code outOffset}; overwritten; must not overlap {@code in}
     */
    public void apply(byte[] in, int inOffset, byte[] out, int outOffset, int size) {
        int planeSize = size * size;
        for (int c = 0; c < Cifar10Dataset.CHANNELS; c++) {
            int plane = c * planeSize;
            for (int y = 0; y < size; y++) {
                int to = outOffset + plane + y * size;
                int sy = y + dy;
                if (sy < 0 || sy >= size) {
                    Arrays.fill(out, to, to + size, (byte) 0);
                    continue;
                }
                int from = inOffset + plane + sy * size;
                for (int x = 0; x < size; x++) {
                    int sx = (flip ? size - 1 - x : x) + dx;
                    out[to + x] = sx >= 0 && sx < size ? in[from + sx] : 0;
                }
            }
        }
    }
}

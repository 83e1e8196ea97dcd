package org.resnet4j.images;

/**
 * An 8-bit RGB image, rows top to bottom, pixels interleaved {@code r, g, b} ({@code [height][width][3]}), as Pillow
 * holds an {@code "RGB"} image. Immutable: the operations return new images. Safe to share between threads.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] pixels;

    /** @param pixels {@code width * height * 3} bytes, copied */
    public RgbImage(int width, int height, byte[] pixels) {
        this(width, height, pixels.clone(), true);
    }

    private RgbImage(int width, int height, byte[] pixels, boolean checked) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image has " + (long) width * height * 3
                    + " bytes, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /** Wraps {@code pixels} without copying: for this package's own fresh arrays. */
    static RgbImage own(int width, int height, byte[] pixels) {
        return new RgbImage(width, height, pixels, true);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The value (0..255) of {@code channel} (0 red, 1 green, 2 blue) at column {@code x}, row {@code y}. */
    public int value(int x, int y, int channel) {
        return pixels[(y * width + x) * 3 + channel] & 0xFF;
    }

    /** A copy of the interleaved bytes. */
    public byte[] pixels() {
        return pixels.clone();
    }

    /** The bytes themselves, for this package's loops. */
    byte[] raw() {
        return pixels;
    }

    /**
     * The rectangle {@code [left, left + cropWidth) x [top, top + cropHeight)}; parts outside the image are black, as
     * torchvision pads a center crop larger than its image.
     */
    public RgbImage crop(int left, int top, int cropWidth, int cropHeight) {
        if (cropWidth < 1 || cropHeight < 1) {
            throw new IllegalArgumentException("crop size must be at least 1x1, got " + cropWidth + "x" + cropHeight);
        }
        byte[] out = new byte[cropWidth * cropHeight * 3];
        for (int y = 0; y < cropHeight; y++) {
            int sy = top + y;
            if (sy < 0 || sy >= height) {
                continue;
            }
            int x0 = Math.max(0, -left);
            int x1 = Math.min(cropWidth, width - left);
            if (x1 > x0) {
                System.arraycopy(pixels, (sy * width + left + x0) * 3, out, (y * cropWidth + x0) * 3, (x1 - x0) * 3);
            }
        }
        return own(cropWidth, cropHeight, out);
    }

    /** Mirrored left to right. */
    public RgbImage flipHorizontally() {
        byte[] out = new byte[pixels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(pixels, (y * width + x) * 3, out, (y * width + width - 1 - x) * 3, 3);
            }
        }
        return own(width, height, out);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}

package org.resnet4j.images;

/**
 * torchvision's geometric steps on PIL images: resize (shorter side or exact), center crop, resized crop.
 *
 * <p>Stateless: safe to call from several threads at once; each call returns a new image.
 */
public final class Resize {
    /**
     * The most pixels {@link #shorterSide} makes: as many as {@link ImageDecoder} takes from one file. A long, narrow
     * image stays within the decoder's limit yet grows with its shorter side (1 x 10,000,000 pixels resized to 32 would
     * be 32 x 320,000,000: ten billion pixels).
     */
    public static final long MAX_PIXELS = ImageDecoder.MAX_PIXELS;

    private Resize() {
    }

    /**
     * torchvision's {@code Resize(size)} with one number: the shorter side becomes {@code size}, the longer one
     * {@code int(size * long / short)} (truncated, as Python's {@code int} does), bilinear with antialiasing.
     *
     * @throws IllegalArgumentException if the result would have more than {@link #MAX_PIXELS} pixels; callers that
     *                                  know the image's file call {@link #checkShorterSide} first, to name it
     */
    public static RgbImage shorterSide(RgbImage image, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("resize: size must be >= 1, got " + size);
        }
        int w = image.width();
        int h = image.height();
        String problem = shorterSideProblem(w, h, size, MAX_PIXELS);
        if (problem != null) {
            throw new IllegalArgumentException("resize: " + problem);
        }
        int shorter = Math.min(w, h);
        int longer = Math.max(w, h);
        int newLonger = (int) ((double) size * longer / shorter);
        return w <= h ? to(image, size, newLonger) : to(image, newLonger, size);
    }

    /**
     * Refuses, naming {@code source}, an image that {@link #shorterSide}{@code (image, size)} would make larger than
     * {@link #MAX_PIXELS} pixels.
     *
     * @param source how the error names the image (its file)
     */
    public static void checkShorterSide(RgbImage image, int size, String source) throws ImageDecodingException {
        String problem = shorterSideProblem(image.width(), image.height(), size, MAX_PIXELS);
        if (problem != null) {
            throw new ImageDecodingException(source + ": " + problem);
        }
    }

    /**
     * Why a {@code width x height} image cannot have its shorter side resized to {@code size} within
     * {@code maxPixels} pixels (it is so long and narrow that the longer side would grow too far), or null when it can.
     * The one rule for the data sets, {@code classify} and {@code serve}; computed in long, so no size overflows.
     */
    public static String shorterSideProblem(int width, int height, int size, long maxPixels) {
        if (size < 1) {
            throw new IllegalArgumentException("resize: size must be >= 1, got " + size);
        }
        long longer = (long) ((double) size * Math.max(width, height) / Math.min(width, height));
        if (longer <= maxPixels / size) {
            return null;
        }
        String resized = width <= height ? size + "x" + longer : longer + "x" + size;
        return "the image is " + width + "x" + height + " pixels: resized to a shorter side of " + size
                + " it would be " + resized + ", more than the limit of " + maxPixels + " pixels";
    }

    /** Bilinear (Pillow's, antialiased when shrinking) to exactly {@code width x height}. */
    public static RgbImage to(RgbImage image, int width, int height) {
        return BilinearResize.resize(image, width, height);
    }

    /**
     * torchvision's {@code CenterCrop}: offsets {@code round((size - crop) / 2)} with Python's round-half-to-even; an
     * image smaller than the crop is first padded with black, {@code (crop - size) // 2} before and the rest after.
     */
    public static RgbImage centerCrop(RgbImage image, int cropWidth, int cropHeight) {
        int left = image.width() >= cropWidth ? (int) Math.rint((image.width() - cropWidth) / 2.0)
                : -((cropWidth - image.width()) / 2);
        int top = image.height() >= cropHeight ? (int) Math.rint((image.height() - cropHeight) / 2.0)
                : -((cropHeight - image.height()) / 2);
        return image.crop(left, top, cropWidth, cropHeight);
    }
}

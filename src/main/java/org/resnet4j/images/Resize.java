package org.resnet4j.images;

/**
 * torchvision's geometric steps on PIL images: resize (shorter side or exact), center crop, resized crop.
 *
 * <p>Stateless: safe to call from several threads at once; each call returns a new image.
 */
public final class Resize {
    private Resize() {
    }

    /**
     * torchvision's {@code Resize(size)} with one number: the shorter side becomes {@code size}, the longer one
     * {@code int(size * long / short)} (truncated, as Python's {@code int} does), bilinear with antialiasing.
     */
    public static RgbImage shorterSide(RgbImage image, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("resize: size must be >= 1, got " + size);
        }
        int w = image.width();
        int h = image.height();
        int shorter = Math.min(w, h);
        int longer = Math.max(w, h);
        int newLonger = (int) ((double) size * longer / shorter);
        return w <= h ? to(image, size, newLonger) : to(image, newLonger, size);
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

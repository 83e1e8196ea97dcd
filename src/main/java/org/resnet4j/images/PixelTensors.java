package org.resnet4j.images;

/**
 * torchvision's {@code ToTensor} then {@code Normalize(mean, std)} for 8-bit RGB: {@code (v / 255f - mean[c]) /
 * std[c]} in float arithmetic, the operations and rounding PyTorch performs, written channel-major ({@code [3][H][W]}).
 * A mean of {@code 3 x H x W} values is the paper's per-pixel mean image ({@code mean[c][y][x]}), for images of its
 * size.
 *
 * <p>Its methods keep no state and are safe to call from several threads at once, on output arrays no other call
 * writes.
 */
public final class PixelTensors {
    // Private: a public array would let one caller's write change every later ImageNet normalization, silently.
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private PixelTensors() {
    }

    /** ImageNet's channel means, as torchvision's pretrained weights expect them: a new array, the caller's. */
    public static float[] imagenetMean() {
        return IMAGENET_MEAN.clone();
    }

    /** ImageNet's channel standard deviations, as torchvision's pretrained weights expect them: a new array. */
    public static float[] imagenetStd() {
        return IMAGENET_STD.clone();
    }

    /**
     * Writes {@code image} as CHW floats into {@code out} from {@code offset}; mean and std null for plain [0, 1]. The
     * mean is 3 values, or 3 x H x W (a per-pixel mean image of the image's size); the std 3 values.
     */
    public static void write(RgbImage image, float[] mean, float[] std, float[] out, int offset) {
        int plane = image.width() * image.height();
        byte[] pixels = image.raw();
        boolean perPixel = mean != null && mean.length != 3;
        if (perPixel && mean.length != 3 * plane) {
            throw new IllegalArgumentException("normalize: a per-pixel mean of " + mean.length + " values does not fit a "
                    + image.width() + "x" + image.height() + " image (3 x " + plane + " values)");
        }
        for (int c = 0; c < 3; c++) {
            int to = offset + c * plane;
            if (mean == null) {
                for (int p = 0; p < plane; p++) {
                    out[to + p] = (pixels[p * 3 + c] & 0xFF) / 255f;
                }
            } else {
                float s = std[c];
                for (int p = 0; p < plane; p++) {
                    float m = perPixel ? mean[c * plane + p] : mean[c];
                    out[to + p] = ((pixels[p * 3 + c] & 0xFF) / 255f - m) / s;
                }
            }
        }
    }

    /**
     * Throws unless {@code mean} and {@code std} are both absent, or {@code std} is 3 values and {@code mean} 3 values
     * or a per-pixel mean image of {@code size x size}.
     */
    static void checkNormalization(String transform, int size, float[] mean, float[] std) {
        if ((mean == null) != (std == null) || mean != null && (std.length != 3
                || mean.length != 3 && mean.length != 3 * size * size)) {
            throw new IllegalArgumentException(transform + ": mean and std are both absent, or std 3 values and mean 3 "
                    + "values or a per-pixel mean image of 3 x " + size + " x " + size + "; got mean "
                    + (mean == null ? "absent" : mean.length + " values") + ", std "
                    + (std == null ? "absent" : std.length + " values"));
        }
    }
}

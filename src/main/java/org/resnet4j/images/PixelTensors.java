package org.resnet4j.images;

/**
 * torchvision's {@code ToTensor} then {@code Normalize(mean, std)} for 8-bit RGB: {@code (v / 255f - mean[c]) /
 * std[c]} in float arithmetic, the operations and rounding PyTorch performs, written channel-major ({@code [3][H][W]}).
 */
public final class PixelTensors {
    /** ImageNet's channel means and standard deviations, as torchvision's pretrained weights expect them. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private PixelTensors() {
    }

    /** Writes {@code image} as CHW floats into {@code out} from {@code offset}; mean and std null for plain [0, 1]. */
    public static void write(RgbImage image, float[] mean, float[] std, float[] out, int offset) {
        int plane = image.width() * image.height();
        byte[] pixels = image.raw();
        for (int c = 0; c < 3; c++) {
            int to = offset + c * plane;
            if (mean == null) {
                for (int p = 0; p < plane; p++) {
                    out[to + p] = (pixels[p * 3 + c] & 0xFF) / 255f;
                }
            } else {
                float m = mean[c];
                float s = std[c];
                for (int p = 0; p < plane; p++) {
                    out[to + p] = ((pixels[p * 3 + c] & 0xFF) / 255f - m) / s;
                }
            }
        }
    }
}

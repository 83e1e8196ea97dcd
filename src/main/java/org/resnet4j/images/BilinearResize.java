package org.resnet4j.images;

/**
 * Bilinear resizing exactly as Pillow's {@code Image.resize(size, BILINEAR)} computes it for 8-bit images, which is
 * what torchvision's {@code Resize} runs on PIL images. When shrinking, the triangle filter is widened by the scale
 * factor (antialiasing: every source pixel under the output pixel's footprint counts). The weights are normalized per
 * output pixel, rounded to 22-bit fixed point, and each of the two passes (horizontal, then vertical over only the
 * rows the vertical pass reads) rounds and clips to 8 bits, as Pillow's {@code Resample.c} does; so the bytes are
 * Pillow's bytes, not merely close to them.
 */
final class BilinearResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 1.0; // the triangle filter's half-width at scale 1

    private BilinearResize() {
    }

    /** Per output position: the first source index, the number of taps, and the fixed-point weights. */
    private record Taps(int[] first, int[] count, int[] weights, int stride) {
    }

    static RgbImage resize(RgbImage in, int outWidth, int outHeight) {
        if (outWidth < 1 || outHeight < 1) {
            throw new IllegalArgumentException("resize target must be at least 1x1, got " + outWidth + "x" + outHeight);
        }
        Taps horizontal = taps(in.width(), outWidth);
        Taps vertical = taps(in.height(), outHeight);
        RgbImage image = in;
        int firstRow = 0;
        if (outWidth != in.width()) {
            // Only the rows the vertical pass will read are resampled horizontally.
            firstRow = vertical.first[0];
            int lastRow = vertical.first[outHeight - 1] + vertical.count[outHeight - 1];
            image = horizontalPass(in, horizontal, outWidth, firstRow, lastRow);
        }
        if (outHeight != in.height()) {
            image = verticalPass(image, vertical, outHeight, outWidth != in.width() ? firstRow : 0);
        }
        return image == in ? in.crop(0, 0, in.width(), in.height()) : image;
    }

    private static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * stride];
        double[] w = new double[stride];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            // (int) truncates toward zero, as C's cast does; both ends are then clamped to the image.
            int min = Math.max(0, (int) (center - support + 0.5));
            int max = Math.min(inSize, (int) (center + support + 0.5)) - min;
            double sum = 0;
            for (int i = 0; i < max; i++) {
                double t = Math.abs((i + min - center + 0.5) / filterScale);
                w[i] = t < 1.0 ? 1.0 - t : 0.0;
                sum += w[i];
            }
            for (int i = 0; i < max; i++) {
                double normalized = sum != 0.0 ? w[i] / sum : w[i];
                weights[o * stride + i] = (int) (normalized < 0 ? -0.5 + normalized * (1 << PRECISION_BITS)
                        : 0.5 + normalized * (1 << PRECISION_BITS));
            }
            first[o] = min;
            count[o] = max;
        }
        return new Taps(first, count, weights, stride);
    }

    private static RgbImage horizontalPass(RgbImage in, Taps taps, int outWidth, int firstRow, int lastRow) {
        byte[] src = in.raw();
        int rows = lastRow - firstRow;
        byte[] out = new byte[outWidth * rows * 3];
        for (int y = 0; y < rows; y++) {
            int rowStart = (y + firstRow) * in.width() * 3;
            for (int x = 0; x < outWidth; x++) {
                int k = x * taps.stride;
                int from = rowStart + taps.first[x] * 3;
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int i = 0; i < taps.count[x]; i++) {
                    int weight = taps.weights[k + i];
                    r += (src[from + i * 3] & 0xFF) * weight;
                    g += (src[from + i * 3 + 1] & 0xFF) * weight;
                    b += (src[from + i * 3 + 2] & 0xFF) * weight;
                }
                int o = (y * outWidth + x) * 3;
                out[o] = clip8(r);
                out[o + 1] = clip8(g);
                out[o + 2] = clip8(b);
            }
        }
        return RgbImage.own(outWidth, rows, out);
    }

    /** @param rowOffset the source row that {@code in}'s first row is (the horizontal pass kept only some rows) */
    private static RgbImage verticalPass(RgbImage in, Taps taps, int outHeight, int rowOffset) {
        byte[] src = in.raw();
        int width = in.width();
        byte[] out = new byte[width * outHeight * 3];
        for (int y = 0; y < outHeight; y++) {
            int k = y * taps.stride;
            int firstRow = taps.first[y] - rowOffset;
            for (int x = 0; x < width; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int i = 0; i < taps.count[y]; i++) {
                    int weight = taps.weights[k + i];
                    int from = ((firstRow + i) * width + x) * 3;
                    r += (src[from] & 0xFF) * weight;
                    g += (src[from + 1] & 0xFF) * weight;
                    b += (src[from + 2] & 0xFF) * weight;
                }
                int o = (y * width + x) * 3;
                out[o] = clip8(r);
                out[o + 1] = clip8(g);
                out[o + 2] = clip8(b);
            }
        }
        return RgbImage.own(width, outHeight, out);
    }

    private static byte clip8(int sum) {
        if (sum >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (sum <= 0) {
            return 0;
        }
        return (byte) (sum >> PRECISION_BITS);
    }
}

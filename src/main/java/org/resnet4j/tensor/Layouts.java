package org.resnet4j.tensor;

/**
 * Conversions between the memory layouts of rank-4 tensors.
 *
 * <p>Stateless: safe to call from several threads at once, on target arrays that no other call writes.
 */
public final class Layouts {
    private Layouts() {
    }

    /** Writes {@code source} (in {@code from} layout) into {@code target} (in {@code to} layout); both of {@code shape}. */
    public static void convert(Shape shape, Layout from, float[] source, Layout to, float[] target) {
        if (from == to) {
            System.arraycopy(source, 0, target, 0, shape.size());
            return;
        }
        shape.requireRank(4, "layout conversion " + from + " -> " + to);
        int batch = shape.dim(0), channels = shape.dim(1), plane = shape.dim(2) * shape.dim(3);
        if (from == Layout.NCHW) {
            nchwToNhwc(batch, channels, plane, source, target);
        } else {
            nhwcToNchw(batch, channels, plane, source, target);
        }
    }

    static void nchwToNhwc(int batch, int channels, int plane, float[] source, float[] target) {
        for (int n = 0; n < batch; n++) {
            int base = n * channels * plane;
            for (int c = 0; c < channels; c++) {
                int from = base + c * plane;
                for (int p = 0; p < plane; p++) {
                    target[base + p * channels + c] = source[from + p];
                }
            }
        }
    }

    static void nhwcToNchw(int batch, int channels, int plane, float[] source, float[] target) {
        for (int n = 0; n < batch; n++) {
            int base = n * channels * plane;
            for (int c = 0; c < channels; c++) {
                int to = base + c * plane;
                for (int p = 0; p < plane; p++) {
                    target[to + p] = source[base + p * channels + c];
                }
            }
        }
    }
}

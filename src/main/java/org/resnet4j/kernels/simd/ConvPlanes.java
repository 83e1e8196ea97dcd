package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.resnet4j.kernels.ConvGeometry;

/**
 * The forward pass's view of the input: each image zero-padded and split into {@code sh*sw} stride phases,
 * {@code [N][sh][sw][rows][width][Cin]}, where phase {@code (rh, rw)} holds padded pixel
 * {@code (a*sh + rh, b*sw + rw)} at {@code (a, b)}. Output pixel {@code (oh, ow)} is grid pixel
 * {@code q = oh*width + ow}, and tap {@code (kh, kw)} reads it at {@code q*Cin + tapOffset(kh, kw)}: a constant
 * offset, so a run of consecutive {@code q} crosses rows without edge logic. Rows past the padded image are slack
 * (zeros or stale values read only by discarded grid pixels), enough for the last tile of {@code tilePixels}.
 */
final class ConvPlanes {
    private final ConvGeometry g;
    private final int width;
    private final int rows;
    private final int planeLength;

    private ConvPlanes(ConvGeometry g, int width, int rows) {
        this.g = g;
        this.width = width;
        this.rows = rows;
        this.planeLength = rows * width * g.inChannels();
    }

    static ConvPlanes forInput(ConvGeometry g, int tilePixels) {
        int sh = g.strideHeight();
        int sw = g.strideWidth();
        int width = SimdConvolution.ceilDiv(g.inWidth() + 2 * g.padWidth(), sw);
        int tiles = SimdConvolution.ceilDiv(g.outHeight() * width, tilePixels);
        int maxTap = (g.kernelHeight() - 1) / sh * width + (g.kernelWidth() - 1) / sw;
        int rows = Math.max(SimdConvolution.ceilDiv(g.inHeight() + 2 * g.padHeight(), sh),
                SimdConvolution.ceilDiv(tiles * tilePixels + maxTap, width));
        return new ConvPlanes(g, width, rows);
    }

    /** The grid width (pixels per plane row). */
    int width() {
        return width;
    }

    int imageLength() {
        return g.strideHeight() * g.strideWidth() * planeLength;
    }

    int bufferLength(int batch) {
        return Math.multiplyExact(batch, imageLength());
    }

    /** Offset (in floats) from grid pixel {@code q}'s base {@code q*Cin} to the input value tap (kh, kw) reads. */
    int tapOffset(int kh, int kw) {
        int sh = g.strideHeight();
        int sw = g.strideWidth();
        int plane = (kh % sh) * sw + kw % sw;
        return plane * planeLength + ((kh / sh) * width + kw / sw) * g.inChannels();
    }

    /**
     * Writes every plane row of image {@code n} (data or zeros) at {@code buffer[base...]}, so stale buffer contents
     * never leak in.
     */
    void fill(float[] input, int n, float[] buffer, int base) {
        int sh = g.strideHeight();
        int sw = g.strideWidth();
        int c = g.inChannels();
        int h = g.inHeight();
        int w = g.inWidth();
        for (int rh = 0; rh < sh; rh++) {
            for (int rw = 0; rw < sw; rw++) {
                int planeBase = base + (rh * sw + rw) * planeLength;
                // Columns b whose padded column b*sw + rw - pw lies inside the image.
                int first = Math.max(0, SimdConvolution.ceilDiv(Math.max(0, g.padWidth() - rw), sw));
                int last = w - 1 + g.padWidth() - rw < 0 ? -1
                        : Math.min(width - 1, (w - 1 + g.padWidth() - rw) / sw);
                for (int a = 0; a < rows; a++) {
                    int rowBase = planeBase + a * width * c;
                    int ih = a * sh + rh - g.padHeight();
                    if (ih < 0 || ih >= h || first > last) {
                        Arrays.fill(buffer, rowBase, rowBase + width * c, 0f);
                        continue;
                    }
                    Arrays.fill(buffer, rowBase, rowBase + first * c, 0f);
                    int from = ((n * h + ih) * w + first * sw + rw - g.padWidth()) * c;
                    if (sw == 1) {
                        System.arraycopy(input, from, buffer, rowBase + first * c, (last - first + 1) * c);
                    } else {
                        copyStrided(input, from, sw * c, buffer, rowBase + first * c, last - first + 1, c);
                    }
                    Arrays.fill(buffer, rowBase + (last + 1) * c, rowBase + width * c, 0f);
                }
            }
        }
    }

    /** Copies {@code pixels} pixels of {@code c} floats, {@code fromStep} floats apart in {@code from}, contiguously. */
    private static void copyStrided(float[] from, int fromIndex, int fromStep, float[] to, int toIndex, int pixels,
                                    int c) {
        if (c % LANES == 0) {
            // Whole vectors: the scalar loop (not vectorized by C2 at these trip counts) took a third longer.
            for (int p = 0; p < pixels; p++, fromIndex += fromStep, toIndex += c) {
                for (int i = 0; i < c; i += LANES) {
                    FloatVector.fromArray(SPECIES, from, fromIndex + i).intoArray(to, toIndex + i);
                }
            }
            return;
        }
        for (int p = 0; p < pixels; p++, fromIndex += fromStep, toIndex += c) {
            System.arraycopy(from, fromIndex, to, toIndex, c);
        }
    }
}

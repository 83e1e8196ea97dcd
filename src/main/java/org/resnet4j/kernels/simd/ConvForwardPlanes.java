package org.resnet4j.kernels.simd;

import java.util.Arrays;
import org.resnet4j.kernels.ConvGeometry;

/**
 * The forward pass's view of the input: each image zero-padded and its rows split into {@code sh} row phases,
 * {@code [N][sh][rows][rowWidth][Cin]}, where phase {@code rh} holds padded row {@code a*sh + rh} at row {@code a}
 * and {@code rowWidth = sw * width} is the padded width rounded up to a multiple of {@code sw}. Output pixel
 * {@code (oh, ow)} is grid pixel {@code q = oh*width + ow}, based at {@code q*pixelStride} with
 * {@code pixelStride = sw*Cin}, and tap {@code (kh, kw)} reads it at {@code q*pixelStride + tapOffset(kh, kw)}:
 * a constant offset, so a run of consecutive {@code q} crosses output rows without edge logic (the row split is what
 * makes one output row step over {@code sh} input rows). Tiles take only kept pixels ({@code ow < OW}), and every tap
 * of a kept pixel lies inside the padded image, so the buffer needs no slack.
 */
final class ConvForwardPlanes {
    private final ConvGeometry g;
    private final int width;
    private final int rowWidth;
    private final int rows;
    private final int planeLength;

    private ConvForwardPlanes(ConvGeometry g, int width, int rows) {
        this.g = g;
        this.width = width;
        // Exact: SimdConvolution's guard bounds these; a wrapped length must never get past it unnoticed.
        this.rowWidth = Math.multiplyExact(width, g.strideWidth());
        this.rows = rows;
        this.planeLength = Math.multiplyExact(Math.multiplyExact(rows, rowWidth), g.inChannels());
    }

    static ConvForwardPlanes forInput(ConvGeometry g) {
        int sh = g.strideHeight();
        int width = ConvTiling.ceilDiv(g.inWidth() + 2 * g.padWidth(), g.strideWidth());
        // Tiles read only kept pixels, whose taps all lie in the padded image: no slack rows.
        return new ConvForwardPlanes(g, width, ConvTiling.ceilDiv(g.inHeight() + 2 * g.padHeight(), sh));
    }

    /** The grid width: output pixels per grid row, {@code OW} of them real. */
    int width() {
        return width;
    }

    /** Floats from one grid pixel to the next. */
    int pixelStride() {
        return g.strideWidth() * g.inChannels();
    }

    int imageLength() {
        return Math.multiplyExact(g.strideHeight(), planeLength);
    }

    int bufferLength(int batch) {
        return Math.multiplyExact(batch, imageLength());
    }

    /** Offset (in floats) from grid pixel {@code q}'s base {@code q*pixelStride} to the value tap (kh, kw) reads. */
    int tapOffset(int kh, int kw) {
        int sh = g.strideHeight();
        return (kh % sh) * planeLength + ((kh / sh) * rowWidth + kw) * g.inChannels();
    }

    /**
     * Writes every row of image {@code n} (data or zeros) at {@code buffer[base...]}, so stale buffer contents never
     * leak into a kept pixel.
     */
    void fill(float[] input, int n, float[] buffer, int base) {
        fillRows(input, n, buffer, base, 0, paddedRows());
    }

    /** The rows of all phases, counted phase by phase: {@link #fillRows} takes ranges of them. */
    int paddedRows() {
        return g.strideHeight() * rows;
    }

    /** {@link #fill} for padded rows {@code [from, to)} only, so several threads can pad one image. */
    void fillRows(float[] input, int n, float[] buffer, int base, int from, int to) {
        int sh = g.strideHeight();
        int c = g.inChannels();
        int h = g.inHeight();
        int rowLength = g.inWidth() * c;
        int left = g.padWidth() * c;
        int paddedRow = rowWidth * c;
        for (int r = from; r < to; r++) {
            int rh = r / rows;
            int a = r % rows;
            int rowBase = base + rh * planeLength + a * paddedRow;
            int ih = a * sh + rh - g.padHeight();
            if (ih < 0 || ih >= h) {
                Arrays.fill(buffer, rowBase, rowBase + paddedRow, 0f);
                continue;
            }
            Arrays.fill(buffer, rowBase, rowBase + left, 0f);
            System.arraycopy(input, (n * h + ih) * rowLength, buffer, rowBase + left, rowLength);
            Arrays.fill(buffer, rowBase + left + rowLength, rowBase + paddedRow, 0f);
        }
    }
}

package org.resnet4j.kernels.simd;

import java.util.Arrays;
import org.resnet4j.kernels.ConvGeometry;

/**
 * Backward-data as {@code sh*sw} stride-1 correlations. For input phase {@code (r, c)} ({@code ih + ph = u*sh + r},
 * {@code iw + pw = v*sw + c}) the taps are {@code kh = r + sh*jr}, {@code kw = c + sw*jc}, and
 * <pre>  gradInput[u, v] = sum_{jr, jc, co} weight[co, ci, kh, kw] * gradOutput[u - jr, v - jc, co].</pre>
 * gradOutput is copied into a zero-padded buffer {@code [N][rows][gridWidth][Cout]} with {@code pad = ceil(K/s) - 1}
 * rows and columns before it, so phase pixel {@code q = u*gridWidth + v} reads tap {@code (jr, jc)} at
 * {@code q*Cout + ((padH - jr)*gridWidth + padW - jc)*Cout}, a constant offset. Only grid pixels that map inside the
 * input are computed ({@link #keptGrid}), and they read only inside the buffer.
 */
final class ConvBackwardDataPhases {
    private final ConvGeometry g;
    private final int padH;
    private final int padW;
    private final int gridRows;
    private final int gridWidth;
    private final int rows;
    private final int[][] tapOffsets;
    private final int[][] steps;
    private final int[][] tapKh;
    private final int[][] tapKw;
    private final int[] packedOffsets;
    private final int[][] keptGrid;
    private final int[][] keptInput;

    ConvBackwardDataPhases(ConvGeometry g) {
        this.g = g;
        int sh = g.strideHeight();
        int sw = g.strideWidth();
        padH = ConvTiling.ceilDiv(g.kernelHeight(), sh) - 1;
        padW = ConvTiling.ceilDiv(g.kernelWidth(), sw) - 1;
        int maxU = 0;
        for (int r = 0; r < sh; r++) {
            maxU = Math.max(maxU, phaseExtent(g.inHeight(), g.padHeight(), r, sh));
        }
        int maxV = 0;
        for (int c = 0; c < sw; c++) {
            maxV = Math.max(maxV, phaseExtent(g.inWidth(), g.padWidth(), c, sw));
        }
        gridRows = maxU;
        gridWidth = padW + Math.max(g.outWidth(), maxV);
        // Kept pixel (u, v) reads rows u + padH - jr <= u + padH, and columns v + padW - jc < gridWidth.
        rows = padH + Math.max(g.outHeight(), gridRows);

        // All phases' taps are the kernel's: the packed weights are [ciBlock][kh*KW + kw][co][L ci] in all.
        int ciBlocks = ConvTiling.blocks(g.inChannels());
        WeightPacking.arrayLength("packed backward-data weights", g, (long) ciBlocks * VectorConstants.LANES
                * g.kernelHeight() * g.kernelWidth() * g.outChannels());
        int phases = sh * sw;
        tapOffsets = new int[phases][];
        steps = new int[phases][];
        tapKh = new int[phases][];
        tapKw = new int[phases][];
        packedOffsets = new int[phases + 1];
        keptGrid = new int[phases][];
        keptInput = new int[phases][];
        for (int r = 0; r < sh; r++) {
            for (int c = 0; c < sw; c++) {
                int phase = r * sw + c;
                int jrCount = r < g.kernelHeight() ? (g.kernelHeight() - 1 - r) / sh + 1 : 0;
                int jcCount = c < g.kernelWidth() ? (g.kernelWidth() - 1 - c) / sw + 1 : 0;
                int taps = jrCount * jcCount;
                tapOffsets[phase] = new int[taps];
                tapKh[phase] = new int[taps];
                tapKw[phase] = new int[taps];
                for (int jr = 0; jr < jrCount; jr++) {
                    for (int jc = 0; jc < jcCount; jc++) {
                        int t = jr * jcCount + jc;
                        tapOffsets[phase][t] = ((padH - jr) * gridWidth + padW - jc) * g.outChannels();
                        tapKh[phase][t] = r + sh * jr;
                        tapKw[phase][t] = c + sw * jc;
                    }
                }
                steps[phase] = new int[taps * g.outChannels()];
                for (int t = 0; t < taps; t++) {
                    for (int co = 0; co < g.outChannels(); co++) {
                        steps[phase][t * g.outChannels() + co] = tapOffsets[phase][t] + co;
                    }
                }
                keepPixels(phase, r, c);
                packedOffsets[phase + 1] = packedOffsets[phase]
                        + ciBlocks * taps * g.outChannels() * VectorConstants.LANES;
            }
        }
    }

    /** How many phase rows u have {@code u*s + r - pad} inside {@code [0, size)}, counting from u = 0. */
    private static int phaseExtent(int size, int pad, int r, int s) {
        int last = size - 1 + pad - r;
        return last < 0 ? 0 : last / s + 1;
    }

    int count() {
        return tapOffsets.length;
    }

    int gridWidth() {
        return gridWidth;
    }

    /**
     * Whether the padded gradOutput is laid out exactly as gradOutput itself (no padding, grid width {@code OW}), so
     * that tiles, which read only kept pixels, can read gradOutput in place: 1x1 convolutions without padding, for
     * example.
     */
    boolean readsDirectly() {
        // rows == OH too: with a kernel no taller than the stride, input rows past the last window (a 2x2 stride-2
        // convolution of an odd height) give the grid a row more than gradOutput has, read past the image.
        return padH == 0 && padW == 0 && gridWidth == g.outWidth() && rows == g.outHeight();
    }

    int imageLength() {
        return rows * gridWidth * g.outChannels();
    }

    int bufferLength(int batch) {
        return Math.multiplyExact(batch, imageLength());
    }

    int[] tapOffsets(int phase) {
        return tapOffsets[phase];
    }

    /** The micro-kernel's offset table of {@code phase}: {@code steps[t*Cout + co] = tapOffsets[t] + co}. */
    int[] steps(int phase) {
        return steps[phase];
    }

    int tapKh(int phase, int t) {
        return tapKh[phase][t];
    }

    int tapKw(int phase, int t) {
        return tapKw[phase][t];
    }

    /** Where phase {@code phase}'s weights start in the packed array ({@code [ciBlock][tap][co][LANES ci]}). */
    int packedOffset(int phase) {
        return packedOffsets[phase];
    }

    int packedLength() {
        return packedOffsets[packedOffsets.length - 1];
    }

    /** Lists the grid pixels {@code q = u*gridWidth + v} of phase (r, c) that fall inside the input, in order. */
    private void keepPixels(int phase, int r, int c) {
        int[] grid = new int[gridRows * gridWidth];
        int[] input = new int[grid.length];
        int kept = 0;
        for (int u = 0; u < gridRows; u++) {
            int ih = u * g.strideHeight() + r - g.padHeight();
            for (int v = 0; v < gridWidth; v++) {
                int iw = v * g.strideWidth() + c - g.padWidth();
                if (ih >= 0 && ih < g.inHeight() && iw >= 0 && iw < g.inWidth()) {
                    grid[kept] = u * gridWidth + v;
                    input[kept++] = ih * g.inWidth() + iw;
                }
            }
        }
        keptGrid[phase] = Arrays.copyOf(grid, kept);
        keptInput[phase] = Arrays.copyOf(input, kept);
    }

    /** Grid pixels of {@code phase} that compute an input pixel, in increasing order: the pixels tiles take. */
    int[] keptGrid(int phase) {
        return keptGrid[phase];
    }

    /** The input pixel {@code ih*W + iw} that {@code keptGrid(phase)[i]} computes, at index i. */
    int[] keptInput(int phase) {
        return keptInput[phase];
    }

    /** Writes every row of image {@code n}'s padded gradOutput (data or zeros) at {@code buffer[base...]}. */
    void fill(float[] gradOutput, int n, float[] buffer, int base) {
        int cout = g.outChannels();
        int oh = g.outHeight();
        int ow = g.outWidth();
        for (int a = 0; a < rows; a++) {
            int rowBase = base + a * gridWidth * cout;
            int y = a - padH;
            if (y < 0 || y >= oh) {
                Arrays.fill(buffer, rowBase, rowBase + gridWidth * cout, 0f);
                continue;
            }
            Arrays.fill(buffer, rowBase, rowBase + padW * cout, 0f);
            System.arraycopy(gradOutput, ((n * oh + y) * ow) * cout, buffer, rowBase + padW * cout, ow * cout);
            Arrays.fill(buffer, rowBase + (padW + ow) * cout, rowBase + gridWidth * cout, 0f);
        }
    }
}

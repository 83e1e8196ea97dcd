package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

import java.util.Arrays;
import org.resnet4j.kernels.simd.ConvTiling.PixelTile;
import org.resnet4j.kernels.simd.ConvTiling.WeightTile;

/** The micro-kernel calls of one register tile: which kernel runs which channel blocks. */
final class ConvTiles {
    private ConvTiles() {
    }

    /**
     * One tile's pixels (read at {@code src}, written from {@code base}; -1 for a pixel past the end) through channel
     * blocks {@code [b0, b1)}, as many per call as the tile takes; a tile with no steps (a phase no tap reaches)
     * writes zeros. Shared by forward and backward-data, which differ only in what the pixels and weights are.
     */
    static void pixels(PixelTile tile, float[] in, int[] src, int[] steps, float[] packed, int packedBase, int panel,
                       float[] bias, float[] out, int channels, int[] base, int[] dst, int b0, int b1) {
        int pixels = tile.pixels;
        for (int b = b0, group; b < b1; b += group) {
            group = tile.group(b1 - b);
            for (int p = 0; p < pixels; p++) {
                dst[p] = base[p] < 0 ? -1 : base[p] + b * LANES;
            }
            int lastLanes = Math.min(LANES, channels - (b + group - 1) * LANES);
            if (steps.length == 0) {
                zeroPixels(out, dst, (group - 1) * LANES + lastLanes);
                continue;
            }
            int w0 = packedBase + b * panel;
            int bias0 = b * LANES;
            switch (group * 100 + pixels) {
                case 206 -> ConvMicroKernels.tile2x6(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 106 -> ConvMicroKernels.tile1x6(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 112 -> ConvMicroKernels.tile1x12(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 406 -> ConvWideKernels.tile4x6(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 212 -> ConvWideKernels.tile2x12(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 208 -> ConvRowPairKernels.tile2x8(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 108 -> ConvRowKernels.tile1x8(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 116 -> ConvRowKernels.tile1x16(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                case 124 -> ConvWideKernels.tile1x24(in, src, steps, steps.length, packed, w0, panel, bias, bias0,
                        out, dst, lastLanes);
                default -> throw new IllegalStateException("no " + group + "x" + pixels + " tile");
            }
        }
    }

    /**
     * The weight-gradient calls of one band and kernel row for {@code blocks} (1, 2 or 4: one kernel call's worth)
     * consecutive co blocks, over every e: gradOutput as a panel of {@code blocks * LANES} floats per pixel from
     * {@code panel[g0]}, partial sums of the first block at {@code p0}, of the next {@code partStride} further.
     */
    static void weightGrad(WeightTile tile, float[] x, int xRow, int[] pixelOffsets, int pixels, float[] panel, int g0,
                           float[] part, int p0, int partStride, int e, int blocks) {
        int width = tile.width(blocks);
        for (int e0 = 0; e0 < e; e0 += width) {
            int count = Math.min(width, e - e0);
            int x0 = xRow + e0;
            int pe = p0 + e0 * LANES;
            switch (blocks * 100 + width) {
                case 205 -> ConvWeightGradKernels.weightGrad2x5(x, x0, pixelOffsets, pixels, panel, g0, part, pe,
                        partStride, count);
                case 110 -> ConvWeightGradKernels.weightGrad1x10(x, x0, pixelOffsets, pixels, panel, g0, part, pe,
                        partStride, count);
                case 406 -> ConvWideWeightGradKernels.weightGrad4x6(x, x0, pixelOffsets, pixels, panel, g0, part, pe,
                        partStride, count);
                case 212 -> ConvWideWeightGradKernels.weightGrad2x12(x, x0, pixelOffsets, pixels, panel, g0, part,
                        pe, partStride, count);
                case 124 -> ConvWideWeightGradKernels.weightGrad1x24(x, x0, pixelOffsets, pixels, panel, g0, part,
                        pe, partStride, count);
                default -> throw new IllegalStateException("no " + blocks + "x" + width + " weight tile");
            }
        }
    }

    private static void zeroPixels(float[] out, int[] dst, int lanes) {
        for (int d : dst) {
            if (d >= 0) {
                Arrays.fill(out, d, d + lanes, 0f);
            }
        }
    }
}

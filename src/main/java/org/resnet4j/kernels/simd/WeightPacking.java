package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

import java.util.Arrays;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Parallel;

/**
 * Repacks OIHW weights into the panels of {@code L = LANES} lanes that the micro-kernels load, zero-filling lanes past
 * the channels.
 */
final class WeightPacking {
    private WeightPacking() {
    }

    static int forwardLength(ConvGeometry g) {
        return arrayLength("packed weights", g, (long) ConvTiling.blocks(g.outChannels()) * LANES * g.kernelHeight()
                * g.kernelWidth() * g.inChannels());
    }

    /**
     * {@code length} (computed in long) as an array length. Padding channels to whole vectors makes a buffer up to
     * {@code LANES} times the arrays {@link ConvGeometry} checked, and an int product wrapped around (a short or
     * negative buffer).
     */
    static int arrayLength(String buffer, ConvGeometry g, long length) {
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d: the " + buffer + " of " + g + " (" + length + " floats, channels"
                    + " padded to whole vectors of " + LANES + ") would exceed the largest Java array (2^31 - 1)");
        }
        return (int) length;
    }

    /**
     * {@code packed[co/L][kh*KW + kw][ci][co%L] = weight[co][ci][kh][kw]}; returns {@code packed}. One task per
     * block of {@code L} output channels, each writing its panel in order: at batch 1 packing is a large share of a
     * deep layer (512 channels 3x3, 9 MB of weights: 6.3 ms serially, 2.7 ms this way, of a ~9 ms forward).
     */
    static float[] forward(ConvGeometry g, float[] weight, float[] packed) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int taps = g.kernelHeight() * g.kernelWidth();
        Parallel.forEach(ConvTiling.blocks(cout), block -> {
            int co0 = block * LANES;
            int lanes = Math.min(LANES, cout - co0);
            int to = block * taps * cin * LANES;
            // Writes in panel order; scattering the writes instead (reading each weight row in order) was slower.
            for (int t = 0; t < taps; t++) {
                for (int ci = 0; ci < cin; ci++, to += LANES) {
                    int from = (co0 * cin + ci) * taps + t;
                    for (int lane = 0; lane < lanes; lane++) {
                        packed[to + lane] = weight[from + lane * cin * taps];
                    }
                    Arrays.fill(packed, to + lanes, to + LANES, 0f);
                }
            }
        });
        return packed;
    }

    /**
     * Per phase of {@code phases}: {@code packed[ci/L][t][co][ci%L] = weight[co][ci][kh(t)][kw(t)]}, the
     * transposed sub-kernel that backward-data correlates gradOutput with; returns {@code packed}.
     */
    static float[] backwardData(ConvGeometry g, ConvBackwardDataPhases phases, float[] weight, float[] packed) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int ciBlocks = ConvTiling.blocks(cin);
        // One task per (phase, ci block), each writing its panel in order (see forward).
        Parallel.forEach(phases.count() * ciBlocks, task -> {
            int phase = task / ciBlocks;
            int block = task % ciBlocks;
            int ci0 = block * LANES;
            int lanes = Math.min(LANES, cin - ci0);
            int taps = phases.tapOffsets(phase).length;
            int to = phases.packedOffset(phase) + block * taps * cout * LANES;
            for (int t = 0; t < taps; t++) {
                int tap = phases.tapKh(phase, t) * kw + phases.tapKw(phase, t);
                for (int co = 0; co < cout; co++, to += LANES) {
                    int from = (co * cin + ci0) * kh * kw + tap;
                    for (int lane = 0; lane < lanes; lane++) {
                        packed[to + lane] = weight[from + lane * kh * kw];
                    }
                    Arrays.fill(packed, to + lanes, to + LANES, 0f);
                }
            }
        });
        return packed;
    }
}

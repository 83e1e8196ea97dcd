package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

import java.util.Arrays;
import org.resnet4j.kernels.ConvGeometry;

/**
 * Repacks OIHW weights into the panels of {@code L = LANES} lanes that the micro-kernels load, zero-filling lanes past
 * the channels.
 */
final class WeightPacking {
    private WeightPacking() {
    }

    static int forwardLength(ConvGeometry g) {
        return SimdConvolution.blocks(g.outChannels()) * g.kernelHeight() * g.kernelWidth() * g.inChannels() * LANES;
    }

    /** {@code packed[co/L][kh*KW + kw][ci][co%L] = weight[co][ci][kh][kw]}; returns {@code packed}. */
    static float[] forward(ConvGeometry g, float[] weight, float[] packed) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int taps = kh * kw;
        Arrays.fill(packed, 0, forwardLength(g), 0f);
        for (int co = 0; co < cout; co++) {
            int blockBase = (co / LANES) * taps * cin * LANES + co % LANES;
            for (int ci = 0; ci < cin; ci++) {
                int from = (co * cin + ci) * taps;
                for (int t = 0; t < taps; t++) {
                    packed[blockBase + (t * cin + ci) * LANES] = weight[from + t];
                }
            }
        }
        return packed;
    }

    /**
     * Per phase of {@code phases}: {@code packed[ci/L][t][co][ci%L] = weight[co][ci][kh(t)][kw(t)]}, the
     * transposed sub-kernel that backward-data correlates gradOutput with; returns {@code packed}.
     */
    static float[] backwardData(ConvGeometry g, ConvPhases phases, float[] weight, float[] packed) {
        int cin = g.inChannels();
        int cout = g.outChannels();
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        Arrays.fill(packed, 0, phases.packedLength(), 0f);
        for (int phase = 0; phase < phases.count(); phase++) {
            int taps = phases.tapOffsets(phase).length;
            int base = phases.packedOffset(phase);
            for (int t = 0; t < taps; t++) {
                int tap = phases.tapKh(phase, t) * kw + phases.tapKw(phase, t);
                for (int co = 0; co < cout; co++) {
                    for (int ci = 0; ci < cin; ci++) {
                        int to = base + (((ci / LANES) * taps + t) * cout + co) * LANES + ci % LANES;
                        packed[to] = weight[(co * cin + ci) * kh * kw + tap];
                    }
                }
            }
        }
        return packed;
    }
}

package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * The 16-register tiles of the weight gradient (see {@link ConvMicroKernels} for the register rules). Below,
 * {@code L = LANES}. A kernel {@code weightGradBxE} sums over {@code pixels} output pixels
 * <pre>  part[p0 + k*partStride + e*L + lane] += sum_q g[g0 + q*B*L + k*L + lane] * x[x0 + pixelOffsets[q] + e]</pre>
 * for blocks {@code k < B} and {@code e < count <= E}: gradOutput broadcast-multiplied by {@code E} consecutive input
 * values, one FMA per pixel in pixel order into an accumulator started at zero, added to the partial sums once. It
 * reads all {@code E} values from {@code x0 + pixelOffsets[q]} even when {@code count < E}
 * ({@link ConvTiling#slack}).
 *
 * <p>gradOutput comes as a panel of the call's {@code B} blocks, {@code B*L} floats per pixel
 * ({@link ConvWeightGradientPlan} copies a band's rows into it once for all its calls): with that literal stride the
 * vector loads' index is linear in {@code q}, so C2 checks their bounds once per call instead of at every pixel. On
 * AVX-512 with the data in L1 that took a 2x5 call from 198 to 249 GFLOP/s per core (95 % of the FMA peak).
 *
 * <p>Measured on AVX2: the pair tile is 2x5, because at 2x6 C2 kept three broadcasts in flight and spilled an
 * accumulator every iteration (32-35 GFLOP/s at 2x6, 38-53 at 2x5, noisy runs). Reading the pixels from consecutive
 * addresses instead (a channel-major copy) was slower still (41): C2 then hoisted all six broadcasts.
 */
final class ConvWeightGradKernels {
    private ConvWeightGradKernels() {
    }

    /** 2 channel blocks x 5 (kw, ci) pairs; see the class comment. */
    static void weightGrad2x5(float[] x, int x0, int[] pixelOffsets, int pixels, float[] g, int g0,
                              float[] part, int p0, int partStride, int count) {
        int pA = p0;
        int pB = p0 + partStride;
        FloatVector a0 = FloatVector.zero(SPECIES), b0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES), b1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES), b2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES), b3 = FloatVector.zero(SPECIES);
        FloatVector a4 = FloatVector.zero(SPECIES), b4 = FloatVector.zero(SPECIES);
        for (int q = 0; q < pixels; q++) {
            int gi = g0 + q * (2 * LANES);
            FloatVector ga = FloatVector.fromArray(SPECIES, g, gi);
            FloatVector gb = FloatVector.fromArray(SPECIES, g, gi + LANES);
            int xi = x0 + pixelOffsets[q];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, x[xi]); a0 = ga.fma(v, a0); b0 = gb.fma(v, b0);
            v = FloatVector.broadcast(SPECIES, x[xi + 1]); a1 = ga.fma(v, a1); b1 = gb.fma(v, b1);
            v = FloatVector.broadcast(SPECIES, x[xi + 2]); a2 = ga.fma(v, a2); b2 = gb.fma(v, b2);
            v = FloatVector.broadcast(SPECIES, x[xi + 3]); a3 = ga.fma(v, a3); b3 = gb.fma(v, b3);
            v = FloatVector.broadcast(SPECIES, x[xi + 4]); a4 = ga.fma(v, a4); b4 = gb.fma(v, b4);
        }
        addInto(a0, part, pA + 0 * LANES); addInto(b0, part, pB + 0 * LANES);
        if (1 < count) { addInto(a1, part, pA + 1 * LANES); addInto(b1, part, pB + 1 * LANES); }
        if (2 < count) { addInto(a2, part, pA + 2 * LANES); addInto(b2, part, pB + 2 * LANES); }
        if (3 < count) { addInto(a3, part, pA + 3 * LANES); addInto(b3, part, pB + 3 * LANES); }
        if (4 < count) { addInto(a4, part, pA + 4 * LANES); addInto(b4, part, pB + 4 * LANES); }
    }

    /** 1 channel block x 10 (kw, ci) pairs; see the class comment. */
    static void weightGrad1x10(float[] x, int x0, int[] pixelOffsets, int pixels, float[] g, int g0,
                               float[] part, int pA, int partStride, int count) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        FloatVector a4 = FloatVector.zero(SPECIES);
        FloatVector a5 = FloatVector.zero(SPECIES);
        FloatVector a6 = FloatVector.zero(SPECIES);
        FloatVector a7 = FloatVector.zero(SPECIES);
        FloatVector a8 = FloatVector.zero(SPECIES);
        FloatVector a9 = FloatVector.zero(SPECIES);
        for (int q = 0; q < pixels; q++) {
            int gi = g0 + q * (LANES);
            FloatVector ga = FloatVector.fromArray(SPECIES, g, gi);
            int xi = x0 + pixelOffsets[q];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, x[xi]); a0 = ga.fma(v, a0);
            v = FloatVector.broadcast(SPECIES, x[xi + 1]); a1 = ga.fma(v, a1);
            v = FloatVector.broadcast(SPECIES, x[xi + 2]); a2 = ga.fma(v, a2);
            v = FloatVector.broadcast(SPECIES, x[xi + 3]); a3 = ga.fma(v, a3);
            v = FloatVector.broadcast(SPECIES, x[xi + 4]); a4 = ga.fma(v, a4);
            v = FloatVector.broadcast(SPECIES, x[xi + 5]); a5 = ga.fma(v, a5);
            v = FloatVector.broadcast(SPECIES, x[xi + 6]); a6 = ga.fma(v, a6);
            v = FloatVector.broadcast(SPECIES, x[xi + 7]); a7 = ga.fma(v, a7);
            v = FloatVector.broadcast(SPECIES, x[xi + 8]); a8 = ga.fma(v, a8);
            v = FloatVector.broadcast(SPECIES, x[xi + 9]); a9 = ga.fma(v, a9);
        }
        addInto(a0, part, pA + 0 * LANES);
        if (1 < count) { addInto(a1, part, pA + 1 * LANES); }
        if (2 < count) { addInto(a2, part, pA + 2 * LANES); }
        if (3 < count) { addInto(a3, part, pA + 3 * LANES); }
        if (4 < count) { addInto(a4, part, pA + 4 * LANES); }
        if (5 < count) { addInto(a5, part, pA + 5 * LANES); }
        if (6 < count) { addInto(a6, part, pA + 6 * LANES); }
        if (7 < count) { addInto(a7, part, pA + 7 * LANES); }
        if (8 < count) { addInto(a8, part, pA + 8 * LANES); }
        if (9 < count) { addInto(a9, part, pA + 9 * LANES); }
    }

    static void addInto(FloatVector v, float[] part, int index) {
        FloatVector.fromArray(SPECIES, part, index).add(v).intoArray(part, index);
    }
}

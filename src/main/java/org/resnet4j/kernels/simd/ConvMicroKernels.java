package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked inner loops of the convolution kernels. Each one keeps its accumulators in named
 * {@code FloatVector} locals, unrolled by hand: C2 keeps locals in vector registers but not the elements of a
 * {@code FloatVector[]}. Below, {@code L = LANES}.
 *
 * <p>Shapes: at most 12 accumulators, so that with the weight vectors and a broadcast they fit the 16 registers of
 * AVX2; with AVX-512 the same ratio (two loads and six broadcasts per twelve FMAs) reaches the FMA peak (PERF-NOTES).
 * Measured on the AVX2 machine this was tuned on (per core, data in L1, an FMA-only loop at ~75 GFLOP/s): the
 * reduction is one flat loop over a table of offsets, because with nested (tap, channel) loops C2 spilled five of
 * the twelve accumulators to the stack (65 GFLOP/s flat, 33 nested); the weight-gradient tile is 2x5, because at
 * 2x6 C2 kept three broadcasts in flight and spilled an accumulator every iteration (32-35 GFLOP/s at 2x6, 38-53 at
 * 2x5, noisy runs). Reading the six pixels from consecutive addresses instead (a channel-major copy) was slower
 * still (41): C2 then hoisted all six broadcasts.
 *
 * <p><b>Tiles</b> ({@code tileBxM}, forward and backward-data) compute, for {@code M} pixels based at
 * {@code src[0..M)} of a zero-padded buffer and {@code B} blocks of {@code L} output channels,
 * <pre>  out[p][co] = bias[co] + sum_{s < stepCount} in[src[p] + steps[s]] * w[block][s][co % L]</pre>
 * where {@code steps[t*C + c] = tapOffset[t] + c} walks the taps and the buffer's {@code C} channels. The bases are arbitrary, so a
 * tile takes only pixels that are kept (no padding columns of the padded grid). Weight panels are
 * packed {@code [s][L]} starting at {@code wA} (and {@code wB}); {@code bias} holds {@code L} values at
 * {@code biasA} ({@code biasB}). Pixel {@code p} of the tile is stored to {@code out[dst[p] + lane]} (second block
 * at {@code + L}) for the first {@code lanesA} ({@code lanesB}) lanes, or skipped when {@code dst[p] < 0} (the
 * filler pixels of a short last tile, which repeat a real base so that they read inside the buffer).
 *
 * <p><b>Weight-gradient kernels</b> ({@code weightsBxM}) sum over {@code pixels} output pixels
 * <pre>  part[pA + e*L + lane] += sum_q g[g0 + q*gStep + lane] * x[x0 + pixelOffsets[q] + e]   for e < count</pre>
 * (second block: {@code g} at {@code + L}, partial sums at {@code pB}), that is gradOutput broadcast-multiplied by
 * {@code M} consecutive input values.
 */
final class ConvMicroKernels {
    private ConvMicroKernels() {
    }

    /** 2 channel blocks x 6 grid pixels; see the class comment. */
    static void tile2x6(float[] in, int[] src, int[] steps, int stepCount, float[] w, int wA, int wB,
                       float[] bias, int biasA, int biasB, float[] out, int[] dst, int lanesA, int lanesB) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, biasA);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, biasB);
        FloatVector a0 = initA, b0 = initB;
        FloatVector a1 = initA, b1 = initB;
        FloatVector a2 = initA, b2 = initB;
        FloatVector a3 = initA, b3 = initB;
        FloatVector a4 = initA, b4 = initB;
        FloatVector a5 = initA, b5 = initB;
        int x0 = src[0];
        int o1 = src[1] - x0;
        int o2 = src[2] - x0;
        int o3 = src[3] - x0;
        int o4 = src[4] - x0;
        int o5 = src[5] - x0;
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, wA + s * LANES);
            FloatVector wb = FloatVector.fromArray(SPECIES, w, wB + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
            v = FloatVector.broadcast(SPECIES, in[xc + o1]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
            v = FloatVector.broadcast(SPECIES, in[xc + o2]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
            v = FloatVector.broadcast(SPECIES, in[xc + o3]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
            v = FloatVector.broadcast(SPECIES, in[xc + o4]); a4 = wa.fma(v, a4); b4 = wb.fma(v, b4);
            v = FloatVector.broadcast(SPECIES, in[xc + o5]); a5 = wa.fma(v, a5); b5 = wb.fma(v, b5);
        }
        int d;
        if ((d = dst[0]) >= 0) { store(a0, out, d, lanesA); store(b0, out, d + LANES, lanesB); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, lanesA); store(b1, out, d + LANES, lanesB); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, lanesA); store(b2, out, d + LANES, lanesB); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, lanesA); store(b3, out, d + LANES, lanesB); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, lanesA); store(b4, out, d + LANES, lanesB); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, lanesA); store(b5, out, d + LANES, lanesB); }
    }

    /** 1 channel block x 12 grid pixels; see the class comment. */
    static void tile1x12(float[] in, int[] src, int[] steps, int stepCount, float[] w, int wA,
                       float[] bias, int biasA, float[] out, int[] dst, int lanesA) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, biasA);
        FloatVector a0 = initA;
        FloatVector a1 = initA;
        FloatVector a2 = initA;
        FloatVector a3 = initA;
        FloatVector a4 = initA;
        FloatVector a5 = initA;
        FloatVector a6 = initA;
        FloatVector a7 = initA;
        FloatVector a8 = initA;
        FloatVector a9 = initA;
        FloatVector a10 = initA;
        FloatVector a11 = initA;
        int x0 = src[0];
        int o1 = src[1] - x0;
        int o2 = src[2] - x0;
        int o3 = src[3] - x0;
        int o4 = src[4] - x0;
        int o5 = src[5] - x0;
        int o6 = src[6] - x0;
        int o7 = src[7] - x0;
        int o8 = src[8] - x0;
        int o9 = src[9] - x0;
        int o10 = src[10] - x0;
        int o11 = src[11] - x0;
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, wA + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0);
            v = FloatVector.broadcast(SPECIES, in[xc + o1]); a1 = wa.fma(v, a1);
            v = FloatVector.broadcast(SPECIES, in[xc + o2]); a2 = wa.fma(v, a2);
            v = FloatVector.broadcast(SPECIES, in[xc + o3]); a3 = wa.fma(v, a3);
            v = FloatVector.broadcast(SPECIES, in[xc + o4]); a4 = wa.fma(v, a4);
            v = FloatVector.broadcast(SPECIES, in[xc + o5]); a5 = wa.fma(v, a5);
            v = FloatVector.broadcast(SPECIES, in[xc + o6]); a6 = wa.fma(v, a6);
            v = FloatVector.broadcast(SPECIES, in[xc + o7]); a7 = wa.fma(v, a7);
            v = FloatVector.broadcast(SPECIES, in[xc + o8]); a8 = wa.fma(v, a8);
            v = FloatVector.broadcast(SPECIES, in[xc + o9]); a9 = wa.fma(v, a9);
            v = FloatVector.broadcast(SPECIES, in[xc + o10]); a10 = wa.fma(v, a10);
            v = FloatVector.broadcast(SPECIES, in[xc + o11]); a11 = wa.fma(v, a11);
        }
        int d;
        if ((d = dst[0]) >= 0) { store(a0, out, d, lanesA); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, lanesA); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, lanesA); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, lanesA); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, lanesA); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, lanesA); }
        if ((d = dst[6]) >= 0) { store(a6, out, d, lanesA); }
        if ((d = dst[7]) >= 0) { store(a7, out, d, lanesA); }
        if ((d = dst[8]) >= 0) { store(a8, out, d, lanesA); }
        if ((d = dst[9]) >= 0) { store(a9, out, d, lanesA); }
        if ((d = dst[10]) >= 0) { store(a10, out, d, lanesA); }
        if ((d = dst[11]) >= 0) { store(a11, out, d, lanesA); }
    }

    /** 1 channel block x 6 grid pixels; see the class comment. */
    static void tile1x6(float[] in, int[] src, int[] steps, int stepCount, float[] w, int wA,
                       float[] bias, int biasA, float[] out, int[] dst, int lanesA) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, biasA);
        FloatVector a0 = initA;
        FloatVector a1 = initA;
        FloatVector a2 = initA;
        FloatVector a3 = initA;
        FloatVector a4 = initA;
        FloatVector a5 = initA;
        int x0 = src[0];
        int o1 = src[1] - x0;
        int o2 = src[2] - x0;
        int o3 = src[3] - x0;
        int o4 = src[4] - x0;
        int o5 = src[5] - x0;
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, wA + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0);
            v = FloatVector.broadcast(SPECIES, in[xc + o1]); a1 = wa.fma(v, a1);
            v = FloatVector.broadcast(SPECIES, in[xc + o2]); a2 = wa.fma(v, a2);
            v = FloatVector.broadcast(SPECIES, in[xc + o3]); a3 = wa.fma(v, a3);
            v = FloatVector.broadcast(SPECIES, in[xc + o4]); a4 = wa.fma(v, a4);
            v = FloatVector.broadcast(SPECIES, in[xc + o5]); a5 = wa.fma(v, a5);
        }
        int d;
        if ((d = dst[0]) >= 0) { store(a0, out, d, lanesA); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, lanesA); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, lanesA); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, lanesA); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, lanesA); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, lanesA); }
    }

    /** 2 channel blocks x 5 (kw, ci) pairs; see the class comment. */
    static void weights2x5(float[] x, int x0, int[] pixelOffsets, int pixels, float[] g, int g0, int gStep,
                       float[] part, int pA, int pB, int count) {
        FloatVector a0 = FloatVector.zero(SPECIES), b0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES), b1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES), b2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES), b3 = FloatVector.zero(SPECIES);
        FloatVector a4 = FloatVector.zero(SPECIES), b4 = FloatVector.zero(SPECIES);
        for (int q = 0, gi = g0; q < pixels; q++, gi += gStep) {
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
    static void weights1x10(float[] x, int x0, int[] pixelOffsets, int pixels, float[] g, int g0, int gStep,
                       float[] part, int pA, int count) {
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
        for (int q = 0, gi = g0; q < pixels; q++, gi += gStep) {
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


    /** Stores the first {@code lanes} lanes; a full vector needs no mask. */
    private static void store(FloatVector v, float[] out, int index, int lanes) {
        if (lanes == LANES) {
            v.intoArray(out, index);
        } else {
            v.intoArray(out, index, SPECIES.indexInRange(0, lanes));
        }
    }

    private static void addInto(FloatVector v, float[] part, int index) {
        FloatVector.fromArray(SPECIES, part, index).add(v).intoArray(part, index);
    }
}

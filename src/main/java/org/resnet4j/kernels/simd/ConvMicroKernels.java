package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * The 16-register tiles of forward and backward-data (AVX2: 16 vector registers), chosen through {@link ConvTiling}.
 * Each keeps its accumulators in named {@code FloatVector} locals, unrolled by hand: C2 keeps locals in vector
 * registers but not the elements of a {@code FloatVector[]}. Below, {@code L = LANES}.
 *
 * <p>At most 12 accumulators, so that with the weight vectors and a broadcast they fit the 16 registers. Measured on
 * the AVX2 machine these were tuned on (per core, data in L1, an FMA-only loop at ~75 GFLOP/s): the reduction is one
 * flat loop over a table of offsets, because with nested (tap, channel) loops C2 spilled five of the twelve
 * accumulators to the stack (65 GFLOP/s flat, 33 nested).
 *
 * <p>A tile {@code tileBxM} computes, for {@code M} pixels based at {@code src[0..M)} of a zero-padded buffer and
 * {@code B} consecutive blocks of {@code L} output channels,
 * <pre>  out[p][co] = bias[co] + sum_{s < stepCount} in[src[p] + steps[s]] * w[block][s][co % L]</pre>
 * where {@code steps[t*C + c] = tapOffset[t] + c} walks the taps and the buffer's {@code C} channels, one FMA per
 * step in step order. The bases are arbitrary, so a tile takes only pixels that are kept (no padding columns of the
 * padded grid). Block {@code k}'s weight panel ({@code [s][L]}) starts at {@code w0 + k*panel}, its {@code L} bias
 * values at {@code bias0 + k*L}. Pixel {@code p} of block {@code k} is stored to {@code out[dst[p] + k*L + lane]},
 * all lanes but the last block's first {@code lastLanes} only, or skipped when {@code dst[p] < 0} (the filler pixels
 * of a short last tile, which repeat a real base so that they read inside the buffer).
 */
final class ConvMicroKernels {
    private ConvMicroKernels() {
    }

    /** 2 channel blocks x 6 grid pixels; see the class comment. */
    static void tile2x6(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
                        float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        int wA = w0;
        int wB = w0 + panel;
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, bias0 + LANES);
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
        if ((d = dst[0]) >= 0) { store(a0, out, d, LANES); store(b0, out, d + LANES, lastLanes); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, LANES); store(b1, out, d + LANES, lastLanes); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, LANES); store(b2, out, d + LANES, lastLanes); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, LANES); store(b3, out, d + LANES, lastLanes); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, LANES); store(b4, out, d + LANES, lastLanes); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, LANES); store(b5, out, d + LANES, lastLanes); }
    }

    /** 1 channel block x 12 grid pixels; see the class comment. */
    static void tile1x12(float[] in, int[] src, int[] steps, int stepCount, float[] w, int wA, int panel,
                         float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
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
        if ((d = dst[0]) >= 0) { store(a0, out, d, lastLanes); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, lastLanes); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, lastLanes); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, lastLanes); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, lastLanes); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, lastLanes); }
        if ((d = dst[6]) >= 0) { store(a6, out, d, lastLanes); }
        if ((d = dst[7]) >= 0) { store(a7, out, d, lastLanes); }
        if ((d = dst[8]) >= 0) { store(a8, out, d, lastLanes); }
        if ((d = dst[9]) >= 0) { store(a9, out, d, lastLanes); }
        if ((d = dst[10]) >= 0) { store(a10, out, d, lastLanes); }
        if ((d = dst[11]) >= 0) { store(a11, out, d, lastLanes); }
    }

    /** 1 channel block x 6 grid pixels; see the class comment. */
    static void tile1x6(float[] in, int[] src, int[] steps, int stepCount, float[] w, int wA, int panel,
                         float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
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
        if ((d = dst[0]) >= 0) { store(a0, out, d, lastLanes); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, lastLanes); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, lastLanes); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, lastLanes); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, lastLanes); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, lastLanes); }
    }

    /** Stores the first {@code lanes} lanes; a full vector needs no mask. */
    static void store(FloatVector v, float[] out, int index, int lanes) {
        if (lanes == LANES) {
            v.intoArray(out, index);
        } else {
            v.intoArray(out, index, SPECIES.indexInRange(0, lanes));
        }
    }

}

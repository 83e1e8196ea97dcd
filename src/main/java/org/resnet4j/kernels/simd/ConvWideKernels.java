package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;
import static org.resnet4j.kernels.simd.ConvMicroKernels.store;

import jdk.incubator.vector.FloatVector;

/**
 * The 32-register tiles of forward and backward-data (AVX-512: 32 vector registers), chosen through
 * {@link ConvTiling}: 24 accumulators each, plus one weight vector per block and a broadcast. The contract, the
 * sums and the store rules are those of {@link ConvMicroKernels}; only the number of pixels and blocks per call
 * differs. 4x6 loads four weight vectors and broadcasts six inputs per 24 FMAs, 2x12 two and twelve, 1x24 one and
 * 24 (the one-block layers, CIFAR's 16 channels, have no second block to share a broadcast with).
 */
final class ConvWideKernels {
    private ConvWideKernels() {
    }

    /** 4 channel blocks x 6 grid pixels; see {@link ConvMicroKernels}. */
    static void tile4x6(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
                        float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, bias0 + 1 * LANES);
        FloatVector initC = FloatVector.fromArray(SPECIES, bias, bias0 + 2 * LANES);
        FloatVector initD = FloatVector.fromArray(SPECIES, bias, bias0 + 3 * LANES);
        FloatVector a0 = initA; FloatVector b0 = initB; FloatVector c0 = initC; FloatVector d0 = initD;
        FloatVector a1 = initA; FloatVector b1 = initB; FloatVector c1 = initC; FloatVector d1 = initD;
        FloatVector a2 = initA; FloatVector b2 = initB; FloatVector c2 = initC; FloatVector d2 = initD;
        FloatVector a3 = initA; FloatVector b3 = initB; FloatVector c3 = initC; FloatVector d3 = initD;
        FloatVector a4 = initA; FloatVector b4 = initB; FloatVector c4 = initC; FloatVector d4 = initD;
        FloatVector a5 = initA; FloatVector b5 = initB; FloatVector c5 = initC; FloatVector d5 = initD;
        int x0 = src[0];
        int o1 = src[1] - x0;
        int o2 = src[2] - x0;
        int o3 = src[3] - x0;
        int o4 = src[4] - x0;
        int o5 = src[5] - x0;
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, w0 + s * LANES);
            FloatVector wb = FloatVector.fromArray(SPECIES, w, w0 + 1 * panel + s * LANES);
            FloatVector wc = FloatVector.fromArray(SPECIES, w, w0 + 2 * panel + s * LANES);
            FloatVector wd = FloatVector.fromArray(SPECIES, w, w0 + 3 * panel + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]);
            a0 = wa.fma(v, a0); b0 = wb.fma(v, b0); c0 = wc.fma(v, c0); d0 = wd.fma(v, d0);
            v = FloatVector.broadcast(SPECIES, in[xc + o1]);
            a1 = wa.fma(v, a1); b1 = wb.fma(v, b1); c1 = wc.fma(v, c1); d1 = wd.fma(v, d1);
            v = FloatVector.broadcast(SPECIES, in[xc + o2]);
            a2 = wa.fma(v, a2); b2 = wb.fma(v, b2); c2 = wc.fma(v, c2); d2 = wd.fma(v, d2);
            v = FloatVector.broadcast(SPECIES, in[xc + o3]);
            a3 = wa.fma(v, a3); b3 = wb.fma(v, b3); c3 = wc.fma(v, c3); d3 = wd.fma(v, d3);
            v = FloatVector.broadcast(SPECIES, in[xc + o4]);
            a4 = wa.fma(v, a4); b4 = wb.fma(v, b4); c4 = wc.fma(v, c4); d4 = wd.fma(v, d4);
            v = FloatVector.broadcast(SPECIES, in[xc + o5]);
            a5 = wa.fma(v, a5); b5 = wb.fma(v, b5); c5 = wc.fma(v, c5); d5 = wd.fma(v, d5);
        }
        int at;
        if ((at = dst[0]) >= 0) {
            store(a0, out, at, LANES); store(b0, out, at + 1 * LANES, LANES); store(c0, out, at + 2 * LANES, LANES);
            store(d0, out, at + 3 * LANES, lastLanes);
        }
        if ((at = dst[1]) >= 0) {
            store(a1, out, at, LANES); store(b1, out, at + 1 * LANES, LANES); store(c1, out, at + 2 * LANES, LANES);
            store(d1, out, at + 3 * LANES, lastLanes);
        }
        if ((at = dst[2]) >= 0) {
            store(a2, out, at, LANES); store(b2, out, at + 1 * LANES, LANES); store(c2, out, at + 2 * LANES, LANES);
            store(d2, out, at + 3 * LANES, lastLanes);
        }
        if ((at = dst[3]) >= 0) {
            store(a3, out, at, LANES); store(b3, out, at + 1 * LANES, LANES); store(c3, out, at + 2 * LANES, LANES);
            store(d3, out, at + 3 * LANES, lastLanes);
        }
        if ((at = dst[4]) >= 0) {
            store(a4, out, at, LANES); store(b4, out, at + 1 * LANES, LANES); store(c4, out, at + 2 * LANES, LANES);
            store(d4, out, at + 3 * LANES, lastLanes);
        }
        if ((at = dst[5]) >= 0) {
            store(a5, out, at, LANES); store(b5, out, at + 1 * LANES, LANES); store(c5, out, at + 2 * LANES, LANES);
            store(d5, out, at + 3 * LANES, lastLanes);
        }
    }

    /** 2 channel blocks x 12 grid pixels; see {@link ConvMicroKernels}. */
    static void tile2x12(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
                         float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, bias0 + 1 * LANES);
        FloatVector a0 = initA; FloatVector b0 = initB;
        FloatVector a1 = initA; FloatVector b1 = initB;
        FloatVector a2 = initA; FloatVector b2 = initB;
        FloatVector a3 = initA; FloatVector b3 = initB;
        FloatVector a4 = initA; FloatVector b4 = initB;
        FloatVector a5 = initA; FloatVector b5 = initB;
        FloatVector a6 = initA; FloatVector b6 = initB;
        FloatVector a7 = initA; FloatVector b7 = initB;
        FloatVector a8 = initA; FloatVector b8 = initB;
        FloatVector a9 = initA; FloatVector b9 = initB;
        FloatVector a10 = initA; FloatVector b10 = initB;
        FloatVector a11 = initA; FloatVector b11 = initB;
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
            FloatVector wa = FloatVector.fromArray(SPECIES, w, w0 + s * LANES);
            FloatVector wb = FloatVector.fromArray(SPECIES, w, w0 + 1 * panel + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
            v = FloatVector.broadcast(SPECIES, in[xc + o1]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
            v = FloatVector.broadcast(SPECIES, in[xc + o2]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
            v = FloatVector.broadcast(SPECIES, in[xc + o3]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
            v = FloatVector.broadcast(SPECIES, in[xc + o4]); a4 = wa.fma(v, a4); b4 = wb.fma(v, b4);
            v = FloatVector.broadcast(SPECIES, in[xc + o5]); a5 = wa.fma(v, a5); b5 = wb.fma(v, b5);
            v = FloatVector.broadcast(SPECIES, in[xc + o6]); a6 = wa.fma(v, a6); b6 = wb.fma(v, b6);
            v = FloatVector.broadcast(SPECIES, in[xc + o7]); a7 = wa.fma(v, a7); b7 = wb.fma(v, b7);
            v = FloatVector.broadcast(SPECIES, in[xc + o8]); a8 = wa.fma(v, a8); b8 = wb.fma(v, b8);
            v = FloatVector.broadcast(SPECIES, in[xc + o9]); a9 = wa.fma(v, a9); b9 = wb.fma(v, b9);
            v = FloatVector.broadcast(SPECIES, in[xc + o10]); a10 = wa.fma(v, a10); b10 = wb.fma(v, b10);
            v = FloatVector.broadcast(SPECIES, in[xc + o11]); a11 = wa.fma(v, a11); b11 = wb.fma(v, b11);
        }
        int at;
        if ((at = dst[0]) >= 0) { store(a0, out, at, LANES); store(b0, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[1]) >= 0) { store(a1, out, at, LANES); store(b1, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[2]) >= 0) { store(a2, out, at, LANES); store(b2, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[3]) >= 0) { store(a3, out, at, LANES); store(b3, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[4]) >= 0) { store(a4, out, at, LANES); store(b4, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[5]) >= 0) { store(a5, out, at, LANES); store(b5, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[6]) >= 0) { store(a6, out, at, LANES); store(b6, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[7]) >= 0) { store(a7, out, at, LANES); store(b7, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[8]) >= 0) { store(a8, out, at, LANES); store(b8, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[9]) >= 0) { store(a9, out, at, LANES); store(b9, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[10]) >= 0) { store(a10, out, at, LANES); store(b10, out, at + 1 * LANES, lastLanes); }
        if ((at = dst[11]) >= 0) { store(a11, out, at, LANES); store(b11, out, at + 1 * LANES, lastLanes); }
    }

    /** 1 channel block x 24 grid pixels; see {@link ConvMicroKernels}. */
    static void tile1x24(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
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
        FloatVector a12 = initA;
        FloatVector a13 = initA;
        FloatVector a14 = initA;
        FloatVector a15 = initA;
        FloatVector a16 = initA;
        FloatVector a17 = initA;
        FloatVector a18 = initA;
        FloatVector a19 = initA;
        FloatVector a20 = initA;
        FloatVector a21 = initA;
        FloatVector a22 = initA;
        FloatVector a23 = initA;
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
        int o12 = src[12] - x0;
        int o13 = src[13] - x0;
        int o14 = src[14] - x0;
        int o15 = src[15] - x0;
        int o16 = src[16] - x0;
        int o17 = src[17] - x0;
        int o18 = src[18] - x0;
        int o19 = src[19] - x0;
        int o20 = src[20] - x0;
        int o21 = src[21] - x0;
        int o22 = src[22] - x0;
        int o23 = src[23] - x0;
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, w0 + s * LANES);
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
            v = FloatVector.broadcast(SPECIES, in[xc + o12]); a12 = wa.fma(v, a12);
            v = FloatVector.broadcast(SPECIES, in[xc + o13]); a13 = wa.fma(v, a13);
            v = FloatVector.broadcast(SPECIES, in[xc + o14]); a14 = wa.fma(v, a14);
            v = FloatVector.broadcast(SPECIES, in[xc + o15]); a15 = wa.fma(v, a15);
            v = FloatVector.broadcast(SPECIES, in[xc + o16]); a16 = wa.fma(v, a16);
            v = FloatVector.broadcast(SPECIES, in[xc + o17]); a17 = wa.fma(v, a17);
            v = FloatVector.broadcast(SPECIES, in[xc + o18]); a18 = wa.fma(v, a18);
            v = FloatVector.broadcast(SPECIES, in[xc + o19]); a19 = wa.fma(v, a19);
            v = FloatVector.broadcast(SPECIES, in[xc + o20]); a20 = wa.fma(v, a20);
            v = FloatVector.broadcast(SPECIES, in[xc + o21]); a21 = wa.fma(v, a21);
            v = FloatVector.broadcast(SPECIES, in[xc + o22]); a22 = wa.fma(v, a22);
            v = FloatVector.broadcast(SPECIES, in[xc + o23]); a23 = wa.fma(v, a23);
        }
        int at;
        if ((at = dst[0]) >= 0) { store(a0, out, at, lastLanes); }
        if ((at = dst[1]) >= 0) { store(a1, out, at, lastLanes); }
        if ((at = dst[2]) >= 0) { store(a2, out, at, lastLanes); }
        if ((at = dst[3]) >= 0) { store(a3, out, at, lastLanes); }
        if ((at = dst[4]) >= 0) { store(a4, out, at, lastLanes); }
        if ((at = dst[5]) >= 0) { store(a5, out, at, lastLanes); }
        if ((at = dst[6]) >= 0) { store(a6, out, at, lastLanes); }
        if ((at = dst[7]) >= 0) { store(a7, out, at, lastLanes); }
        if ((at = dst[8]) >= 0) { store(a8, out, at, lastLanes); }
        if ((at = dst[9]) >= 0) { store(a9, out, at, lastLanes); }
        if ((at = dst[10]) >= 0) { store(a10, out, at, lastLanes); }
        if ((at = dst[11]) >= 0) { store(a11, out, at, lastLanes); }
        if ((at = dst[12]) >= 0) { store(a12, out, at, lastLanes); }
        if ((at = dst[13]) >= 0) { store(a13, out, at, lastLanes); }
        if ((at = dst[14]) >= 0) { store(a14, out, at, lastLanes); }
        if ((at = dst[15]) >= 0) { store(a15, out, at, lastLanes); }
        if ((at = dst[16]) >= 0) { store(a16, out, at, lastLanes); }
        if ((at = dst[17]) >= 0) { store(a17, out, at, lastLanes); }
        if ((at = dst[18]) >= 0) { store(a18, out, at, lastLanes); }
        if ((at = dst[19]) >= 0) { store(a19, out, at, lastLanes); }
        if ((at = dst[20]) >= 0) { store(a20, out, at, lastLanes); }
        if ((at = dst[21]) >= 0) { store(a21, out, at, lastLanes); }
        if ((at = dst[22]) >= 0) { store(a22, out, at, lastLanes); }
        if ((at = dst[23]) >= 0) { store(a23, out, at, lastLanes); }
    }
}

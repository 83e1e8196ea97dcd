package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;
import static org.resnet4j.kernels.simd.ConvWeightGradKernels.addInto;

import jdk.incubator.vector.FloatVector;

/**
 * The 32-register tiles of the weight gradient (AVX-512), chosen through {@link ConvTiling}: 24 accumulators each,
 * plus one gradOutput vector per block and a broadcast. The contract and the sums are those of
 * {@link ConvWeightGradKernels}.
 */
final class ConvWideWeightGradKernels {
    private ConvWideWeightGradKernels() {
    }

    /** 4 channel blocks x 6 (kw, ci) pairs; see {@link ConvWeightGradKernels}. */
    static void weightGrad4x6(float[] x, int x0, int[] pixelOffsets, int pixels, float[] g, int g0,
                              float[] part, int p0, int partStride, int count) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector a0 = zero; FloatVector b0 = zero; FloatVector c0 = zero; FloatVector d0 = zero;
        FloatVector a1 = zero; FloatVector b1 = zero; FloatVector c1 = zero; FloatVector d1 = zero;
        FloatVector a2 = zero; FloatVector b2 = zero; FloatVector c2 = zero; FloatVector d2 = zero;
        FloatVector a3 = zero; FloatVector b3 = zero; FloatVector c3 = zero; FloatVector d3 = zero;
        FloatVector a4 = zero; FloatVector b4 = zero; FloatVector c4 = zero; FloatVector d4 = zero;
        FloatVector a5 = zero; FloatVector b5 = zero; FloatVector c5 = zero; FloatVector d5 = zero;
        for (int q = 0; q < pixels; q++) {
            int gi = g0 + q * (4 * LANES);
            FloatVector ga = FloatVector.fromArray(SPECIES, g, gi);
            FloatVector gb = FloatVector.fromArray(SPECIES, g, gi + 1 * LANES);
            FloatVector gc = FloatVector.fromArray(SPECIES, g, gi + 2 * LANES);
            FloatVector gd = FloatVector.fromArray(SPECIES, g, gi + 3 * LANES);
            int xi = x0 + pixelOffsets[q];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, x[xi]);
            a0 = ga.fma(v, a0); b0 = gb.fma(v, b0); c0 = gc.fma(v, c0); d0 = gd.fma(v, d0);
            v = FloatVector.broadcast(SPECIES, x[xi + 1]);
            a1 = ga.fma(v, a1); b1 = gb.fma(v, b1); c1 = gc.fma(v, c1); d1 = gd.fma(v, d1);
            v = FloatVector.broadcast(SPECIES, x[xi + 2]);
            a2 = ga.fma(v, a2); b2 = gb.fma(v, b2); c2 = gc.fma(v, c2); d2 = gd.fma(v, d2);
            v = FloatVector.broadcast(SPECIES, x[xi + 3]);
            a3 = ga.fma(v, a3); b3 = gb.fma(v, b3); c3 = gc.fma(v, c3); d3 = gd.fma(v, d3);
            v = FloatVector.broadcast(SPECIES, x[xi + 4]);
            a4 = ga.fma(v, a4); b4 = gb.fma(v, b4); c4 = gc.fma(v, c4); d4 = gd.fma(v, d4);
            v = FloatVector.broadcast(SPECIES, x[xi + 5]);
            a5 = ga.fma(v, a5); b5 = gb.fma(v, b5); c5 = gc.fma(v, c5); d5 = gd.fma(v, d5);
        }
        addInto(a0, part, p0 + 0 * LANES); addInto(b0, part, p0 + 1 * partStride + 0 * LANES);
        addInto(c0, part, p0 + 2 * partStride + 0 * LANES); addInto(d0, part, p0 + 3 * partStride + 0 * LANES);
        if (1 < count) {
            addInto(a1, part, p0 + 1 * LANES); addInto(b1, part, p0 + 1 * partStride + 1 * LANES);
            addInto(c1, part, p0 + 2 * partStride + 1 * LANES); addInto(d1, part, p0 + 3 * partStride + 1 * LANES);
        }
        if (2 < count) {
            addInto(a2, part, p0 + 2 * LANES); addInto(b2, part, p0 + 1 * partStride + 2 * LANES);
            addInto(c2, part, p0 + 2 * partStride + 2 * LANES); addInto(d2, part, p0 + 3 * partStride + 2 * LANES);
        }
        if (3 < count) {
            addInto(a3, part, p0 + 3 * LANES); addInto(b3, part, p0 + 1 * partStride + 3 * LANES);
            addInto(c3, part, p0 + 2 * partStride + 3 * LANES); addInto(d3, part, p0 + 3 * partStride + 3 * LANES);
        }
        if (4 < count) {
            addInto(a4, part, p0 + 4 * LANES); addInto(b4, part, p0 + 1 * partStride + 4 * LANES);
            addInto(c4, part, p0 + 2 * partStride + 4 * LANES); addInto(d4, part, p0 + 3 * partStride + 4 * LANES);
        }
        if (5 < count) {
            addInto(a5, part, p0 + 5 * LANES); addInto(b5, part, p0 + 1 * partStride + 5 * LANES);
            addInto(c5, part, p0 + 2 * partStride + 5 * LANES); addInto(d5, part, p0 + 3 * partStride + 5 * LANES);
        }
    }

    /** 2 channel blocks x 12 (kw, ci) pairs; see {@link ConvWeightGradKernels}. */
    static void weightGrad2x12(float[] x, int x0, int[] pixelOffsets, int pixels, float[] g, int g0,
                               float[] part, int p0, int partStride, int count) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector a0 = zero; FloatVector b0 = zero;
        FloatVector a1 = zero; FloatVector b1 = zero;
        FloatVector a2 = zero; FloatVector b2 = zero;
        FloatVector a3 = zero; FloatVector b3 = zero;
        FloatVector a4 = zero; FloatVector b4 = zero;
        FloatVector a5 = zero; FloatVector b5 = zero;
        FloatVector a6 = zero; FloatVector b6 = zero;
        FloatVector a7 = zero; FloatVector b7 = zero;
        FloatVector a8 = zero; FloatVector b8 = zero;
        FloatVector a9 = zero; FloatVector b9 = zero;
        FloatVector a10 = zero; FloatVector b10 = zero;
        FloatVector a11 = zero; FloatVector b11 = zero;
        for (int q = 0; q < pixels; q++) {
            int gi = g0 + q * (2 * LANES);
            FloatVector ga = FloatVector.fromArray(SPECIES, g, gi);
            FloatVector gb = FloatVector.fromArray(SPECIES, g, gi + 1 * LANES);
            int xi = x0 + pixelOffsets[q];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, x[xi]); a0 = ga.fma(v, a0); b0 = gb.fma(v, b0);
            v = FloatVector.broadcast(SPECIES, x[xi + 1]); a1 = ga.fma(v, a1); b1 = gb.fma(v, b1);
            v = FloatVector.broadcast(SPECIES, x[xi + 2]); a2 = ga.fma(v, a2); b2 = gb.fma(v, b2);
            v = FloatVector.broadcast(SPECIES, x[xi + 3]); a3 = ga.fma(v, a3); b3 = gb.fma(v, b3);
            v = FloatVector.broadcast(SPECIES, x[xi + 4]); a4 = ga.fma(v, a4); b4 = gb.fma(v, b4);
            v = FloatVector.broadcast(SPECIES, x[xi + 5]); a5 = ga.fma(v, a5); b5 = gb.fma(v, b5);
            v = FloatVector.broadcast(SPECIES, x[xi + 6]); a6 = ga.fma(v, a6); b6 = gb.fma(v, b6);
            v = FloatVector.broadcast(SPECIES, x[xi + 7]); a7 = ga.fma(v, a7); b7 = gb.fma(v, b7);
            v = FloatVector.broadcast(SPECIES, x[xi + 8]); a8 = ga.fma(v, a8); b8 = gb.fma(v, b8);
            v = FloatVector.broadcast(SPECIES, x[xi + 9]); a9 = ga.fma(v, a9); b9 = gb.fma(v, b9);
            v = FloatVector.broadcast(SPECIES, x[xi + 10]); a10 = ga.fma(v, a10); b10 = gb.fma(v, b10);
            v = FloatVector.broadcast(SPECIES, x[xi + 11]); a11 = ga.fma(v, a11); b11 = gb.fma(v, b11);
        }
        addInto(a0, part, p0 + 0 * LANES); addInto(b0, part, p0 + 1 * partStride + 0 * LANES);
        if (1 < count) { addInto(a1, part, p0 + 1 * LANES); addInto(b1, part, p0 + 1 * partStride + 1 * LANES); }
        if (2 < count) { addInto(a2, part, p0 + 2 * LANES); addInto(b2, part, p0 + 1 * partStride + 2 * LANES); }
        if (3 < count) { addInto(a3, part, p0 + 3 * LANES); addInto(b3, part, p0 + 1 * partStride + 3 * LANES); }
        if (4 < count) { addInto(a4, part, p0 + 4 * LANES); addInto(b4, part, p0 + 1 * partStride + 4 * LANES); }
        if (5 < count) { addInto(a5, part, p0 + 5 * LANES); addInto(b5, part, p0 + 1 * partStride + 5 * LANES); }
        if (6 < count) { addInto(a6, part, p0 + 6 * LANES); addInto(b6, part, p0 + 1 * partStride + 6 * LANES); }
        if (7 < count) { addInto(a7, part, p0 + 7 * LANES); addInto(b7, part, p0 + 1 * partStride + 7 * LANES); }
        if (8 < count) { addInto(a8, part, p0 + 8 * LANES); addInto(b8, part, p0 + 1 * partStride + 8 * LANES); }
        if (9 < count) { addInto(a9, part, p0 + 9 * LANES); addInto(b9, part, p0 + 1 * partStride + 9 * LANES); }
        if (10 < count) { addInto(a10, part, p0 + 10 * LANES); addInto(b10, part, p0 + 1 * partStride + 10 * LANES); }
        if (11 < count) { addInto(a11, part, p0 + 11 * LANES); addInto(b11, part, p0 + 1 * partStride + 11 * LANES); }
    }

    /** 1 channel block x 24 (kw, ci) pairs; see {@link ConvWeightGradKernels}. */
    static void weightGrad1x24(float[] x, int x0, int[] pixelOffsets, int pixels, float[] g, int g0,
                               float[] part, int p0, int partStride, int count) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector a0 = zero;
        FloatVector a1 = zero;
        FloatVector a2 = zero;
        FloatVector a3 = zero;
        FloatVector a4 = zero;
        FloatVector a5 = zero;
        FloatVector a6 = zero;
        FloatVector a7 = zero;
        FloatVector a8 = zero;
        FloatVector a9 = zero;
        FloatVector a10 = zero;
        FloatVector a11 = zero;
        FloatVector a12 = zero;
        FloatVector a13 = zero;
        FloatVector a14 = zero;
        FloatVector a15 = zero;
        FloatVector a16 = zero;
        FloatVector a17 = zero;
        FloatVector a18 = zero;
        FloatVector a19 = zero;
        FloatVector a20 = zero;
        FloatVector a21 = zero;
        FloatVector a22 = zero;
        FloatVector a23 = zero;
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
            v = FloatVector.broadcast(SPECIES, x[xi + 10]); a10 = ga.fma(v, a10);
            v = FloatVector.broadcast(SPECIES, x[xi + 11]); a11 = ga.fma(v, a11);
            v = FloatVector.broadcast(SPECIES, x[xi + 12]); a12 = ga.fma(v, a12);
            v = FloatVector.broadcast(SPECIES, x[xi + 13]); a13 = ga.fma(v, a13);
            v = FloatVector.broadcast(SPECIES, x[xi + 14]); a14 = ga.fma(v, a14);
            v = FloatVector.broadcast(SPECIES, x[xi + 15]); a15 = ga.fma(v, a15);
            v = FloatVector.broadcast(SPECIES, x[xi + 16]); a16 = ga.fma(v, a16);
            v = FloatVector.broadcast(SPECIES, x[xi + 17]); a17 = ga.fma(v, a17);
            v = FloatVector.broadcast(SPECIES, x[xi + 18]); a18 = ga.fma(v, a18);
            v = FloatVector.broadcast(SPECIES, x[xi + 19]); a19 = ga.fma(v, a19);
            v = FloatVector.broadcast(SPECIES, x[xi + 20]); a20 = ga.fma(v, a20);
            v = FloatVector.broadcast(SPECIES, x[xi + 21]); a21 = ga.fma(v, a21);
            v = FloatVector.broadcast(SPECIES, x[xi + 22]); a22 = ga.fma(v, a22);
            v = FloatVector.broadcast(SPECIES, x[xi + 23]); a23 = ga.fma(v, a23);
        }
        addInto(a0, part, p0 + 0 * LANES);
        if (1 < count) { addInto(a1, part, p0 + 1 * LANES); }
        if (2 < count) { addInto(a2, part, p0 + 2 * LANES); }
        if (3 < count) { addInto(a3, part, p0 + 3 * LANES); }
        if (4 < count) { addInto(a4, part, p0 + 4 * LANES); }
        if (5 < count) { addInto(a5, part, p0 + 5 * LANES); }
        if (6 < count) { addInto(a6, part, p0 + 6 * LANES); }
        if (7 < count) { addInto(a7, part, p0 + 7 * LANES); }
        if (8 < count) { addInto(a8, part, p0 + 8 * LANES); }
        if (9 < count) { addInto(a9, part, p0 + 9 * LANES); }
        if (10 < count) { addInto(a10, part, p0 + 10 * LANES); }
        if (11 < count) { addInto(a11, part, p0 + 11 * LANES); }
        if (12 < count) { addInto(a12, part, p0 + 12 * LANES); }
        if (13 < count) { addInto(a13, part, p0 + 13 * LANES); }
        if (14 < count) { addInto(a14, part, p0 + 14 * LANES); }
        if (15 < count) { addInto(a15, part, p0 + 15 * LANES); }
        if (16 < count) { addInto(a16, part, p0 + 16 * LANES); }
        if (17 < count) { addInto(a17, part, p0 + 17 * LANES); }
        if (18 < count) { addInto(a18, part, p0 + 18 * LANES); }
        if (19 < count) { addInto(a19, part, p0 + 19 * LANES); }
        if (20 < count) { addInto(a20, part, p0 + 20 * LANES); }
        if (21 < count) { addInto(a21, part, p0 + 21 * LANES); }
        if (22 < count) { addInto(a22, part, p0 + 22 * LANES); }
        if (23 < count) { addInto(a23, part, p0 + 23 * LANES); }
    }
}

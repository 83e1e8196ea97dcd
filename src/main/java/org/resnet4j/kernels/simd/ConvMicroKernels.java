package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked inner loops of the convolution kernels. Each one keeps its accumulators in named
 * {@code FloatVector} locals, unrolled by hand: C2 keeps locals in zmm registers but not the elements of a
 * {@code FloatVector[]}, so an array of accumulators would run from memory at a fraction of the speed.
 *
 * <p><b>Tiles</b> ({@code tileBxM}, used by forward and backward-data) compute, for {@code M} consecutive pixels
 * {@code q} of a "virtual grid" and {@code B} blocks of 16 output channels,
 * <pre>  out[q][co] = bias[co] + sum_t sum_{c < chans} in[x0 + q*chans + taps[t] + c] * w[block][t][c][co % 16]</pre>
 * where {@code in} is a zero-padded buffer in which pixel {@code q+1} sits {@code chans} floats after pixel
 * {@code q}, and {@code taps[t]} is the offset of kernel tap {@code t}. The weight panels are packed
 * {@code [t][c][16]} starting at {@code wA} (and {@code wB}); {@code bias} holds 16 values at {@code biasA}
 * ({@code biasB}). Pixel {@code p} of the tile is stored to {@code out[dst[p] + lane]} (second block at
 * {@code + 16}) for the first {@code lanesA} ({@code lanesB}) lanes, or skipped when {@code dst[p] < 0}:
 * padding pixels of the grid are computed (reading zeros or neighbours) and thrown away, so the loop has no edges.
 *
 * <p><b>Weight-gradient kernels</b> ({@code weightsBxM}) sum over a band of {@code rows x cols} output pixels
 * <pre>  part[pA + e*16 + lane] += sum_{pixels} g[pixel][lane] * x[xPixel + e]   for e < count</pre>
 * with {@code g} (gradOutput, 16 or 32 contiguous channels per pixel at {@code g0 + r*gRowStep + col*gStep})
 * broadcast-multiplied by {@code M} consecutive input values at {@code x0 + r*xRowStep + col*xStep}.
 */
final class ConvMicroKernels {
    private ConvMicroKernels() {
    }

    /** 2 channel blocks x 12 grid pixels; see the class comment. */
    static void tile2x12(float[] in, int x0, int chans, int[] taps, float[] w, int wA, int wB,
                       float[] bias, int biasA, int biasB, float[] out, int[] dst, int lanesA, int lanesB) {
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, biasA);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, biasB);
        FloatVector a0 = initA, b0 = initB;
        FloatVector a1 = initA, b1 = initB;
        FloatVector a2 = initA, b2 = initB;
        FloatVector a3 = initA, b3 = initB;
        FloatVector a4 = initA, b4 = initB;
        FloatVector a5 = initA, b5 = initB;
        FloatVector a6 = initA, b6 = initB;
        FloatVector a7 = initA, b7 = initB;
        FloatVector a8 = initA, b8 = initB;
        FloatVector a9 = initA, b9 = initB;
        FloatVector a10 = initA, b10 = initB;
        FloatVector a11 = initA, b11 = initB;
        int panel = chans * LANES;
        for (int t = 0, wt = 0; t < taps.length; t++, wt += panel) {
            int x = x0 + taps[t];
            for (int c = 0; c < chans; c++) {
                FloatVector wa = FloatVector.fromArray(SPECIES, w, wA + wt + c * LANES);
                FloatVector wb = FloatVector.fromArray(SPECIES, w, wB + wt + c * LANES);
                int xc = x + c;
                FloatVector v;
                v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
                v = FloatVector.broadcast(SPECIES, in[xc + chans]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
                v = FloatVector.broadcast(SPECIES, in[xc + 2 * chans]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
                v = FloatVector.broadcast(SPECIES, in[xc + 3 * chans]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
                v = FloatVector.broadcast(SPECIES, in[xc + 4 * chans]); a4 = wa.fma(v, a4); b4 = wb.fma(v, b4);
                v = FloatVector.broadcast(SPECIES, in[xc + 5 * chans]); a5 = wa.fma(v, a5); b5 = wb.fma(v, b5);
                v = FloatVector.broadcast(SPECIES, in[xc + 6 * chans]); a6 = wa.fma(v, a6); b6 = wb.fma(v, b6);
                v = FloatVector.broadcast(SPECIES, in[xc + 7 * chans]); a7 = wa.fma(v, a7); b7 = wb.fma(v, b7);
                v = FloatVector.broadcast(SPECIES, in[xc + 8 * chans]); a8 = wa.fma(v, a8); b8 = wb.fma(v, b8);
                v = FloatVector.broadcast(SPECIES, in[xc + 9 * chans]); a9 = wa.fma(v, a9); b9 = wb.fma(v, b9);
                v = FloatVector.broadcast(SPECIES, in[xc + 10 * chans]); a10 = wa.fma(v, a10); b10 = wb.fma(v, b10);
                v = FloatVector.broadcast(SPECIES, in[xc + 11 * chans]); a11 = wa.fma(v, a11); b11 = wb.fma(v, b11);
            }
        }
        int d;
        if ((d = dst[0]) >= 0) { store(a0, out, d, lanesA); store(b0, out, d + LANES, lanesB); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, lanesA); store(b1, out, d + LANES, lanesB); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, lanesA); store(b2, out, d + LANES, lanesB); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, lanesA); store(b3, out, d + LANES, lanesB); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, lanesA); store(b4, out, d + LANES, lanesB); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, lanesA); store(b5, out, d + LANES, lanesB); }
        if ((d = dst[6]) >= 0) { store(a6, out, d, lanesA); store(b6, out, d + LANES, lanesB); }
        if ((d = dst[7]) >= 0) { store(a7, out, d, lanesA); store(b7, out, d + LANES, lanesB); }
        if ((d = dst[8]) >= 0) { store(a8, out, d, lanesA); store(b8, out, d + LANES, lanesB); }
        if ((d = dst[9]) >= 0) { store(a9, out, d, lanesA); store(b9, out, d + LANES, lanesB); }
        if ((d = dst[10]) >= 0) { store(a10, out, d, lanesA); store(b10, out, d + LANES, lanesB); }
        if ((d = dst[11]) >= 0) { store(a11, out, d, lanesA); store(b11, out, d + LANES, lanesB); }
    }

    /** 1 channel block x 12 grid pixels; see the class comment. */
    static void tile1x12(float[] in, int x0, int chans, int[] taps, float[] w, int wA,
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
        int panel = chans * LANES;
        for (int t = 0, wt = 0; t < taps.length; t++, wt += panel) {
            int x = x0 + taps[t];
            for (int c = 0; c < chans; c++) {
                FloatVector wa = FloatVector.fromArray(SPECIES, w, wA + wt + c * LANES);
                int xc = x + c;
                FloatVector v;
                v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0);
                v = FloatVector.broadcast(SPECIES, in[xc + chans]); a1 = wa.fma(v, a1);
                v = FloatVector.broadcast(SPECIES, in[xc + 2 * chans]); a2 = wa.fma(v, a2);
                v = FloatVector.broadcast(SPECIES, in[xc + 3 * chans]); a3 = wa.fma(v, a3);
                v = FloatVector.broadcast(SPECIES, in[xc + 4 * chans]); a4 = wa.fma(v, a4);
                v = FloatVector.broadcast(SPECIES, in[xc + 5 * chans]); a5 = wa.fma(v, a5);
                v = FloatVector.broadcast(SPECIES, in[xc + 6 * chans]); a6 = wa.fma(v, a6);
                v = FloatVector.broadcast(SPECIES, in[xc + 7 * chans]); a7 = wa.fma(v, a7);
                v = FloatVector.broadcast(SPECIES, in[xc + 8 * chans]); a8 = wa.fma(v, a8);
                v = FloatVector.broadcast(SPECIES, in[xc + 9 * chans]); a9 = wa.fma(v, a9);
                v = FloatVector.broadcast(SPECIES, in[xc + 10 * chans]); a10 = wa.fma(v, a10);
                v = FloatVector.broadcast(SPECIES, in[xc + 11 * chans]); a11 = wa.fma(v, a11);
            }
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

    /** 1 channel block x 24 grid pixels; see the class comment. */
    static void tile1x24(float[] in, int x0, int chans, int[] taps, float[] w, int wA,
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
        int panel = chans * LANES;
        for (int t = 0, wt = 0; t < taps.length; t++, wt += panel) {
            int x = x0 + taps[t];
            for (int c = 0; c < chans; c++) {
                FloatVector wa = FloatVector.fromArray(SPECIES, w, wA + wt + c * LANES);
                int xc = x + c;
                FloatVector v;
                v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0);
                v = FloatVector.broadcast(SPECIES, in[xc + chans]); a1 = wa.fma(v, a1);
                v = FloatVector.broadcast(SPECIES, in[xc + 2 * chans]); a2 = wa.fma(v, a2);
                v = FloatVector.broadcast(SPECIES, in[xc + 3 * chans]); a3 = wa.fma(v, a3);
                v = FloatVector.broadcast(SPECIES, in[xc + 4 * chans]); a4 = wa.fma(v, a4);
                v = FloatVector.broadcast(SPECIES, in[xc + 5 * chans]); a5 = wa.fma(v, a5);
                v = FloatVector.broadcast(SPECIES, in[xc + 6 * chans]); a6 = wa.fma(v, a6);
                v = FloatVector.broadcast(SPECIES, in[xc + 7 * chans]); a7 = wa.fma(v, a7);
                v = FloatVector.broadcast(SPECIES, in[xc + 8 * chans]); a8 = wa.fma(v, a8);
                v = FloatVector.broadcast(SPECIES, in[xc + 9 * chans]); a9 = wa.fma(v, a9);
                v = FloatVector.broadcast(SPECIES, in[xc + 10 * chans]); a10 = wa.fma(v, a10);
                v = FloatVector.broadcast(SPECIES, in[xc + 11 * chans]); a11 = wa.fma(v, a11);
                v = FloatVector.broadcast(SPECIES, in[xc + 12 * chans]); a12 = wa.fma(v, a12);
                v = FloatVector.broadcast(SPECIES, in[xc + 13 * chans]); a13 = wa.fma(v, a13);
                v = FloatVector.broadcast(SPECIES, in[xc + 14 * chans]); a14 = wa.fma(v, a14);
                v = FloatVector.broadcast(SPECIES, in[xc + 15 * chans]); a15 = wa.fma(v, a15);
                v = FloatVector.broadcast(SPECIES, in[xc + 16 * chans]); a16 = wa.fma(v, a16);
                v = FloatVector.broadcast(SPECIES, in[xc + 17 * chans]); a17 = wa.fma(v, a17);
                v = FloatVector.broadcast(SPECIES, in[xc + 18 * chans]); a18 = wa.fma(v, a18);
                v = FloatVector.broadcast(SPECIES, in[xc + 19 * chans]); a19 = wa.fma(v, a19);
                v = FloatVector.broadcast(SPECIES, in[xc + 20 * chans]); a20 = wa.fma(v, a20);
                v = FloatVector.broadcast(SPECIES, in[xc + 21 * chans]); a21 = wa.fma(v, a21);
                v = FloatVector.broadcast(SPECIES, in[xc + 22 * chans]); a22 = wa.fma(v, a22);
                v = FloatVector.broadcast(SPECIES, in[xc + 23 * chans]); a23 = wa.fma(v, a23);
            }
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
        if ((d = dst[12]) >= 0) { store(a12, out, d, lanesA); }
        if ((d = dst[13]) >= 0) { store(a13, out, d, lanesA); }
        if ((d = dst[14]) >= 0) { store(a14, out, d, lanesA); }
        if ((d = dst[15]) >= 0) { store(a15, out, d, lanesA); }
        if ((d = dst[16]) >= 0) { store(a16, out, d, lanesA); }
        if ((d = dst[17]) >= 0) { store(a17, out, d, lanesA); }
        if ((d = dst[18]) >= 0) { store(a18, out, d, lanesA); }
        if ((d = dst[19]) >= 0) { store(a19, out, d, lanesA); }
        if ((d = dst[20]) >= 0) { store(a20, out, d, lanesA); }
        if ((d = dst[21]) >= 0) { store(a21, out, d, lanesA); }
        if ((d = dst[22]) >= 0) { store(a22, out, d, lanesA); }
        if ((d = dst[23]) >= 0) { store(a23, out, d, lanesA); }
    }

    /** 2 channel blocks x 12 (kw, ci) pairs; see the class comment. */
    static void weights2x12(float[] x, int x0, int xStep, int xRowStep, float[] g, int g0, int gStep,
                       int gRowStep, int rows, int cols, float[] part, int pA, int pB, int count) {
        FloatVector a0 = FloatVector.zero(SPECIES), b0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES), b1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES), b2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES), b3 = FloatVector.zero(SPECIES);
        FloatVector a4 = FloatVector.zero(SPECIES), b4 = FloatVector.zero(SPECIES);
        FloatVector a5 = FloatVector.zero(SPECIES), b5 = FloatVector.zero(SPECIES);
        FloatVector a6 = FloatVector.zero(SPECIES), b6 = FloatVector.zero(SPECIES);
        FloatVector a7 = FloatVector.zero(SPECIES), b7 = FloatVector.zero(SPECIES);
        FloatVector a8 = FloatVector.zero(SPECIES), b8 = FloatVector.zero(SPECIES);
        FloatVector a9 = FloatVector.zero(SPECIES), b9 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES), b10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES), b11 = FloatVector.zero(SPECIES);
        for (int r = 0; r < rows; r++) {
            int xi = x0 + r * xRowStep;
            int gi = g0 + r * gRowStep;
            for (int col = 0; col < cols; col++, xi += xStep, gi += gStep) {
                FloatVector ga = FloatVector.fromArray(SPECIES, g, gi);
                FloatVector gb = FloatVector.fromArray(SPECIES, g, gi + LANES);
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
        }
        addInto(a0, part, pA + 0 * LANES); addInto(b0, part, pB + 0 * LANES);
        if (1 < count) { addInto(a1, part, pA + 1 * LANES); addInto(b1, part, pB + 1 * LANES); }
        if (2 < count) { addInto(a2, part, pA + 2 * LANES); addInto(b2, part, pB + 2 * LANES); }
        if (3 < count) { addInto(a3, part, pA + 3 * LANES); addInto(b3, part, pB + 3 * LANES); }
        if (4 < count) { addInto(a4, part, pA + 4 * LANES); addInto(b4, part, pB + 4 * LANES); }
        if (5 < count) { addInto(a5, part, pA + 5 * LANES); addInto(b5, part, pB + 5 * LANES); }
        if (6 < count) { addInto(a6, part, pA + 6 * LANES); addInto(b6, part, pB + 6 * LANES); }
        if (7 < count) { addInto(a7, part, pA + 7 * LANES); addInto(b7, part, pB + 7 * LANES); }
        if (8 < count) { addInto(a8, part, pA + 8 * LANES); addInto(b8, part, pB + 8 * LANES); }
        if (9 < count) { addInto(a9, part, pA + 9 * LANES); addInto(b9, part, pB + 9 * LANES); }
        if (10 < count) { addInto(a10, part, pA + 10 * LANES); addInto(b10, part, pB + 10 * LANES); }
        if (11 < count) { addInto(a11, part, pA + 11 * LANES); addInto(b11, part, pB + 11 * LANES); }
    }

    /** 1 channel block x 12 (kw, ci) pairs; see the class comment. */
    static void weights1x12(float[] x, int x0, int xStep, int xRowStep, float[] g, int g0, int gStep,
                       int gRowStep, int rows, int cols, float[] part, int pA, int count) {
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
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        for (int r = 0; r < rows; r++) {
            int xi = x0 + r * xRowStep;
            int gi = g0 + r * gRowStep;
            for (int col = 0; col < cols; col++, xi += xStep, gi += gStep) {
                FloatVector ga = FloatVector.fromArray(SPECIES, g, gi);
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
            }
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
        if (10 < count) { addInto(a10, part, pA + 10 * LANES); }
        if (11 < count) { addInto(a11, part, pA + 11 * LANES); }
    }

    /** 1 channel block x 24 (kw, ci) pairs; see the class comment. */
    static void weights1x24(float[] x, int x0, int xStep, int xRowStep, float[] g, int g0, int gStep,
                       int gRowStep, int rows, int cols, float[] part, int pA, int count) {
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
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a12 = FloatVector.zero(SPECIES);
        FloatVector a13 = FloatVector.zero(SPECIES);
        FloatVector a14 = FloatVector.zero(SPECIES);
        FloatVector a15 = FloatVector.zero(SPECIES);
        FloatVector a16 = FloatVector.zero(SPECIES);
        FloatVector a17 = FloatVector.zero(SPECIES);
        FloatVector a18 = FloatVector.zero(SPECIES);
        FloatVector a19 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a22 = FloatVector.zero(SPECIES);
        FloatVector a23 = FloatVector.zero(SPECIES);
        for (int r = 0; r < rows; r++) {
            int xi = x0 + r * xRowStep;
            int gi = g0 + r * gRowStep;
            for (int col = 0; col < cols; col++, xi += xStep, gi += gStep) {
                FloatVector ga = FloatVector.fromArray(SPECIES, g, gi);
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
        if (10 < count) { addInto(a10, part, pA + 10 * LANES); }
        if (11 < count) { addInto(a11, part, pA + 11 * LANES); }
        if (12 < count) { addInto(a12, part, pA + 12 * LANES); }
        if (13 < count) { addInto(a13, part, pA + 13 * LANES); }
        if (14 < count) { addInto(a14, part, pA + 14 * LANES); }
        if (15 < count) { addInto(a15, part, pA + 15 * LANES); }
        if (16 < count) { addInto(a16, part, pA + 16 * LANES); }
        if (17 < count) { addInto(a17, part, pA + 17 * LANES); }
        if (18 < count) { addInto(a18, part, pA + 18 * LANES); }
        if (19 < count) { addInto(a19, part, pA + 19 * LANES); }
        if (20 < count) { addInto(a20, part, pA + 20 * LANES); }
        if (21 < count) { addInto(a21, part, pA + 21 * LANES); }
        if (22 < count) { addInto(a22, part, pA + 22 * LANES); }
        if (23 < count) { addInto(a23, part, pA + 23 * LANES); }
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

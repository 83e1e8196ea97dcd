package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.ConvMicroKernels.store;
import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * The one-block tiles for runs of a row (32 registers: 16 accumulators, a weight vector, a broadcast), for the layers
 * whose channels fill a single block: CIFAR's 16 channels at 16 lanes; {@link ConvRowPairKernels} has the two-block
 * ones. The contract, the sums and the store rules are those of {@link ConvMicroKernels}.
 *
 * <p>A one-block tile broadcasts one input per FMA, so what each broadcast costs besides its load decides the speed.
 * With a pixel's offset in a register, each load also needs its own address add and array bounds check (the offsets
 * are unknown to C2), and the 16- or 24-pixel tiles ran out of general-purpose registers: 145-165 GFLOP/s per core
 * (AVX-512, data in L1). When the 16 pixels are one run of a row, {@code src[p] = src[0] + p * stride}, and with
 * {@code stride} a literal the offsets are displacements of one address and C2 merges the bounds checks into one:
 * 205 GFLOP/s in the same measurement. Tiles of a row of 32 pixels (CIFAR's first stage) are such runs, at stride 16
 * (forward, backward-data: 16 channels) or 32 (backward-data of the 16-to-32 downsampling, a phase row reading 32
 * gradOutput channels); {@link #tile1x16} takes any other (a tile across two rows, the filler pixels of a last tile).
 */
final class ConvRowKernels {
    private ConvRowKernels() {
    }

    /** 1 block x 16 pixels at any bases: {@link #tile1x16Stride16} or {@link #tile1x16Stride32} when they apply. */
    static void tile1x16(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
            float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        int stride = src[1] - src[0];
        if ((stride == 16 || stride == 32) && isRun(src, 16, stride)) {
            if (stride == 16) {
                tile1x16Stride16(in, src, steps, stepCount, w, w0, panel, bias, bias0, out, dst, lastLanes);
            } else {
                tile1x16Stride32(in, src, steps, stepCount, w, w0, panel, bias, bias0, out, dst, lastLanes);
            }
        } else {
            tile1x16Anywhere(in, src, steps, stepCount, w, w0, panel, bias, bias0, out, dst, lastLanes);
        }
    }

    /** Whether the first {@code pixels} bases are {@code src[0] + p * stride}. */
    static boolean isRun(int[] src, int pixels, int stride) {
        for (int p = 1; p < pixels; p++) {
            if (src[p] != src[0] + p * stride) {
                return false;
            }
        }
        return true;
    }

    /** 16 pixels at bases {@code src[0] + 16 p}. */
    static void tile1x16Stride16(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
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
        int x0 = src[0];
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, w0 + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0);
            v = FloatVector.broadcast(SPECIES, in[xc + 16]); a1 = wa.fma(v, a1);
            v = FloatVector.broadcast(SPECIES, in[xc + 32]); a2 = wa.fma(v, a2);
            v = FloatVector.broadcast(SPECIES, in[xc + 48]); a3 = wa.fma(v, a3);
            v = FloatVector.broadcast(SPECIES, in[xc + 64]); a4 = wa.fma(v, a4);
            v = FloatVector.broadcast(SPECIES, in[xc + 80]); a5 = wa.fma(v, a5);
            v = FloatVector.broadcast(SPECIES, in[xc + 96]); a6 = wa.fma(v, a6);
            v = FloatVector.broadcast(SPECIES, in[xc + 112]); a7 = wa.fma(v, a7);
            v = FloatVector.broadcast(SPECIES, in[xc + 128]); a8 = wa.fma(v, a8);
            v = FloatVector.broadcast(SPECIES, in[xc + 144]); a9 = wa.fma(v, a9);
            v = FloatVector.broadcast(SPECIES, in[xc + 160]); a10 = wa.fma(v, a10);
            v = FloatVector.broadcast(SPECIES, in[xc + 176]); a11 = wa.fma(v, a11);
            v = FloatVector.broadcast(SPECIES, in[xc + 192]); a12 = wa.fma(v, a12);
            v = FloatVector.broadcast(SPECIES, in[xc + 208]); a13 = wa.fma(v, a13);
            v = FloatVector.broadcast(SPECIES, in[xc + 224]); a14 = wa.fma(v, a14);
            v = FloatVector.broadcast(SPECIES, in[xc + 240]); a15 = wa.fma(v, a15);
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
        if ((d = dst[12]) >= 0) { store(a12, out, d, lastLanes); }
        if ((d = dst[13]) >= 0) { store(a13, out, d, lastLanes); }
        if ((d = dst[14]) >= 0) { store(a14, out, d, lastLanes); }
        if ((d = dst[15]) >= 0) { store(a15, out, d, lastLanes); }
    }

    /** 16 pixels at bases {@code src[0] + 32 p}. */
    static void tile1x16Stride32(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
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
        int x0 = src[0];
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, w0 + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0);
            v = FloatVector.broadcast(SPECIES, in[xc + 32]); a1 = wa.fma(v, a1);
            v = FloatVector.broadcast(SPECIES, in[xc + 64]); a2 = wa.fma(v, a2);
            v = FloatVector.broadcast(SPECIES, in[xc + 96]); a3 = wa.fma(v, a3);
            v = FloatVector.broadcast(SPECIES, in[xc + 128]); a4 = wa.fma(v, a4);
            v = FloatVector.broadcast(SPECIES, in[xc + 160]); a5 = wa.fma(v, a5);
            v = FloatVector.broadcast(SPECIES, in[xc + 192]); a6 = wa.fma(v, a6);
            v = FloatVector.broadcast(SPECIES, in[xc + 224]); a7 = wa.fma(v, a7);
            v = FloatVector.broadcast(SPECIES, in[xc + 256]); a8 = wa.fma(v, a8);
            v = FloatVector.broadcast(SPECIES, in[xc + 288]); a9 = wa.fma(v, a9);
            v = FloatVector.broadcast(SPECIES, in[xc + 320]); a10 = wa.fma(v, a10);
            v = FloatVector.broadcast(SPECIES, in[xc + 352]); a11 = wa.fma(v, a11);
            v = FloatVector.broadcast(SPECIES, in[xc + 384]); a12 = wa.fma(v, a12);
            v = FloatVector.broadcast(SPECIES, in[xc + 416]); a13 = wa.fma(v, a13);
            v = FloatVector.broadcast(SPECIES, in[xc + 448]); a14 = wa.fma(v, a14);
            v = FloatVector.broadcast(SPECIES, in[xc + 480]); a15 = wa.fma(v, a15);
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
        if ((d = dst[12]) >= 0) { store(a12, out, d, lastLanes); }
        if ((d = dst[13]) >= 0) { store(a13, out, d, lastLanes); }
        if ((d = dst[14]) >= 0) { store(a14, out, d, lastLanes); }
        if ((d = dst[15]) >= 0) { store(a15, out, d, lastLanes); }
    }

    /** 16 pixels at any bases (offsets in registers). */
    static void tile1x16Anywhere(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
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
        if ((d = dst[12]) >= 0) { store(a12, out, d, lastLanes); }
        if ((d = dst[13]) >= 0) { store(a13, out, d, lastLanes); }
        if ((d = dst[14]) >= 0) { store(a14, out, d, lastLanes); }
        if ((d = dst[15]) >= 0) { store(a15, out, d, lastLanes); }
    }

    /** 1 block x 8 pixels at any bases: the odd last block of a 2 x 8 tile. */
    static void tile1x8(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
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
        int x0 = src[0];
        int o1 = src[1] - x0;
        int o2 = src[2] - x0;
        int o3 = src[3] - x0;
        int o4 = src[4] - x0;
        int o5 = src[5] - x0;
        int o6 = src[6] - x0;
        int o7 = src[7] - x0;
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
    }
}

package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.ConvMicroKernels.store;
import static org.resnet4j.kernels.simd.ConvRowKernels.isRun;
import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * Two blocks x 8 pixels (32 registers: 16 accumulators, two weight vectors, a broadcast) for runs of a row at a
 * literal stride, as {@link ConvRowKernels} does for one block: CIFAR's 32 channels (rows of 16 pixels, stride 32)
 * and 64 (rows of 8, stride 64). Measured per core (AVX-512, CPU time, busy machine), 32ch@16x16 forward 206-210
 * GFLOP/s against 192-197 for the best other tile, backward-data 219 against 205; at 64ch@8x8 it ties 4x6. A tile
 * of 8 pixels across two rows takes {@link #tile2x8Anywhere}, an odd last block {@link ConvRowKernels#tile1x8}.
 */
final class ConvRowPairKernels {
    private ConvRowPairKernels() {
    }

    /** 2 blocks x 8 pixels at any bases: {@link #tile2x8Stride32} or {@link #tile2x8Stride64} when they apply. */
    static void tile2x8(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
            float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        int stride = src[1] - src[0];
        if (stride == 32 && isRun(src, 8, 32)) {
            tile2x8Stride32(in, src, steps, stepCount, w, w0, panel, bias, bias0, out, dst, lastLanes);
        } else if (stride == 64 && isRun(src, 8, 64)) {
            tile2x8Stride64(in, src, steps, stepCount, w, w0, panel, bias, bias0, out, dst, lastLanes);
        } else {
            tile2x8Anywhere(in, src, steps, stepCount, w, w0, panel, bias, bias0, out, dst, lastLanes);
        }
    }

    /** 8 pixels at bases {@code src[0] + 32 p}, 2 blocks. */
    static void tile2x8Stride32(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
            float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        int wB = w0 + panel;
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, bias0 + LANES);
        FloatVector a0 = initA, b0 = initB;
        FloatVector a1 = initA, b1 = initB;
        FloatVector a2 = initA, b2 = initB;
        FloatVector a3 = initA, b3 = initB;
        FloatVector a4 = initA, b4 = initB;
        FloatVector a5 = initA, b5 = initB;
        FloatVector a6 = initA, b6 = initB;
        FloatVector a7 = initA, b7 = initB;
        int x0 = src[0];
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, w0 + s * LANES);
            FloatVector wb = FloatVector.fromArray(SPECIES, w, wB + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
            v = FloatVector.broadcast(SPECIES, in[xc + 32]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
            v = FloatVector.broadcast(SPECIES, in[xc + 64]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
            v = FloatVector.broadcast(SPECIES, in[xc + 96]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
            v = FloatVector.broadcast(SPECIES, in[xc + 128]); a4 = wa.fma(v, a4); b4 = wb.fma(v, b4);
            v = FloatVector.broadcast(SPECIES, in[xc + 160]); a5 = wa.fma(v, a5); b5 = wb.fma(v, b5);
            v = FloatVector.broadcast(SPECIES, in[xc + 192]); a6 = wa.fma(v, a6); b6 = wb.fma(v, b6);
            v = FloatVector.broadcast(SPECIES, in[xc + 224]); a7 = wa.fma(v, a7); b7 = wb.fma(v, b7);
        }
        int d;
        if ((d = dst[0]) >= 0) { store(a0, out, d, LANES); store(b0, out, d + LANES, lastLanes); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, LANES); store(b1, out, d + LANES, lastLanes); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, LANES); store(b2, out, d + LANES, lastLanes); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, LANES); store(b3, out, d + LANES, lastLanes); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, LANES); store(b4, out, d + LANES, lastLanes); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, LANES); store(b5, out, d + LANES, lastLanes); }
        if ((d = dst[6]) >= 0) { store(a6, out, d, LANES); store(b6, out, d + LANES, lastLanes); }
        if ((d = dst[7]) >= 0) { store(a7, out, d, LANES); store(b7, out, d + LANES, lastLanes); }
    }

    /** 8 pixels at bases {@code src[0] + 64 p}, 2 blocks. */
    static void tile2x8Stride64(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
            float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        int wB = w0 + panel;
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, bias0 + LANES);
        FloatVector a0 = initA, b0 = initB;
        FloatVector a1 = initA, b1 = initB;
        FloatVector a2 = initA, b2 = initB;
        FloatVector a3 = initA, b3 = initB;
        FloatVector a4 = initA, b4 = initB;
        FloatVector a5 = initA, b5 = initB;
        FloatVector a6 = initA, b6 = initB;
        FloatVector a7 = initA, b7 = initB;
        int x0 = src[0];
        for (int s = 0; s < stepCount; s++) {
            FloatVector wa = FloatVector.fromArray(SPECIES, w, w0 + s * LANES);
            FloatVector wb = FloatVector.fromArray(SPECIES, w, wB + s * LANES);
            int xc = x0 + steps[s];
            FloatVector v;
            v = FloatVector.broadcast(SPECIES, in[xc]); a0 = wa.fma(v, a0); b0 = wb.fma(v, b0);
            v = FloatVector.broadcast(SPECIES, in[xc + 64]); a1 = wa.fma(v, a1); b1 = wb.fma(v, b1);
            v = FloatVector.broadcast(SPECIES, in[xc + 128]); a2 = wa.fma(v, a2); b2 = wb.fma(v, b2);
            v = FloatVector.broadcast(SPECIES, in[xc + 192]); a3 = wa.fma(v, a3); b3 = wb.fma(v, b3);
            v = FloatVector.broadcast(SPECIES, in[xc + 256]); a4 = wa.fma(v, a4); b4 = wb.fma(v, b4);
            v = FloatVector.broadcast(SPECIES, in[xc + 320]); a5 = wa.fma(v, a5); b5 = wb.fma(v, b5);
            v = FloatVector.broadcast(SPECIES, in[xc + 384]); a6 = wa.fma(v, a6); b6 = wb.fma(v, b6);
            v = FloatVector.broadcast(SPECIES, in[xc + 448]); a7 = wa.fma(v, a7); b7 = wb.fma(v, b7);
        }
        int d;
        if ((d = dst[0]) >= 0) { store(a0, out, d, LANES); store(b0, out, d + LANES, lastLanes); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, LANES); store(b1, out, d + LANES, lastLanes); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, LANES); store(b2, out, d + LANES, lastLanes); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, LANES); store(b3, out, d + LANES, lastLanes); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, LANES); store(b4, out, d + LANES, lastLanes); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, LANES); store(b5, out, d + LANES, lastLanes); }
        if ((d = dst[6]) >= 0) { store(a6, out, d, LANES); store(b6, out, d + LANES, lastLanes); }
        if ((d = dst[7]) >= 0) { store(a7, out, d, LANES); store(b7, out, d + LANES, lastLanes); }
    }

    /** 8 pixels at any bases (offsets in registers), 2 blocks. */
    static void tile2x8Anywhere(float[] in, int[] src, int[] steps, int stepCount, float[] w, int w0, int panel,
            float[] bias, int bias0, float[] out, int[] dst, int lastLanes) {
        int wB = w0 + panel;
        FloatVector initA = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector initB = FloatVector.fromArray(SPECIES, bias, bias0 + LANES);
        FloatVector a0 = initA, b0 = initB;
        FloatVector a1 = initA, b1 = initB;
        FloatVector a2 = initA, b2 = initB;
        FloatVector a3 = initA, b3 = initB;
        FloatVector a4 = initA, b4 = initB;
        FloatVector a5 = initA, b5 = initB;
        FloatVector a6 = initA, b6 = initB;
        FloatVector a7 = initA, b7 = initB;
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
            FloatVector wb = FloatVector.fromArray(SPECIES, w, wB + s * LANES);
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
        }
        int d;
        if ((d = dst[0]) >= 0) { store(a0, out, d, LANES); store(b0, out, d + LANES, lastLanes); }
        if ((d = dst[1]) >= 0) { store(a1, out, d, LANES); store(b1, out, d + LANES, lastLanes); }
        if ((d = dst[2]) >= 0) { store(a2, out, d, LANES); store(b2, out, d + LANES, lastLanes); }
        if ((d = dst[3]) >= 0) { store(a3, out, d, LANES); store(b3, out, d + LANES, lastLanes); }
        if ((d = dst[4]) >= 0) { store(a4, out, d, LANES); store(b4, out, d + LANES, lastLanes); }
        if ((d = dst[5]) >= 0) { store(a5, out, d, LANES); store(b5, out, d + LANES, lastLanes); }
        if ((d = dst[6]) >= 0) { store(a6, out, d, LANES); store(b6, out, d + LANES, lastLanes); }
        if ((d = dst[7]) >= 0) { store(a7, out, d, LANES); store(b7, out, d + LANES, lastLanes); }
    }
}

package org.resnet4j.kernels.simd;

/**
 * Grow-only buffers of one batch-norm call, lent by a {@link ScratchPool}, so a kernel's steady-state calls allocate
 * nothing and concurrent callers never share one. Contents are not cleared between calls.
 */
final class Scratch extends ScratchPool.Lendable {
    private float[] floats = new float[0];
    private double[] doubles = new double[0];

    /** A buffer of at least {@code length} floats. */
    float[] floats(int length) {
        if (floats.length < length) {
            floats = new float[length];
        }
        return floats;
    }

    /** A buffer of at least {@code length} doubles. */
    double[] doubles(int length) {
        if (doubles.length < length) {
            doubles = new double[length];
        }
        return doubles;
    }
}

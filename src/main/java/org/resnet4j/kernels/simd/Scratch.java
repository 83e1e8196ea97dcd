package org.resnet4j.kernels.simd;

/**
 * Grow-only buffers per calling thread, so a kernel's steady-state calls allocate nothing and concurrent callers
 * never share one. Contents are not cleared between calls.
 */
final class Scratch {
    private final ThreadLocal<float[]> floats = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<double[]> doubles = ThreadLocal.withInitial(() -> new double[0]);

    /** A buffer of at least {@code length} floats, owned by the calling thread until its next call. */
    float[] floats(int length) {
        float[] current = floats.get();
        if (current.length < length) {
            current = new float[length];
            floats.set(current);
        }
        return current;
    }

    /** A buffer of at least {@code length} doubles, owned by the calling thread until its next call. */
    double[] doubles(int length) {
        double[] current = doubles.get();
        if (current.length < length) {
            current = new double[length];
            doubles.set(current);
        }
        return current;
    }
}

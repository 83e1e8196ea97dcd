package org.resnet4j.kernels.simd;

/**
 * Grow-only work buffers of one calling thread's convolutions, so that steady-state training allocates nothing big
 * per call. Each buffer has one job; contents do not survive from one call to the next, except that
 * {@link #zeros} is never written.
 */
final class ConvScratch {
    private float[] input = new float[0];
    private float[] image = new float[0];
    private float[] gradOutput = new float[0];
    private float[] packedWeights = new float[0];
    private float[] bias = new float[0];
    private float[] zeros = new float[0];
    private float[] partials = new float[0];
    private float[] gradPanel = new float[0];

    /** The zero-padded (and, for stride > 1, phase-split) input image batch. */
    float[] input(int length) {
        return input = grow(input, length);
    }

    /** One image's padded planes, filled and then consumed by one task on this thread while they are in L2. */
    float[] image(int length) {
        return image = grow(image, length);
    }

    /** The zero-padded gradient of the output (backward-data), or its channel-padded copy (backward-weights). */
    float[] gradOutput(int length) {
        return gradOutput = grow(gradOutput, length);
    }

    /** Weights repacked into LANES-wide panels. */
    float[] packedWeights(int length) {
        return packedWeights = grow(packedWeights, length);
    }

    /** The bias padded to whole blocks of LANES. */
    float[] bias(int length) {
        return bias = grow(bias, length);
    }

    /** At least {@code length} zeros: the bias of passes that have none. */
    float[] zeros(int length) {
        return zeros = grow(zeros, length);
    }

    /** Per-chunk partial sums of the weight gradient. */
    float[] partials(int length) {
        return partials = grow(partials, length);
    }

    /** One band's gradOutput for the co blocks of one weight-gradient call, the pixels' vectors back to back. */
    float[] gradPanel(int length) {
        return gradPanel = grow(gradPanel, length);
    }

    private static float[] grow(float[] buffer, int length) {
        // Some headroom so that a sequence of slightly growing shapes does not reallocate every time.
        return buffer.length >= length ? buffer : new float[length + length / 8];
    }
}

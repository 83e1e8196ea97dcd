package org.resnet4j.kernels.simd;

/**
 * Grow-only work buffers of one convolution call, lent by a {@link ScratchPool}, so that steady-state training
 * allocates nothing big per call. Each buffer has one job; contents do not survive from one call to the next, except
 * that {@link #zeros} is never written. The buffers each parallel task fills for itself are a {@link Task}'s.
 */
final class ConvScratch extends ScratchPool.Lendable {
    private float[] input = new float[0];
    private float[] gradOutput = new float[0];
    private float[] packedWeights = new float[0];
    private float[] bias = new float[0];
    private float[] zeros = new float[0];
    private float[] partials = new float[0];

    /** The zero-padded (and, for stride > 1, phase-split) input image batch. */
    float[] input(int length) {
        return input = grow(input, length);
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

    /**
     * One task's buffers, apart from the call's: a call's tasks run at once on several threads, each with a set of
     * its own, while the call's buffers are shared by all of them.
     */
    static final class Task extends ScratchPool.Lendable {
        private float[] image = new float[0];
        private float[] gradPanel = new float[0];

        /** One image's padded planes, filled and then consumed by this task while they are in L2. */
        float[] image(int length) {
            return image = grow(image, length);
        }

        /** One band's gradOutput for the co blocks of one weight-gradient call, the pixels' vectors back to back. */
        float[] gradPanel(int length) {
            return gradPanel = grow(gradPanel, length);
        }
    }

    private static float[] grow(float[] buffer, int length) {
        if (length < 0) {
            // A size computation that wrapped around: any old buffer would "fit" it.
            throw new IllegalArgumentException("conv2d: a work buffer of " + length + " floats was asked for");
        }
        // Some headroom so that a sequence of slightly growing shapes does not reallocate every time (in long: near
        // the largest array, length / 8 more wrapped around).
        return buffer.length >= length ? buffer
                : new float[(int) Math.max(length, Math.min(length + length / 8L, Integer.MAX_VALUE - 8))];
    }
}

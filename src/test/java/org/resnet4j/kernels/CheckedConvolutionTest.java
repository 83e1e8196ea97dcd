package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The checked facade does not let a negative packed length (an overflow in an implementation) pass any array. */
class CheckedConvolutionTest {

    /** Kernels whose packed length wrapped around; their passes must never run. */
    private static final class WrappedLength implements ConvolutionKernels {
        @Override
        public void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output) {
            throw new AssertionError("unreachable");
        }

        @Override
        public float[] packForward(ConvGeometry g, float[] weight) {
            throw new AssertionError("unreachable");
        }

        @Override
        public int packedForwardLength(ConvGeometry g) {
            return -1_000_000;
        }

        @Override
        public void forwardPacked(ConvGeometry g, float[] input, float[] packedWeight, float[] bias, float[] output) {
            throw new AssertionError("the packed weights of " + packedWeight.length + " values were let through");
        }

        @Override
        public void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput) {
            throw new AssertionError("unreachable");
        }

        @Override
        public void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight,
                                    float[] gradBias) {
            throw new AssertionError("unreachable");
        }
    }

    @Test
    void aNegativePackedLengthIsRefused() {
        ConvolutionKernels checked = CheckedConvolution.wrap(new WrappedLength());
        ConvGeometry g = ConvGeometry.square(1, 1, 4, 4, 1, 3, 1, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> checked.forwardPacked(g,
                new float[g.inputSize()], new float[0], null, new float[g.outputSize()]));
        assertTrue(e.getMessage().contains("-1000000"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> checked.packedForwardLength(g));
    }
}

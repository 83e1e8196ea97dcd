package org.resnet4j.kernels;

import static org.resnet4j.kernels.KernelChecks.require;
import static org.resnet4j.kernels.KernelChecks.requireOptional;
import static org.resnet4j.kernels.KernelChecks.requireShape;

/** {@link ConvolutionKernels} with every array checked against the geometry, then the implementation's pass. */
final class CheckedConvolution implements ConvolutionKernels {
    private final ConvolutionKernels kernels;

    private CheckedConvolution(ConvolutionKernels kernels) {
        this.kernels = kernels;
    }

    static ConvolutionKernels wrap(ConvolutionKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("the convolution kernels are null");
        }
        return kernels instanceof CheckedConvolution ? kernels : new CheckedConvolution(kernels);
    }

    @Override
    public void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output) {
        String kernel = "conv2d forward";
        requireShape(kernel, g);
        require(kernel, "input", input, g.inputSize(), g::toString);
        require(kernel, "weight", weight, g.weightSize(), g::toString);
        requireOptional(kernel, "bias", bias, g.outChannels(), g::toString);
        require(kernel, "output", output, g.outputSize(), g::toString);
        kernels.forward(g, input, weight, bias, output);
    }

    @Override
    public float[] packForward(ConvGeometry g, float[] weight) {
        String kernel = "conv2d packForward";
        requireShape(kernel, g);
        require(kernel, "weight", weight, g.weightSize(), g::toString);
        return kernels.packForward(g, weight);
    }

    @Override
    public int packedForwardLength(ConvGeometry g) {
        String kernel = "conv2d packedForwardLength";
        return packedLength(kernel, requireShape(kernel, g));
    }

    /** The implementation's packed length, refused when negative: every array would pass a length check against it. */
    private int packedLength(String kernel, ConvGeometry g) {
        int length = kernels.packedForwardLength(g);
        if (length < 0) {
            throw new IllegalStateException(kernel + ": the kernels give a packed weight length of " + length + " for "
                    + g + " (a size that overflowed)");
        }
        return length;
    }

    @Override
    public void forwardPacked(ConvGeometry g, float[] input, float[] packedWeight, float[] bias, float[] output) {
        String kernel = "conv2d forwardPacked";
        requireShape(kernel, g);
        require(kernel, "input", input, g.inputSize(), g::toString);
        require(kernel, "packed weight", packedWeight, packedLength(kernel, g), g::toString);
        requireOptional(kernel, "bias", bias, g.outChannels(), g::toString);
        require(kernel, "output", output, g.outputSize(), g::toString);
        kernels.forwardPacked(g, input, packedWeight, bias, output);
    }

    @Override
    public void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput) {
        String kernel = "conv2d backwardData";
        requireShape(kernel, g);
        require(kernel, "gradOutput", gradOutput, g.outputSize(), g::toString);
        require(kernel, "weight", weight, g.weightSize(), g::toString);
        require(kernel, "gradInput", gradInput, g.inputSize(), g::toString);
        kernels.backwardData(g, gradOutput, weight, gradInput);
    }

    @Override
    public void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight,
                                float[] gradBias) {
        String kernel = "conv2d backwardWeights";
        requireShape(kernel, g);
        require(kernel, "input", input, g.inputSize(), g::toString);
        require(kernel, "gradOutput", gradOutput, g.outputSize(), g::toString);
        require(kernel, "gradWeight", gradWeight, g.weightSize(), g::toString);
        requireOptional(kernel, "gradBias", gradBias, g.outChannels(), g::toString);
        kernels.backwardWeights(g, input, gradOutput, gradWeight, gradBias);
    }
}

package org.resnet4j.kernels;

/**
 * 2-d convolution (cross-correlation, as PyTorch's {@code conv2d}) and its two backward passes.
 *
 * <p>Arrays: {@code input} NHWC {@code [N][H][W][Cin]}; {@code output}/{@code gradOutput} NHWC
 * {@code [N][OH][OW][Cout]}; {@code weight}/{@code gradWeight} OIHW {@code [Cout][Cin][KH][KW]}; {@code bias}/
 * {@code gradBias} {@code [Cout]} or {@code null}.
 *
 * <p>Implementations must be safe to call from several threads at once, on output arrays that no other call writes (see
 * {@link Kernels}).
 */
public interface ConvolutionKernels {

    /**
     * {@code output[n,oh,ow,co] = bias[co] + sum_{ci,kh,kw} weight[co,ci,kh,kw]
     * * input[n, oh*sh + kh - ph, ow*sw + kw - pw, ci]}, with zeros outside the input. Overwrites {@code output}.
     */
    void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output);

    /**
     * The weights rearranged once for {@link #forwardPacked}, for any geometry with {@code g}'s channels and kernel:
     * an inference network packs its frozen weights once instead of on every call.
     */
    float[] packForward(ConvGeometry g, float[] weight);

    /** The length of {@link #packForward}'s result for {@code g}, which {@link #forwardPacked} reads. */
    int packedForwardLength(ConvGeometry g);

    /** {@link #forward} with weights from {@link #packForward} on the same channels and kernel. */
    void forwardPacked(ConvGeometry g, float[] input, float[] packedWeight, float[] bias, float[] output);

    /**
     * {@code gradInput[n,ih,iw,ci] = sum over (oh,ow,kh,kw,co) with ih = oh*sh + kh - ph and iw = ow*sw + kw - pw
     * of weight[co,ci,kh,kw] * gradOutput[n,oh,ow,co]}. Overwrites {@code gradInput}.
     */
    void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput);

    /**
     * {@code gradWeight[co,ci,kh,kw] += sum_{n,oh,ow} gradOutput[n,oh,ow,co] * input[n, oh*sh+kh-ph, ow*sw+kw-pw, ci]};
     * {@code gradBias[co] += sum_{n,oh,ow} gradOutput[n,oh,ow,co]} when {@code gradBias} is not null.
     */
    void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias);
}

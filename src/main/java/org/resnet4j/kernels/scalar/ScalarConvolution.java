package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.ConvolutionKernels;

/**
 * The specification of 2-d convolution: each pass is the formula of {@link ConvolutionKernels}, written as plain
 * loops. Slow on purpose; the SIMD kernels are tested against it.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class ScalarConvolution implements ConvolutionKernels {

    @Override
    public void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output) {
        // input [N][H][W][Cin], weight [Cout][Cin][KH][KW], output [N][OH][OW][Cout]
        int cin = g.inChannels();
        int cout = g.outChannels();
        int oh = g.outHeight();
        int ow = g.outWidth();
        for (int n = 0; n < g.batch(); n++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int out = ((n * oh + y) * ow + x) * cout;
                    for (int co = 0; co < cout; co++) {
                        float sum = bias == null ? 0f : bias[co];
                        for (int kh = 0; kh < g.kernelHeight(); kh++) {
                            int ih = y * g.strideHeight() + kh - g.padHeight();
                            if (ih < 0 || ih >= g.inHeight()) {
                                continue;
                            }
                            for (int kw = 0; kw < g.kernelWidth(); kw++) {
                                int iw = x * g.strideWidth() + kw - g.padWidth();
                                if (iw < 0 || iw >= g.inWidth()) {
                                    continue;
                                }
                                int in = ((n * g.inHeight() + ih) * g.inWidth() + iw) * cin;
                                for (int ci = 0; ci < cin; ci++) {
                                    sum += weight[weightIndex(g, co, ci, kh, kw)] * input[in + ci];
                                }
                            }
                        }
                        output[out + co] = sum;
                    }
                }
            }
        }
    }

    /** The reference keeps OIHW: its packing is a copy. */
    @Override
    public float[] packForward(ConvGeometry g, float[] weight) {
        return weight.clone();
    }

    @Override
    public int packedForwardLength(ConvGeometry g) {
        return g.weightSize();
    }

    @Override
    public void forwardPacked(ConvGeometry g, float[] input, float[] packedWeight, float[] bias, float[] output) {
        forward(g, input, packedWeight, bias, output);
    }

    @Override
    public void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput) {
        // gradOutput [N][OH][OW][Cout], weight [Cout][Cin][KH][KW], gradInput [N][H][W][Cin]
        int cin = g.inChannels();
        int cout = g.outChannels();
        int oh = g.outHeight();
        int ow = g.outWidth();
        java.util.Arrays.fill(gradInput, 0, g.inputSize(), 0f);
        for (int n = 0; n < g.batch(); n++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int out = ((n * oh + y) * ow + x) * cout;
                    for (int kh = 0; kh < g.kernelHeight(); kh++) {
                        int ih = y * g.strideHeight() + kh - g.padHeight();
                        if (ih < 0 || ih >= g.inHeight()) {
                            continue;
                        }
                        for (int kw = 0; kw < g.kernelWidth(); kw++) {
                            int iw = x * g.strideWidth() + kw - g.padWidth();
                            if (iw < 0 || iw >= g.inWidth()) {
                                continue;
                            }
                            int in = ((n * g.inHeight() + ih) * g.inWidth() + iw) * cin;
                            for (int co = 0; co < cout; co++) {
                                float grad = gradOutput[out + co];
                                for (int ci = 0; ci < cin; ci++) {
                                    gradInput[in + ci] += weight[weightIndex(g, co, ci, kh, kw)] * grad;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias) {
        // input [N][H][W][Cin], gradOutput [N][OH][OW][Cout], gradWeight [Cout][Cin][KH][KW] (+=), gradBias [Cout] (+=)
        int cin = g.inChannels();
        int cout = g.outChannels();
        int oh = g.outHeight();
        int ow = g.outWidth();
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int kh = 0; kh < g.kernelHeight(); kh++) {
                    for (int kw = 0; kw < g.kernelWidth(); kw++) {
                        float sum = 0f;
                        for (int n = 0; n < g.batch(); n++) {
                            for (int y = 0; y < oh; y++) {
                                int ih = y * g.strideHeight() + kh - g.padHeight();
                                if (ih < 0 || ih >= g.inHeight()) {
                                    continue;
                                }
                                for (int x = 0; x < ow; x++) {
                                    int iw = x * g.strideWidth() + kw - g.padWidth();
                                    if (iw < 0 || iw >= g.inWidth()) {
                                        continue;
                                    }
                                    sum += gradOutput[((n * oh + y) * ow + x) * cout + co]
                                            * input[((n * g.inHeight() + ih) * g.inWidth() + iw) * cin + ci];
                                }
                            }
                        }
                        gradWeight[weightIndex(g, co, ci, kh, kw)] += sum;
                    }
                }
            }
        }
        if (gradBias != null) {
            for (int co = 0; co < cout; co++) {
                float sum = 0f;
                for (int p = 0; p < g.batch() * oh * ow; p++) {
                    sum += gradOutput[p * cout + co];
                }
                gradBias[co] += sum;
            }
        }
    }

    private static int weightIndex(ConvGeometry g, int co, int ci, int kh, int kw) {
        return ((co * g.inChannels() + ci) * g.kernelHeight() + kh) * g.kernelWidth() + kw;
    }
}

package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * An inference-only convolution with the batch norm that follows it folded in and its weights packed once:
 * {@code w' = w * s}, {@code b' = beta + (b - mean) * s} per output channel, {@code s = gamma / sqrt(var + eps)}
 * (eval-mode batch norm is an affine map, so the two layers are one). A snapshot: later changes to the source layers
 * do not reach it.
 *
 * <p>Threads: it changes nothing after construction, so its forward may run on any number of threads at once, each in a
 * workspace of its own.
 */
public final class FoldedConv2d extends Module {
    private final Kernels kernels;
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final float[] packedWeight;
    private final float[] bias;

    /** @param norm the batch norm right after {@code conv}, or null to take the convolution alone */
    public FoldedConv2d(Kernels kernels, Conv2d conv, BatchNorm2d norm) {
        this.kernels = kernels;
        this.inChannels = conv.inChannels();
        this.outChannels = conv.outChannels();
        this.kernel = conv.kernel();
        this.stride = conv.stride();
        this.padding = conv.padding();
        float[] weight = conv.weight().value().data().clone();
        bias = conv.bias() == null ? new float[outChannels] : conv.bias().value().data().clone();
        if (norm != null) {
            fold(norm, weight);
        }
        // Packing depends on the channels and the kernel only, so any valid image size serves.
        packedWeight = kernels.convolution().packForward(
                ConvGeometry.square(1, inChannels, kernel, kernel, outChannels, kernel, stride, padding), weight);
    }

    private void fold(BatchNorm2d norm, float[] weight) {
        if (norm.runningMean().size() != outChannels) {
            throw new IllegalArgumentException("FoldedConv2d: batch norm of " + norm.runningMean().size()
                    + " channels after a convolution with " + outChannels + " outputs");
        }
        float[] gamma = norm.weight().value().data();
        float[] beta = norm.bias().value().data();
        float[] mean = norm.runningMean().data();
        float[] var = norm.runningVar().data();
        int perOutput = weight.length / outChannels;
        for (int co = 0; co < outChannels; co++) {
            double scale = gamma[co] / Math.sqrt((double) var[co] + BatchNorm2d.EPS);
            for (int i = co * perOutput; i < (co + 1) * perOutput; i++) {
                weight[i] = (float) (weight[i] * scale);
            }
            bias[co] = (float) (beta[co] + (bias[co] - (double) mean[co]) * scale);
        }
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        if (workspace.training()) {
            throw new IllegalStateException("FoldedConv2d is for inference only: train the source network and freeze "
                    + "it again");
        }
        Tensor in = Buffers.asNhwc(x, "FoldedConv2d");
        ConvGeometry g = geometry(in.shape());
        Tensor output = workspace.output(this, Conv2d.outputShape(g), Layout.NHWC);
        kernels.convolution().forwardPacked(g, in.data(), packedWeight, bias, output.data());
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        throw new UnsupportedOperationException("FoldedConv2d is for inference only: it has no backward");
    }

    @Override
    public Shape outputShape(Shape in) {
        return Conv2d.outputShape(geometry(in));
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        rows.add(new SummaryRow(prefix, "FoldedConv2d", outputShape(in), (long) outChannels * inChannels * kernel
                * kernel + outChannels, geometry(in).multiplyAdds()));
    }

    private ConvGeometry geometry(Shape in) {
        return Conv2d.geometry("FoldedConv2d", in, inChannels, outChannels, kernel, stride, padding);
    }
}

package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.PoolGeometry;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Max pooling with a square window, PyTorch's {@code nn.MaxPool2d(window, stride, padding)}.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps the positions of the maxima for backward (see {@link Module}).
 */
public final class MaxPool2d extends Module {
    private final Kernels kernels;
    private final int window;
    private final int stride;
    private final int padding;

    // Kept by a training forward for backward: where each maximum came from.
    private int[] argmax;
    private PoolGeometry geometry;
    private Tensor output;

    public MaxPool2d(Kernels kernels, int window, int stride, int padding) {
        // PyTorch's bounds, checked here so that a bad layer fails when built, not at its first forward.
        if (window < 1 || stride < 1 || padding < 0 || 2L * padding > window) {
            throw new IllegalArgumentException("MaxPool2d: window and stride must be >= 1 and padding in [0, window/2],"
                    + " got window=" + window + " stride=" + stride + " padding=" + padding);
        }
        this.kernels = kernels;
        this.window = window;
        this.stride = stride;
        this.padding = padding;
    }

    public int window() {
        return window;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        Tensor in = Buffers.asNhwc(x, "MaxPool2d");
        PoolGeometry g = geometry(in.shape());
        Tensor out = workspace.output(this, outputShape(in.shape()), Layout.NHWC);
        int[] where = workspace.indices(this, out.size());
        kernels.pooling().maxPoolForward(g, in.data(), out.data(), where);
        if (workspace.training()) {
            geometry = g;
            output = out;
            argmax = where;
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        if (geometry == null) {
            throw new IllegalStateException("MaxPool2d.backward needs a forward pass in training mode first");
        }
        gradOutput.shape().requireEqual(output.shape(), "MaxPool2d backward gradient");
        Tensor gradInput = workspace.gradients().take(Shape.of(geometry.batch(), geometry.channels(), geometry.inHeight(),
                geometry.inWidth()), Layout.NHWC);
        kernels.pooling().maxPoolBackward(geometry, gradOutput.toLayout(Layout.NHWC).data(), argmax, gradInput.data());
        workspace.gradients().giveBack(gradOutput);
        return gradInput;
    }

    @Override
    public Shape outputShape(Shape in) {
        PoolGeometry g = geometry(in);
        return Shape.of(g.batch(), g.channels(), g.outHeight(), g.outWidth());
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        rows.add(new SummaryRow(prefix, "MaxPool2d", outputShape(in), 0, 0));
    }

    private PoolGeometry geometry(Shape in) {
        in.requireRank(4, "MaxPool2d input");
        return new PoolGeometry(in.dim(0), in.dim(1), in.dim(2), in.dim(3), window, stride, padding);
    }
}

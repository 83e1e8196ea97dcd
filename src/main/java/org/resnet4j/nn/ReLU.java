package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * {@code max(x, 0)}, element by element; backward reads its own output, so it keeps no input. In place (PyTorch's
 * {@code ReLU(inplace=True)}, as torchvision's ResNets use it) it overwrites its input instead of keeping a second
 * activation: right after batch norm or the residual add, whose backward never reads their own output.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps its output for backward (see {@link Module}).
 */
public final class ReLU extends Module {
    private final Kernels kernels;
    private final boolean inPlace;
    private Tensor output;

    /** Out of place: the input is left as it is. */
    public ReLU(Kernels kernels) {
        this(kernels, false);
    }

    public ReLU(Kernels kernels, boolean inPlace) {
        this.kernels = kernels;
        this.inPlace = inPlace;
    }

    public boolean inPlace() {
        return inPlace;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        Tensor out = inPlace ? x : workspace.output(this, x.shape(), x.layout());
        kernels.elementwise().reluForward(x.size(), x.data(), out.data());
        if (workspace.training()) {
            output = out;
        }
        return out;
    }

    /**
     * Takes {@code out} as this in-place ReLU's output, already computed by a fused pass of the module before it
     * (the residual add's {@code addRelu}, or {@link BatchNorm2d}'s forward with ReLU): kept for backward when
     * training, as {@link #forward} keeps its own.
     */
    Tensor adopt(Tensor out, Workspace workspace) {
        if (!inPlace) {
            throw new IllegalStateException("only an in-place ReLU can take a fused pass's output");
        }
        if (workspace.training()) {
            output = out;
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        return backward(gradOutput, null, workspace);
    }

    /**
     * {@link #backward}, its result also written into {@code copy} (a buffer of the output's shape and layout) in the
     * same pass: a residual block hands the gradient of its output to its branch and to its shortcut.
     */
    Tensor backwardCopying(Tensor gradOutput, Tensor copy, Workspace workspace) {
        copy.shape().requireEqual(gradOutput.shape(), "ReLU backward copy");
        if (copy.layout() != outputLayout()) {
            throw new IllegalArgumentException("ReLU backward copy: layout " + copy.layout() + ", the output's is "
                    + output.layout());
        }
        return backward(gradOutput, copy, workspace);
    }

    /** The one backward pass: into a gradient buffer, and into {@code copy} too unless it is null. */
    private Tensor backward(Tensor gradOutput, Tensor copy, Workspace workspace) {
        Layout layout = outputLayout();
        gradOutput.shape().requireEqual(output.shape(), "ReLU backward gradient");
        Tensor gradOut = gradOutput.toLayout(layout);
        Tensor gradInput = workspace.gradients().writableLike(gradOut);
        if (copy == null) {
            kernels.elementwise().reluBackward(output.size(), output.data(), gradOut.data(), gradInput.data());
        } else {
            kernels.elementwise().reluBackwardTwice(output.size(), output.data(), gradOut.data(), gradInput.data(),
                    copy.data());
        }
        return gradInput;
    }

    /** The layout of the output a training forward kept, which backward's result has. */
    Layout outputLayout() {
        if (output == null) {
            throw new IllegalStateException("ReLU.backward needs a forward pass in training mode first");
        }
        return output.layout();
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        rows.add(new SummaryRow(prefix, "ReLU", in, 0, 0));
    }
}

package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/** {@code max(x, 0)}, element by element; backward reads its own output, so it keeps no input. */
public final class ReLU extends Module {
    private final Kernels kernels;
    private Tensor output;
    private Tensor gradInput;

    public ReLU(Kernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        output = Buffers.reuse(output, x.shape(), x.layout());
        kernels.elementwise().reluForward(x.size(), x.data(), output.data());
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        if (output == null) {
            throw new IllegalStateException("ReLU.backward needs a forward pass first");
        }
        gradOutput.shape().requireEqual(output.shape(), "ReLU backward gradient");
        gradInput = Buffers.reuse(gradInput, output.shape(), output.layout());
        kernels.elementwise().reluBackward(output.size(), output.data(),
                gradOutput.toLayout(output.layout()).data(), gradInput.data());
        return gradInput;
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

package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Batch normalization over N, H and W for each channel, PyTorch's {@code nn.BatchNorm2d} (eps 1e-5, momentum 0.1):
 * parameters {@code weight} (gamma) and {@code bias} (beta), buffers {@code running_mean}, {@code running_var} and
 * {@code num_batches_tracked}.
 *
 * <p>Frozen (neither {@code weight} nor {@code bias} trainable, {@link Module#setTrainable}), it normalizes with its
 * running statistics in training too and leaves them as they are, as torchvision's {@code FrozenBatchNorm2d} and a
 * Keras layer with {@code trainable = False} do: a frozen backbone then computes in fine-tuning exactly what it
 * computes in evaluation (PyTorch's {@code requires_grad_(False)} alone would go on normalizing with batch statistics
 * and updating the running ones). Its backward passes the gradient through that fixed affine map.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps its input and batch statistics for backward and updates the running
 * statistics (see {@link Module}).
 */
public final class BatchNorm2d extends Module {
    public static final float EPS = 1e-5f;
    public static final float MOMENTUM = 0.1f;

    private final Kernels kernels;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final long[] batchesTracked;

    // Kept by a training forward for backward: the input and the batch mean and 1/sqrt(var + eps); whether the ReLU
    // after it ran fused into it (forwardRelu), and then its output; whether it ran frozen (running statistics).
    private Tensor input;
    private Tensor reluOutput;
    private boolean ranFrozen;
    private final float[] saveMean;
    private final float[] saveInvStd;
    // Mean and bias of a frozen backward (the inference kernel as a per-channel scale): only ever read.
    private final float[] zeros;

    public BatchNorm2d(Kernels kernels, int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("BatchNorm2d: channels must be >= 1, got " + channels);
        }
        this.kernels = kernels;
        this.channels = channels;
        this.gamma = parameter("weight", Shape.of(channels), false);
        this.beta = parameter("bias", Shape.of(channels), false);
        this.runningMean = buffer("running_mean", Tensor.zeros(channels));
        this.runningVar = buffer("running_var", Tensor.zeros(channels));
        this.batchesTracked = counter("num_batches_tracked");
        this.saveMean = new float[channels];
        this.saveInvStd = new float[channels];
        this.zeros = new float[channels];
        gamma.value().fill(1f);
        runningVar.fill(1f);
    }

    public Parameter weight() {
        return gamma;
    }

    public Parameter bias() {
        return beta;
    }

    /**
     * The live running mean, as PyTorch's {@code running_mean}: every training forward updates it, and writing to it
     * changes the layer. Copy it to keep a snapshot.
     */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The live running variance (see {@link #runningMean()}). */
    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        return forward(x, workspace, false);
    }

    /**
     * {@code relu(this(x))} in one pass: the forward of this batch norm and of the in-place ReLU after it (the ReLU
     * module then takes the output as its own, {@link ReLU#adopt}); {@link #backwardRelu} is its backward.
     */
    Tensor forwardRelu(Tensor x, Workspace workspace) {
        return forward(x, workspace, true);
    }

    private Tensor forward(Tensor x, Workspace workspace, boolean relu) {
        Tensor in = Buffers.asNhwc(x, "BatchNorm2d");
        checkChannels(in.shape());
        Tensor output = workspace.output(this, in.shape(), Layout.NHWC);
        int rows = in.size() / channels;
        boolean training = workspace.training();
        boolean frozen = training && frozen();
        if (training && !frozen) {
            if (rows < 2) {
                throw new IllegalArgumentException("BatchNorm2d: training needs more than one value per channel, got input "
                        + in.shape());
            }
            if (relu) {
                kernels.batchNorm().forwardTrainingRelu(rows, channels, in.data(), gamma.value().data(),
                        beta.value().data(), EPS, MOMENTUM, runningMean.data(), runningVar.data(), output.data(),
                        saveMean, saveInvStd);
            } else {
                kernels.batchNorm().forwardTraining(rows, channels, in.data(), gamma.value().data(),
                        beta.value().data(), EPS, MOMENTUM, runningMean.data(), runningVar.data(), output.data(),
                        saveMean, saveInvStd);
            }
            batchesTracked[0]++;
        } else if (relu) {
            kernels.batchNorm().forwardInferenceRelu(rows, channels, in.data(), gamma.value().data(),
                    beta.value().data(), runningMean.data(), runningVar.data(), EPS, output.data());
        } else {
            kernels.batchNorm().forwardInference(rows, channels, in.data(), gamma.value().data(), beta.value().data(),
                    runningMean.data(), runningVar.data(), EPS, output.data());
        }
        if (training) {
            input = in;
            reluOutput = relu ? output : null;
            ranFrozen = frozen;
        }
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        if (input == null) {
            throw new IllegalStateException("BatchNorm2d.backward needs a forward pass in training mode first");
        }
        if (reluOutput != null) {
            throw new IllegalStateException("BatchNorm2d ran fused with the ReLU after it: backwardRelu, not backward");
        }
        return backward(gradOutput, workspace, false);
    }

    /** The backward of {@link #forwardRelu}: the gradient of its output, masked by the ReLU, through batch norm. */
    Tensor backwardRelu(Tensor gradOutput, Workspace workspace) {
        if (input == null || reluOutput == null) {
            throw new IllegalStateException("BatchNorm2d.backwardRelu needs a forwardRelu pass in training mode first");
        }
        return backward(gradOutput, workspace, true);
    }

    private Tensor backward(Tensor gradOutput, Workspace workspace, boolean relu) {
        gradOutput.shape().requireEqual(input.shape(), "BatchNorm2d backward gradient");
        Tensor gradOut = gradOutput.toLayout(Layout.NHWC);
        // In place when the gradient is the pool's: the kernel reads all of gradY before it writes gradX.
        Tensor gradInput = workspace.gradients().writableLike(gradOut);
        int rows = input.size() / channels;
        if (ranFrozen) {
            backwardFrozen(rows, gradOut, gradInput, relu);
        } else if (relu) {
            kernels.batchNorm().backwardRelu(rows, channels, input.data(), reluOutput.data(), gradOut.data(),
                    gamma.value().data(), beta.value().data(), saveMean, saveInvStd, gradInput.data(),
                    gamma.grad().data(), beta.grad().data());
        } else {
            kernels.batchNorm().backward(rows, channels, input.data(), gradOut.data(), gamma.value().data(), saveMean,
                    saveInvStd, gradInput.data(), gamma.grad().data(), beta.grad().data());
        }
        return gradInput;
    }

    /**
     * The backward of a frozen forward, {@code y = x * s + t} with {@code s = gamma / sqrt(running_var + eps)}:
     * {@code gradX = gradY * s}, masked first by the ReLU when it ran fused. The inference kernel computes exactly that
     * product when given a zero mean and a zero bias. The parameters get no gradient: they do not train.
     */
    private void backwardFrozen(int rows, Tensor gradOut, Tensor gradInput, boolean relu) {
        float[] gradY = gradOut.data();
        if (relu) {
            kernels.elementwise().reluBackward(gradOut.size(), reluOutput.data(), gradY, gradInput.data());
            gradY = gradInput.data();
        }
        kernels.batchNorm().forwardInference(rows, channels, gradY, gamma.value().data(), zeros, zeros,
                runningVar.data(), EPS, gradInput.data());
    }

    @Override
    public Shape outputShape(Shape in) {
        checkChannels(in);
        return in;
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        rows.add(new SummaryRow(prefix, "BatchNorm2d", outputShape(in), 2L * channels, 0));
    }

    private void checkChannels(Shape in) {
        in.requireRank(4, "BatchNorm2d input");
        if (in.dim(1) != channels) {
            throw new IllegalArgumentException("BatchNorm2d: input " + in + " has " + in.dim(1) + " channels, expected "
                    + channels);
        }
    }
}

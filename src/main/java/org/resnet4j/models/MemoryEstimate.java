package org.resnet4j.models;

import org.resnet4j.nn.SummaryRow;
import org.resnet4j.nn.Workspace;
import org.resnet4j.tensor.Tensor;

/**
 * The heap a training step and an inference batch of a network take, in bytes, counted from the buffers the library
 * allocates for them rather than guessed from the layer table. The network's own forward and backward run, on
 * kernels that compute nothing, in fresh workspaces at batch {@value #MEASURED_BATCH}, and
 * the workspaces report what they hold. Every activation, index and gradient buffer has the batch as its first
 * dimension (and the gradient pool pairs buffers by size, a batch multiple too), so the count at any batch is that
 * count times {@code batch / 2}, exactly.
 *
 * <p>Counted: parameters (4 bytes each) with their gradients and SGD momentum for training, running statistics, the
 * input batch {@code [N, 3, S, S]} in NCHW, the activations (and max pooling's indices) a training forward keeps for
 * backward, the activation-gradient buffers of backward, and for inference the {@link FrozenResNet} that
 * {@link ResNet#freeze()} makes (its folded weights and its activations) beside the network it came from. Not counted:
 * the JVM itself, the data loader's batches in flight, the kernels' per-thread scratch (a padded copy of one layer's
 * input), batch norm's saved batch statistics and the logits (a few values per channel or class), and the rounding up
 * of packed weights. Training is counted for a network that trains every parameter: a frozen backbone's backward
 * keeps fewer buffers.
 *
 * <p>Immutable, so safe to share between threads.
 *
 * @param batch                    the batch the figures are for
 * @param parameterBytes           the parameters' values (a gradient and an SGD momentum buffer are the same size)
 * @param statisticsBytes          batch norms' running means and variances
 * @param frozenWeightBytes        the weights and biases of the frozen copy (batch norms folded into convolutions)
 * @param inputBytes               the batch of images, {@code N x 3 x S x S} floats
 * @param trainingActivationBytes  what a training forward keeps for backward
 * @param gradientBufferBytes      the activation gradients backward passes through its pool
 * @param inferenceActivationBytes the frozen network's activations for one batch
 */
public record MemoryEstimate(int batch, long parameterBytes, long statisticsBytes, long frozenWeightBytes,
                             long inputBytes, long trainingActivationBytes, long gradientBufferBytes,
                             long inferenceActivationBytes) {
    /**
     * The batch the buffers are counted at: the smallest that batch norm can train on whatever the image size (at
     * ImageNet's smallest size, 32, the last stage is 1x1, so one image would leave one value per channel).
     */
    public static final int MEASURED_BATCH = 2;

    /**
     * The memory of {@code model}'s architecture and options at {@code batch} images of {@code imageSize} squared:
     * {@link #of(Architecture, ModelOptions, int, int)}; {@code model} itself is neither read nor changed.
     */
    public static MemoryEstimate of(ResNet model, int imageSize, int batch) {
        return of(model.architecture(), model.options(), imageSize, batch);
    }

    /**
     * The memory of a network of {@code architecture} and {@code options} at {@code batch} images of
     * {@code imageSize} squared. It builds and runs a twin of the network on arithmetic-free kernels, so it takes
     * about the network's parameters and two images' activations of heap for a moment, and less time than one real
     * training step.
     *
     * <p>Safe to call from any thread: it touches nothing shared.
     *
     * @throws IllegalArgumentException for a batch or size below 1, or an image too small for the network
     */
    public static MemoryEstimate of(Architecture architecture, ModelOptions options, int imageSize, int batch) {
        if (batch < 1 || imageSize < 1) {
            throw new IllegalArgumentException("memory estimate: batch and image size must be >= 1, got batch " + batch
                    + " and size " + imageSize);
        }
        ResNet twin = new ResNet(ArithmeticFreeKernels.create(), architecture, options);
        Tensor images = Tensor.zeros(MEASURED_BATCH, 3, imageSize, imageSize);

        Workspace training = Workspace.forTraining();
        Tensor logits = twin.forward(images, training);
        // The loss gradient comes from outside the pool, as a training step's does.
        twin.backward(Tensor.zeros(logits.shape(), logits.layout()), training);

        FrozenResNet frozen = twin.freeze();
        Workspace inference = Workspace.forInference();
        // The first passes settle which layers share which recycled arrays; the third holds what every later one does.
        for (int pass = 0; pass < 3; pass++) {
            frozen.forward(images, inference);
        }

        long frozenWeights = ModelSummary.of(frozen, 3, imageSize).rows().stream()
                .mapToLong(SummaryRow::parameters).sum();
        long statistics = twin.namedBuffers().values().stream().mapToLong(Tensor::size).sum();
        return new MemoryEstimate(batch, Float.BYTES * twin.parameterCount(), Float.BYTES * statistics,
                Float.BYTES * frozenWeights, (long) Float.BYTES * batch * 3 * imageSize * imageSize,
                perBatch(training.activationBytes(), batch), perBatch(training.gradients().bytes(), batch),
                perBatch(inference.activationBytes(), batch));
    }

    private static long perBatch(long measured, int batch) {
        return measured / MEASURED_BATCH * batch;
    }

    /** The same network at {@code other} images a batch: every per-image part scaled, exactly (see the class comment). */
    public MemoryEstimate withBatch(int other) {
        if (other < 1) {
            throw new IllegalArgumentException("memory estimate: batch must be >= 1, got " + other);
        }
        return new MemoryEstimate(other, parameterBytes, statisticsBytes, frozenWeightBytes, inputBytes / batch * other,
                trainingActivationBytes / batch * other, gradientBufferBytes / batch * other,
                inferenceActivationBytes / batch * other);
    }

    /**
     * A training step of {@code batch} images: the network with its gradients and SGD momentum, its statistics, the
     * input, the activations kept for backward and the gradient buffers.
     */
    public long trainingBytes() {
        return 3 * parameterBytes + statisticsBytes + inputBytes + trainingActivationBytes + gradientBufferBytes;
    }

    /**
     * Inference on {@code batch} images as {@code infer}, {@code eval} and {@code classify} run it: the network as
     * loaded (its parameters and the gradient buffers every parameter carries), its statistics, the frozen copy, the
     * input and the frozen network's activations.
     */
    public long inferenceBytes() {
        return 2 * parameterBytes + statisticsBytes + frozenWeightBytes + inputBytes + inferenceActivationBytes;
    }
}

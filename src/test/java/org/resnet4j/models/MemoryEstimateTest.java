package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.nn.Workspace;
import org.resnet4j.tensor.Tensor;

/**
 * {@link MemoryEstimate} against the workspaces of real passes on the real kernels: the same bytes of activations,
 * gradient buffers and frozen activations, at batches other than the one it counts at, for every kind of block,
 * stem and shortcut.
 */
class MemoryEstimateTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                // Small images keep the real passes quick; the shapes still pass through every stage.
                Arguments.of("resnet20", ModelOptions.defaults(10), 16, 3),
                Arguments.of("plain20", ModelOptions.defaults(10), 16, 4),
                Arguments.of("resnet20", ModelOptions.defaults(10).withShortcut(ShortcutOption.B), 16, 5),
                Arguments.of("resnet18", ModelOptions.defaults(7), 32, 3),
                Arguments.of("resnet50", ModelOptions.defaults(5).withShortcut(ShortcutOption.C), 32, 3),
                Arguments.of("resnet50", new ModelOptions(5, null, true, false, 0L), 48, 1));
    }

    @ParameterizedTest(name = "{0} {1} at {2}x{2}, batch {3}")
    @MethodSource("networks")
    void equalsWhatRealPassesHold(String name, ModelOptions options, int size, int batch) {
        ResNet model = ResNets.create(name, options);
        MemoryEstimate estimate = MemoryEstimate.of(model, size, batch);
        Tensor images = random(batch, size);

        Workspace training = Workspace.forTraining();
        Tensor logits = model.forward(images, training);
        model.backward(Tensor.zeros(logits.shape(), logits.layout()), training);
        Workspace inference = Workspace.forInference();
        FrozenResNet frozen = model.freeze();
        for (int pass = 0; pass < 3; pass++) {
            frozen.forward(images, inference);
        }

        assertEquals(training.activationBytes(), estimate.trainingActivationBytes(), "training activations");
        assertEquals(training.gradients().bytes(), estimate.gradientBufferBytes(), "gradient buffers");
        assertEquals(inference.activationBytes(), estimate.inferenceActivationBytes(), "frozen activations");
        assertEquals(4 * model.parameterCount(), estimate.parameterBytes());
        assertEquals(4L * batch * 3 * size * size, estimate.inputBytes());
    }

    /**
     * ResNet-20 counted by hand from the paper's table, per image: the NHWC copy of the input (3x32x32); the stem's
     * convolution and batch norm (2 x 16x32x32; its ReLU works in place); per block the outputs of conv1, bn1, conv2
     * and bn2 (the add and both ReLUs work in place), 4 x 16x32x32 in stage 1, 4 x 32x16x16 in stage 2 and 4 x 64x8x8
     * in stage 3, three blocks each; option A's zero-padded shortcut in the first blocks of stages 2 and 3 (32x16x16,
     * 64x8x8); the pooled 64 and the 10 logits. 392,266 floats.
     */
    @Test
    void resnet20TrainingActivationsAreThePapersTableCountedByHand() {
        long perImage = 3 * 1024 + 2 * 16384 + 3 * 4 * 16384 + 3 * 4 * 8192 + 8192 + 3 * 4 * 4096 + 4096 + 64 + 10;
        assertEquals(392_266, perImage);

        MemoryEstimate estimate = MemoryEstimate.of(ResNets.resnet20(10), 32, 128);

        assertEquals(4 * 128 * perImage, estimate.trainingActivationBytes());
    }

    /**
     * Inference recycles (see Workspace): what ResNet-20 holds is what is alive at once, per image: the NHWC copy of
     * the input; three arrays per stage (a block's input, conv1's output, conv2's output, which takes the sum; the
     * first block of a stage lends conv1's array to the shortcut after conv2 has read it), 3 x 16x32x32, 3 x 32x16x16,
     * 3 x 64x8x8; the pooled 64 and the 10 logits. 89,162 floats, against 392,266 for training.
     */
    @Test
    void resnet20InferenceHoldsThreeActivationsAStageCountedByHand() {
        long perImage = 3 * 1024 + 3 * 16384 + 3 * 8192 + 3 * 4096 + 64 + 10;
        assertEquals(89_162, perImage);

        MemoryEstimate estimate = MemoryEstimate.of(ResNets.resnet20(10), 32, 128);

        assertEquals(4 * 128 * perImage, estimate.inferenceActivationBytes());
    }

    /** The paper's ResNet-1202 at its batch of 128: about 11.5 GB of activations (the issue measured 12.0 GB resident). */
    @Test
    void resnet1202AtBatch128NeedsAboutTwelveGigabytes() {
        MemoryEstimate estimate = MemoryEstimate.of(ResNets.resnet1202(10), 32, 128);

        long perImage = 3 * 1024 + 2 * 16384 + 200 * 4 * (16384 + 8192 + 4096) + 8192 + 4096 + 64 + 10;
        assertEquals(4 * 128 * perImage, estimate.trainingActivationBytes());
        double gigabytes = estimate.trainingBytes() / 1e9;
        assertEquals(12.0, gigabytes, 0.6, "training bytes " + estimate.trainingBytes());
    }

    @Test
    void anotherBatchIsTheSameCountScaled() {
        MemoryEstimate at96 = MemoryEstimate.of(ResNets.resnet20(10), 32, 96);
        MemoryEstimate at40 = MemoryEstimate.of(ResNets.resnet20(10), 32, 40);

        assertEquals(at40, at96.withBatch(40));
        assertEquals(at96, at40.withBatch(96));
    }

    @Test
    void leavesTheNetworkAsItWas() {
        ResNet model = ResNets.resnet20(10);
        float[] mean = model.namedBuffers().get("bn1.running_mean").data().clone();

        MemoryEstimate.of(model, 32, 16);

        assertArrayEquals(mean, model.namedBuffers().get("bn1.running_mean").data());
        assertEquals(0, model.namedCounters().get("bn1.num_batches_tracked")[0]);
    }

    @Test
    void refusesWhatCannotRun() {
        ResNet model = ResNets.resnet18(10);
        assertThrows(IllegalArgumentException.class, () -> MemoryEstimate.of(model, 224, 0));
        assertThrows(IllegalArgumentException.class, () -> MemoryEstimate.of(model, 0, 8));
    }

    private static Tensor random(int batch, int size) {
        Tensor images = Tensor.zeros(batch, 3, size, size);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < images.size(); i++) {
            images.data()[i] = (float) random.nextGaussian();
        }
        return images;
    }
}

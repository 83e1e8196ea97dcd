package org.resnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.models.ShortcutOption;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * An inference workspace lends a released activation's array to a later layer ({@link Workspace#release}); that must
 * never change a result. Every network kind (option A, B and C shortcuts, plain, bottleneck) is run in a recycling
 * workspace and in one with a buffer per layer, as evaluation-mode networks and frozen, through batch-size changes,
 * and compared bit for bit.
 */
class InferenceRecyclingTest {

    @ParameterizedTest
    @CsvSource({"resnet20, A, 32", "plain20, A, 32", "resnet20, B, 32", "resnet18, C, 40", "resnet50, B, 64",
            "plain18, B, 36"})
    void recyclingChangesNoResult(String name, String shortcut, int size) {
        ResNet model = ResNets.create(name, ModelOptions.defaults(ResNets.defaultClasses(name))
                .withShortcut(ShortcutOption.valueOf(shortcut)).withSeed(11));
        trainSomeStatistics(model, size);
        Workspace recycling = Workspace.forInference();
        Workspace reference = Workspace.forInferenceWithoutRecycling();
        Workspace frozenRecycling = Workspace.forInference();
        Workspace frozenReference = Workspace.forInferenceWithoutRecycling();
        var frozen = model.freeze();
        // Two passes at one batch, another batch, then the first again: the buffers move between owners and sizes.
        for (int batch : new int[] {2, 2, 3, 1, 2}) {
            Tensor images = images(batch, size, 100 + batch);
            assertArrayEquals(model.forward(images, reference).data(), model.forward(images, recycling).data(),
                    name + " evaluation mode, batch " + batch);
            assertArrayEquals(frozen.forward(images, frozenReference).data(),
                    frozen.forward(images, frozenRecycling).data(), name + " frozen, batch " + batch);
        }
    }

    /** The point of it: ResNet-50 holds a fraction of the activations it held with a buffer per layer. */
    @Test
    void resnet50HoldsAFractionOfItsActivations() {
        ResNet model = ResNets.create("resnet50", ModelOptions.defaults(10).withSeed(3));
        var frozen = model.freeze();
        Tensor images = images(2, 64, 5);
        Workspace recycling = Workspace.forInference();
        Workspace reference = Workspace.forInferenceWithoutRecycling();
        frozen.forward(images, reference);
        frozen.forward(images, recycling);
        long steady = settled(recycling, () -> frozen.forward(images, recycling));

        double fraction = (double) steady / reference.activationBytes();
        assertTrue(fraction < 0.35, "recycling holds " + steady + " bytes, a buffer per layer "
                + reference.activationBytes() + " (" + fraction + ")");
    }

    /** Repeated passes settle: nothing new is allocated, and a batch-size change leaves no arrays behind. */
    @Test
    void repeatedPassesSettleAndSizeChangesLeaveNothingBehind() {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(4));
        var frozen = model.freeze();
        Workspace workspace = Workspace.forInference();
        Tensor two = images(2, 32, 1);
        long atTwo = settled(workspace, () -> frozen.forward(two, workspace));
        settled(workspace, () -> frozen.forward(images(5, 32, 2), workspace));

        assertEquals(atTwo, settled(workspace, () -> frozen.forward(two, workspace)));
    }

    /**
     * A pass's output is the workspace's until the next pass, as before: here a pass of another batch size through
     * the same workspace must not write into the first pass's logits before they are read.
     */
    @Test
    void theReturnedOutputIsNotLentWithinItsPass() {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(5));
        var frozen = model.freeze();
        Workspace workspace = Workspace.forInference();
        Tensor first = frozen.forward(images(2, 32, 1), workspace);
        float[] expected = first.data().clone();
        Tensor alone = frozen.forward(images(2, 32, 1), Workspace.forInferenceWithoutRecycling());

        assertArrayEquals(alone.data(), expected);
        assertNotSame(first.data(), frozen.forward(images(2, 32, 1)).data(), "forward(x) returns the caller's copy");
    }

    /** Features (each stage copied out before its array is lent on) equal the stages of a buffer-per-layer pass. */
    @Test
    void featuresAreUnchanged() {
        ResNet model = ResNets.create("resnet18", ModelOptions.defaults(10).withSeed(6));
        trainSomeStatistics(model, 64);
        Tensor images = images(2, 64, 9);
        var frozen = model.freeze();
        Map<String, Tensor> features = frozen.features(images);

        Workspace reference = Workspace.forInferenceWithoutRecycling();
        Tensor x = images.toLayout(Layout.NHWC);
        int stages = 0;
        for (Map.Entry<String, Module> layer : frozen.children().entrySet()) {
            x = layer.getValue().forward(x, reference);
            if (layer.getKey().startsWith("layer")) {
                assertArrayEquals(x.toLayout(Layout.NCHW).data(), features.get(layer.getKey()).data(), layer.getKey());
                stages++;
            } else if (layer.getKey().equals("avgpool")) {
                assertArrayEquals(x.data(), features.get("flatten").data(), "flatten");
                break;
            }
        }
        assertEquals(4, stages);
    }

    private static long settled(Workspace workspace, Runnable pass) {
        pass.run();
        pass.run();
        long bytes = workspace.activationBytes();
        pass.run();
        assertEquals(bytes, workspace.activationBytes(), "a third pass allocated");
        return bytes;
    }

    /** A few training passes, so the running statistics are not the initial zeros and ones. */
    private static void trainSomeStatistics(ResNet model, int size) {
        for (int i = 0; i < 2; i++) {
            model.forward(images(4, size, i), true);
        }
    }

    private static Tensor images(int batch, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[batch * 3 * size * size];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return Tensor.wrap(data, Shape.of(batch, 3, size, size), Layout.NCHW);
    }
}

package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.nn.Parameter;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.RandomArrays;
import org.resnet4j.train.TrainingStep;

/** A new head, frozen parameters and partial loads: what fine-tuning a pretrained network needs. */
class TransferLearningTest {

    private static ResNet pretrained() {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(3));
        FreezingTest.randomizeNorms(model, new SplittableRandom(1));
        return model;
    }

    @Test
    void aNewHeadKeepsTheBackboneAndLeavesTheSourceAlone() {
        ResNet source = pretrained();
        float[] sourceFc = source.namedParameters().get("fc.weight").value().data().clone();

        ResNet tuned = source.withNewHead(4, 99);

        assertEquals(4, tuned.classes());
        assertEquals(List.of(4, 64), List.of(tuned.namedParameters().get("fc.weight").shape().dims()[0],
                tuned.namedParameters().get("fc.weight").shape().dims()[1]));
        source.namedParameters().forEach((name, p) -> {
            if (!name.startsWith("fc.")) {
                assertArrayEquals(p.value().data(), tuned.namedParameters().get(name).value().data(), name);
            }
        });
        source.namedBuffers().forEach((name, b) -> assertArrayEquals(b.data(), tuned.namedBuffers().get(name).data(),
                name));
        assertArrayEquals(sourceFc, source.namedParameters().get("fc.weight").value().data());
    }

    /** PyTorch's idiom: freeze the backbone, then replace the head; the new head trains, the backbone stays frozen. */
    @Test
    void aBackboneFrozenBeforeTheNewHeadStaysFrozen() {
        ResNet source = pretrained();
        source.setTrainable(false);
        source.setTrainable(true, "layer3.2.conv2.weight");

        ResNet tuned = source.withNewHead(4, 99);

        tuned.namedParameters().forEach((name, p) -> assertEquals(name.startsWith("fc.")
                || name.equals("layer3.2.conv2.weight"), p.trainable(), name));
    }

    /** An optimizer built for the network before withNewHead would step the old weights; the step refuses it. */
    @Test
    void aTrainingStepRefusesAnOptimizerOfAnotherNetwork() {
        ResNet before = pretrained();
        Sgd stale = new Sgd(before.namedParameters(), 0.9, 1e-4);
        ResNet tuned = before.withNewHead(4, 5);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingStep(tuned, stale));
        assertTrue(e.getMessage().startsWith("training step: the optimizer updates a parameter 'conv1.weight' that is "
                + "not one of this network's"), e.getMessage());
        Map<String, Parameter> headOnly = new LinkedHashMap<>();
        headOnly.put("fc.weight", tuned.namedParameters().get("fc.weight"));
        headOnly.put("fc.bias", tuned.namedParameters().get("fc.bias"));
        new TrainingStep(tuned, new Sgd(headOnly, 0.9, 1e-4)); // a subset of its own: taken
    }

    /**
     * Only the head trains: backbone values stay bit for bit, running statistics included (frozen batch norms
     * normalize with them and leave them alone), and their gradients are never computed.
     */
    @Test
    void aFrozenBackboneStaysAsItWasAndGetsNoGradient() {
        ResNet model = pretrained().withNewHead(4, 5);
        assertEquals(model.namedParameters().size(), model.setTrainable(false));
        assertEquals(2, model.setTrainable(true, "fc"));
        Map<String, float[]> before = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> before.put(name, p.value().data().clone()));
        model.namedBuffers().forEach((name, b) -> before.put(name, b.data().clone()));
        Map<String, Long> countersBefore = new LinkedHashMap<>();
        model.namedCounters().forEach((name, c) -> countersBefore.put(name, c[0]));
        SplittableRandom random = new SplittableRandom(2);
        Tensor images = Tensor.wrap(RandomArrays.uniform(random, 6 * 3 * 32 * 32, -1f, 1f), 6, 3, 32, 32);
        Sgd sgd = new Sgd(model.namedParameters(), 0.9, 1e-4);
        TrainingStep step = new TrainingStep(model, sgd);

        for (int i = 0; i < 3; i++) {
            step.run(images, new int[] {0, 1, 2, 3, 0, 1}, 0.1);
        }

        model.namedParameters().forEach((name, p) -> {
            if (name.startsWith("fc.")) {
                assertFalse(java.util.Arrays.equals(before.get(name), p.value().data()), name + " trained");
            } else {
                assertArrayEquals(before.get(name), p.value().data(), name + " is frozen");
                assertTrue(allZero(p), name + ": a frozen layer's gradient was computed");
            }
        });
        model.namedBuffers().forEach((name, b) -> assertArrayEquals(before.get(name), b.data(), name + " is frozen"));
        model.namedCounters().forEach((name, c) -> assertEquals(countersBefore.get(name), c[0], name));
    }

    /**
     * A frozen backbone computes in a training step what it computes in evaluation (torchvision's FrozenBatchNorm2d,
     * Keras's {@code trainable = False}): the head is fitted to the features it will see when deployed.
     */
    @Test
    void aFrozenBackboneTrainsTheHeadOnItsEvaluationFeatures() {
        ResNet model = pretrained().withNewHead(4, 5);
        model.setTrainable(false);
        model.setTrainable(true, "fc");
        Tensor images = Tensor.wrap(RandomArrays.uniform(new SplittableRandom(4), 5 * 3 * 32 * 32, -1f, 1f),
                5, 3, 32, 32);

        float[] evaluation = model.forward(images, false).data();
        float[] training = model.forward(images, true).data();

        assertArrayEquals(evaluation, training); // the backbone runs the same kernels on the same statistics
        model.setTrainable(true);
        float[] batchStatistics = model.forward(images, true).data();
        double largest = 0;
        for (int i = 0; i < evaluation.length; i++) {
            largest = Math.max(largest, Math.abs(evaluation[i] - batchStatistics[i]));
        }
        assertTrue(largest > 1e-2, "a trainable backbone normalizes with batch statistics: logits moved " + largest);
    }

    @Test
    void anUnknownNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pretrained().setTrainable(false, "layer9"));
        assertTrue(e.getMessage().startsWith("no parameter is named layer9"), e.getMessage());
        assertEquals(6, pretrained().setTrainable(false, "layer1.0"), "a name covers what lies below it");
    }

    /** A 1000-class file into a 10-class network: all but the head, and what was left out is reported. */
    @Test
    void loadMatchingReportsWhatItLeftOut() throws SafeTensorsException {
        ResNet source = pretrained();
        List<TensorEntry> entries = new java.util.ArrayList<>(StateDicts.entries(source).stream()
                .filter(e -> !e.name().equals("layer3.2.bn2.running_var")).toList());
        entries.add(TensorEntry.ofFloats("aux.weight", new int[] {2}, new float[2]));
        var file = SafeTensors.read("pretrained", SafeTensors.toBytes(entries, Map.of()));
        ResNet target = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(8));

        StateDicts.LoadReport report = StateDicts.loadMatching(target, file);

        assertEquals(List.of("layer3.2.bn2.running_var"), report.missing());
        assertEquals(List.of("aux.weight"), report.unexpected());
        assertArrayEquals(source.namedParameters().get("conv1.weight").value().data(),
                target.namedParameters().get("conv1.weight").value().data());

        ResNet fourClasses = ResNets.create("resnet20", ModelOptions.defaults(4));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> StateDicts.loadMatching(fourClasses,
                file));
        assertTrue(e.getMessage().contains("wrong shape 2: fc.bias (file [10], model [4])"), e.getMessage());
        StateDicts.LoadReport skipped = StateDicts.loadMatching(fourClasses, file, "fc.");
        assertEquals(List.of("layer3.2.bn2.running_var"), skipped.missing());
    }

    private static boolean allZero(Parameter p) {
        for (float v : p.grad().data()) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }
}

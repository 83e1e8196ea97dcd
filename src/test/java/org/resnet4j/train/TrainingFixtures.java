package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.resnet4j.data.Cifar10Fixtures;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.LossKernels;

/** A tiny learnable CIFAR-10 directory, a fast training recipe on it, and comparisons of written tensors. */
final class TrainingFixtures {
    /** Records per crafted batch file: 120 images in the five training files, 24 in the test file. */
    static final int RECORDS = 24;
    static final int BATCH = 8;
    /** Higher rates make the first steps of so small a batch overshoot; the paper's 0.1 is for batch 128. */
    static final double RATE = 0.02;
    static final int VALIDATION = 24;
    /** 96 training images: 12 batches of 8 per epoch, so runs of 16 iterations cross an epoch boundary. */
    static final int BATCHES_PER_EPOCH = (5 * RECORDS - VALIDATION) / BATCH;

    private TrainingFixtures() {
    }

    static Path writeData(Path directory) throws IOException {
        Cifar10Fixtures.writeLearnableDirectory(directory, RECORDS, 11);
        return directory;
    }

    /**
     * resnet20, batch 8, learning rate 0.02 with the paper's steps at 1/2 and 3/4 of {@code iterations}, momentum 0.9,
     * weight decay 1e-4, 24 images held out, seed 5; a checkpoint every 4 iterations, an evaluation every 8.
     */
    static TrainingConfig config(Path data, Path runDirectory, long iterations) {
        return new TrainingConfig("resnet20", data, RECORDS, iterations, BATCH, RATE, "paper", 0, 0.01, 0.9, 1e-4,
                VALIDATION, "channel", 5L, 0, runDirectory, 4, 8, 8, false);
    }

    /**
     * The active kernels. Every SIMD reduction adds in a fixed order and the loss uses StrictMath, so identical runs
     * in one JVM (cold, then JIT-compiled) give identical bits; the determinism tests here depend on it.
     */
    static Kernels kernels() {
        return Kernels.active();
    }

    /**
     * As {@link #config}, but at the constant rate {@code rate} (a warm-up longer than any run here, so the rates do
     * not depend on the run's length) and with a checkpoint after every iteration.
     */
    static TrainingConfig constantRate(Path data, Path runDirectory, long iterations, double rate) {
        return new TrainingConfig("resnet20", data, RECORDS, iterations, BATCH, 0.1, "paper", 1_000_000, rate, 0.9,
                1e-4, VALIDATION, "channel", 5L, 0, runDirectory, 1, 8, 8, false);
    }

    /** The tensors of a safetensors file by name. */
    static Map<String, TensorEntry> tensors(Path file) throws IOException {
        return new TreeMap<>(SafeTensors.read(file).tensors());
    }

    static Map<String, String> metadata(Path file) throws IOException {
        return SafeTensors.read(file).metadata();
    }

    /** Both files hold the same tensor names, each with identical dtype, shape and bytes. */
    static void assertSameTensors(Path expected, Path actual) throws IOException {
        Map<String, TensorEntry> a = tensors(expected);
        Map<String, TensorEntry> b = tensors(actual);
        assertEquals(a.keySet(), b.keySet(), "tensor names of " + actual + " vs " + expected);
        TreeSet<String> differing = new TreeSet<>();
        for (String name : a.keySet()) {
            TensorEntry x = a.get(name);
            TensorEntry y = b.get(name);
            if (x.dtype() != y.dtype() || !Arrays.equals(x.shape(), y.shape()) || !Arrays.equals(x.data(), y.data())) {
                differing.add(name);
            }
        }
        if (!differing.isEmpty()) {
            fail(differing.size() + " of " + a.size() + " tensors differ between " + expected + " and " + actual
                    + ", first: " + differing.first());
        }
    }

    /** Thrown by {@link #crashingAtIteration}: stands for the process dying. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(long iteration) {
            super("simulated crash during training iteration " + iteration);
        }
    }

    /**
     * The kernels {@code base}, except that the loss backward of training iteration {@code iteration} (0-based; only
     * training runs backward) throws {@link SimulatedCrash}: a run dies after its forward pass, as a killed process
     * would, with whatever checkpoint it wrote before.
     */
    static Kernels crashingAtIteration(Kernels base, long iteration) {
        return withLossBackward(base, (call, gradLogits) -> {
            if (call == iteration) {
                throw new SimulatedCrash(iteration);
            }
        });
    }

    /**
     * The kernels {@code base}, except that training iteration {@code iteration}'s gradient of the logits gets a NaN:
     * its loss is finite, but its update leaves non-finite weights, as an overflowing step would.
     */
    static Kernels poisonedGradientAtIteration(Kernels base, long iteration) {
        return withLossBackward(base, (call, gradLogits) -> {
            if (call == iteration) {
                gradLogits[0] = Float.NaN;
            }
        });
    }

    private interface BackwardHook {
        void after(long call, float[] gradLogits);
    }

    private static Kernels withLossBackward(Kernels base, BackwardHook hook) {
        LossKernels loss = base.loss();
        LossKernels hooked = new LossKernels() {
            private long backwardCalls;

            @Override
            public double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels,
                                                     float labelSmoothing, float[] probs) {
                return loss.softmaxCrossEntropyForward(batch, classes, logits, labels, labelSmoothing, probs);
            }

            @Override
            public void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels,
                                                    float labelSmoothing, float[] gradLogits) {
                loss.softmaxCrossEntropyBackward(batch, classes, probs, labels, labelSmoothing, gradLogits);
                hook.after(backwardCalls++, gradLogits);
            }
        };
        return new Kernels(base.name(), base.vectorBits(), base.convolution(), base.batchNorm(), base.elementwise(),
                base.pooling(), base.linear(), hooked, base.shortcut());
    }
}

package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.SafeTensorsFixtures;
import org.resnet4j.nn.Module;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.Approx;

/**
 * Reads a PyTorch reference file (NCHW tensors under torchvision names) and compares resnet4j results with it,
 * printing the worst error of every comparison (target/surefire-reports/*-output.txt).
 *
 * <p>Tolerance of one comparison: {@code |actual - ref| <= tol * (max|ref| + |ref|)}, i.e. {@code atol} is
 * {@code tol} times the largest magnitude of that tensor. Float32 errors of a deep network scale with the size of the
 * values it sums, not with each element, so a near-zero element of a large tensor gets the tensor's absolute slack.
 */
record TorchReference(SafeTensorsFile file) {

    /** A committed fixture: {@code src/test/resources/fixtures/models/<name>.safetensors}. */
    static TorchReference fixture(String name) throws IOException {
        return new TorchReference(SafeTensorsFixtures.load("fixtures/models/" + name + ".safetensors"));
    }

    /** A file written at test time (the live torchvision reference). */
    static TorchReference read(Path path) throws IOException {
        return new TorchReference(SafeTensors.read(path));
    }

    float[] floats(String name) throws IOException {
        return file.floats(name);
    }

    /** A rank-4 tensor as PyTorch stored it: NCHW. */
    Tensor nchw(String name) throws IOException {
        return Tensor.wrap(file.floats(name), Shape.of(file.tensor(name).intShape()), Layout.NCHW);
    }

    int[] labels() throws IOException {
        return SafeTensorsFixtures.labels(file);
    }

    double metadataDouble(String key) throws IOException {
        return Double.parseDouble(file.metadataValue(key));
    }

    /** Compares {@code actual} with tensor {@code name} under the tolerance described on the class. */
    void check(String what, String name, float[] actual, double tol) throws IOException {
        check(what + " " + name, file.floats(name), actual, tol);
    }

    /** As {@link #check(String, String, float[], double)} for an activation, converted from NHWC (or NCHW). */
    void check(String what, String name, Tensor actual, double tol) throws IOException {
        check(what, name, actual.toLayout(Layout.NCHW).data(), tol);
    }

    /**
     * Compares every parameter gradient with {@code grad.<name>}.
     *
     * @return how many gradients were compared
     */
    int checkGradients(String what, Module module, double tol) throws IOException {
        int count = 0;
        for (var entry : module.namedParameters().entrySet()) {
            check(what, "grad." + entry.getKey(), entry.getValue().grad().data(), tol);
            count++;
        }
        assertEquals(count, file.tensors().keySet().stream().filter(n -> n.startsWith("grad.")).count(),
                what + ": the reference has gradients the model lacks");
        return count;
    }

    /** Compares every running statistic with {@code prefix + name} and every batch counter with {@code batches}. */
    void checkBuffers(String what, Module module, String prefix, double tol, long batches) throws IOException {
        for (Map.Entry<String, Tensor> entry : module.namedBuffers().entrySet()) {
            check(what, prefix + entry.getKey(), entry.getValue().data(), tol);
        }
        for (Map.Entry<String, long[]> entry : module.namedCounters().entrySet()) {
            assertEquals(file.longs(prefix + entry.getKey())[0], entry.getValue()[0], what + " " + prefix + entry.getKey());
            assertEquals(batches, entry.getValue()[0], what + " " + entry.getKey());
        }
    }

    /** Compares every parameter value with the tensor of the same name (a state dict). */
    void checkParameters(String what, Module module, double tol) throws IOException {
        for (var entry : module.namedParameters().entrySet()) {
            check(what, entry.getKey(), entry.getValue().value().data(), tol);
        }
    }

    /** The comparison itself; returns the worst {@code |error| / max|ref|}. */
    static double check(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double scale = 0;
        double worstAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worstAbs = Math.max(worstAbs, Math.abs((double) expected[i] - actual[i]));
        }
        double worstScaled = scale == 0 ? worstAbs : worstAbs / scale;
        System.out.printf(Locale.ROOT, "%-62s max|ref| %.3e  worst |err| %.3e  worst |err|/max|ref| %.3e%n", what,
                scale, worstAbs, worstScaled);
        Approx.assertAllClose(what, expected, actual, tol * scale, tol);
        return worstScaled;
    }
}

package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.nn.Module;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.TorchFixture;

/**
 * A PyTorch reference for a block or a network (NCHW tensors under torchvision names), compared with resnet4j's
 * outputs, gradients, buffers and parameters by {@link TorchFixture#assertClose}, which prints every comparison's
 * worst error (target/surefire-reports/*-output.txt).
 *
 * <p>Tolerance of one tensor: {@code atol + rtol * |ref|} with {@code rtol = tol} and {@code atol = tol * max|ref|}.
 * Float32 errors of a deep network scale with the size of the values it sums, not with each element, so a near-zero
 * element of a large tensor gets the tensor's absolute slack.
 */
record TorchReference(TorchFixture data) {

    /** A committed fixture: {@code src/test/resources/fixtures/models/<name>.safetensors}. */
    static TorchReference fixture(String name) throws IOException {
        return new TorchReference(TorchFixture.load("fixtures/models/" + name + ".safetensors"));
    }

    /** A file written at test time (the live torchvision reference). */
    static TorchReference read(Path path) throws IOException {
        return new TorchReference(TorchFixture.read(path));
    }

    SafeTensorsFile file() {
        return data.file();
    }

    /** A rank-4 tensor as PyTorch stored it: NCHW. */
    Tensor nchw(String name) throws IOException {
        return data.nchw(name);
    }

    int[] labels() throws IOException {
        return data.labels();
    }

    double metadataDouble(String key) throws IOException {
        return Double.parseDouble(data.metadata(key));
    }

    /** Compares {@code actual} with tensor {@code name} under the tolerance described on the class. */
    void check(String what, String name, float[] actual, double tol) throws IOException {
        check(what + " " + name, data.floats(name), actual, tol);
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
        assertEquals(count, data.file().tensors().keySet().stream().filter(n -> n.startsWith("grad.")).count(),
                what + ": the reference has gradients the model lacks");
        return count;
    }

    /** Compares every running statistic with {@code prefix + name} and every batch counter with {@code batches}. */
    void checkBuffers(String what, Module module, String prefix, double tol, long batches) throws IOException {
        for (Map.Entry<String, Tensor> entry : module.namedBuffers().entrySet()) {
            check(what, prefix + entry.getKey(), entry.getValue().data(), tol);
        }
        for (Map.Entry<String, long[]> entry : module.namedCounters().entrySet()) {
            assertEquals(data.file().longs(prefix + entry.getKey())[0], entry.getValue()[0],
                    what + " " + prefix + entry.getKey());
            assertEquals(batches, entry.getValue()[0], what + " " + entry.getKey());
        }
    }

    /** Compares every parameter value with the tensor of the same name (a state dict). */
    void checkParameters(String what, Module module, double tol) throws IOException {
        for (var entry : module.namedParameters().entrySet()) {
            check(what, entry.getKey(), entry.getValue().value().data(), tol);
        }
    }

    /** The comparison itself, under the tolerance described on the class. */
    static void check(String what, float[] expected, float[] actual, double tol) {
        TorchFixture.assertClose(what, expected, actual, tol * TorchFixture.maxAbs(expected), tol);
    }
}

package org.resnet4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.SafeTensorsFixtures;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Layouts;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A reference file PyTorch wrote (src/test/python): its tensors as stored (activations NCHW) or converted to the
 * kernels' NHWC, and the one comparison every PyTorch test makes, {@link #assertClose}.
 *
 * @param file the safetensors file; read-only, so a fixture may be shared between threads
 */
public record TorchFixture(SafeTensorsFile file) {

    /** A committed fixture on the test classpath, e.g. {@code fixtures/kernels/linear.safetensors}. */
    public static TorchFixture load(String resource) throws IOException {
        return new TorchFixture(SafeTensorsFixtures.load(resource));
    }

    /** A file written at test time (a live reference). */
    public static TorchFixture read(Path path) throws IOException {
        return new TorchFixture(SafeTensors.read(path));
    }

    public int[] shape(String name) throws IOException {
        return file.tensor(name).intShape();
    }

    public int size(String name) throws IOException {
        return file.tensor(name).elementCount();
    }

    /** A tensor's values as stored: parameters, {@code [N, C]} arrays, vectors, NCHW activations. */
    public float[] floats(String name) throws IOException {
        return file.floats(name);
    }

    /** A rank-4 NCHW activation as a tensor in that layout. */
    public Tensor nchw(String name) throws IOException {
        return Tensor.wrap(file.floats(name), Shape.of(shape(name)), Layout.NCHW);
    }

    /** A rank-4 NCHW activation converted to the kernels' NHWC. */
    public float[] nhwc(String name) throws IOException {
        float[] nchw = file.floats(name);
        float[] converted = new float[nchw.length];
        Layouts.convert(Shape.of(shape(name)), Layout.NCHW, nchw, Layout.NHWC, converted);
        return converted;
    }

    public int[] labels() throws IOException {
        return SafeTensorsFixtures.labels(file);
    }

    public String metadata(String key) throws IOException {
        return file.metadataValue(key);
    }

    /**
     * Asserts {@code |actual - expected| <= atol + rtol * |expected|} element by element, after printing the tensor's
     * largest magnitude, its worst error and the worst error as a fraction of what was allowed (at most 1 passes) to
     * target/surefire-reports/*-output.txt, so a tolerance can be judged from a passing run.
     */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double largest = 0;
        double worstError = 0;
        double worstFraction = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) expected[i] - actual[i]);
            largest = Math.max(largest, Math.abs(expected[i]));
            worstError = Math.max(worstError, error);
            double allowed = atol + rtol * Math.abs(expected[i]);
            worstFraction = Math.max(worstFraction, error == 0 ? 0 : allowed > 0 ? error / allowed : Double.MAX_VALUE);
        }
        System.out.printf(Locale.ROOT, "%-62s max|ref| %.3e  worst |err| %.3e  worst |err|/allowed %.2e%n", what,
                largest, worstError, worstFraction);
        Approx.assertAllClose(what, expected, actual, atol, rtol);
    }

    /** The largest magnitude in {@code values}. */
    public static double maxAbs(float[] values) {
        double largest = 0;
        for (float v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }
}

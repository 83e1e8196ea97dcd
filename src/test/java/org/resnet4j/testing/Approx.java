package org.resnet4j.testing;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison with tolerance {@code atol + rtol * |expected|}, reporting the worst element. */
public final class Approx {
    private Approx() {
    }

    public static void assertAllClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertAllClose(what, toDouble(expected), toDouble(actual), atol, rtol);
    }

    public static void assertAllClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        assertAllClose(what, expected, toDouble(actual), atol, rtol);
    }

    public static void assertAllClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(expected[i] - actual[i]);
            double allowed = atol + rtol * Math.abs(expected[i]);
            if (!(error <= allowed) && (worst < 0 || error - allowed > worstExcess || Double.isNaN(error))) {
                worst = i;
                worstExcess = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error - allowed;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d of %d is %.8g, expected %.8g (|error| %.3g > atol %.1g + rtol %.1g * |expected|)",
                    what, worst, expected.length, actual[worst], expected[worst],
                    Math.abs(expected[worst] - actual[worst]), atol, rtol));
        }
    }

    public static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}

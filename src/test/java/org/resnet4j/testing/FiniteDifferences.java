package org.resnet4j.testing;

import java.util.function.ToDoubleFunction;

/** Central finite differences in double precision: the yardstick for every backward pass. */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /**
     * The gradient of {@code loss} at {@code point}, one coordinate at a time: {@code (f(x+h) - f(x-h)) / 2h}.
     * {@code point} is restored before returning.
     */
    public static double[] gradient(double[] point, ToDoubleFunction<double[]> loss, double step) {
        double[] gradient = new double[point.length];
        for (int i = 0; i < point.length; i++) {
            double saved = point[i];
            point[i] = saved + step;
            double plus = loss.applyAsDouble(point);
            point[i] = saved - step;
            double minus = loss.applyAsDouble(point);
            point[i] = saved;
            gradient[i] = (plus - minus) / (2 * step);
        }
        return gradient;
    }

    /** {@code sum_i a[i] * b[i]} in double: projecting an output on fixed random weights gives a scalar loss. */
    public static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}

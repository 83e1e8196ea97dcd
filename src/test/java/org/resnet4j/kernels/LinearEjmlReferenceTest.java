package org.resnet4j.kernels;

import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.testing.RandomArrays;

/**
 * The linear kernels against EJML's double-precision matrix products, an implementation written and tested
 * elsewhere: {@code y = x W^T + b}, {@code gradX = gradY W}, {@code gradW = gradY^T x}, {@code gradB = colsum(gradY)}.
 */
class LinearEjmlReferenceTest {

    @ParameterizedTest(name = "{0} batch {1}, {2} -> {3}")
    @CsvSource({"scalar, 1, 64, 10", "simd, 1, 64, 10", "scalar, 7, 13, 17", "simd, 7, 13, 17", "simd, 16, 512, 100",
        "scalar, 3, 2048, 33", "simd, 3, 2048, 33"})
    void matchesEjml(String provider, int batch, int in, int out) {
        Kernels kernels = KernelSets.named(provider);
        SplittableRandom random = new SplittableRandom(batch * 1000L + in * 10L + out);
        float[] x = RandomArrays.uniform(random, batch * in);
        float[] w = RandomArrays.uniform(random, out * in);
        float[] b = RandomArrays.uniform(random, out);
        float[] gradY = RandomArrays.uniform(random, batch * out);

        DMatrixRMaj xm = matrix(batch, in, x);
        DMatrixRMaj wm = matrix(out, in, w);
        DMatrixRMaj gm = matrix(batch, out, gradY);
        DMatrixRMaj expectedY = new DMatrixRMaj(batch, out);
        CommonOps_DDRM.multTransB(xm, wm, expectedY);
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                expectedY.add(n, o, b[o]);
            }
        }
        DMatrixRMaj expectedGradX = new DMatrixRMaj(batch, in);
        CommonOps_DDRM.mult(gm, wm, expectedGradX);
        DMatrixRMaj expectedGradW = new DMatrixRMaj(out, in);
        CommonOps_DDRM.multTransA(gm, xm, expectedGradW);
        DMatrixRMaj expectedGradB = new DMatrixRMaj(1, out);
        CommonOps_DDRM.sumCols(gm, expectedGradB);

        float[] y = new float[batch * out];
        kernels.linear().forward(batch, in, out, x, w, b, y);
        float[] gradX = new float[batch * in];
        float[] gradW = new float[out * in];
        float[] gradB = new float[out];
        kernels.linear().backward(batch, in, out, x, w, gradY, gradX, gradW, gradB);

        double tolerance = 1e-6 * Math.sqrt(in);
        assertAllClose("y", expectedY.getData(), y, tolerance, 1e-5);
        assertAllClose("gradX", expectedGradX.getData(), gradX, 1e-6 * Math.sqrt(out), 1e-5);
        assertAllClose("gradW", expectedGradW.getData(), gradW, 1e-6 * Math.sqrt(batch), 1e-5);
        assertAllClose("gradB", expectedGradB.getData(), gradB, 1e-6 * Math.sqrt(batch), 1e-5);
    }

    private static DMatrixRMaj matrix(int rows, int cols, float[] values) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < values.length; i++) {
            m.data[i] = values[i];
        }
        return m;
    }
}

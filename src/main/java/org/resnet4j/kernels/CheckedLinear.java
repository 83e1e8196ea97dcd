package org.resnet4j.kernels;

import static org.resnet4j.kernels.KernelChecks.require;
import static org.resnet4j.kernels.KernelChecks.requireOptional;
import static org.resnet4j.kernels.KernelChecks.requirePositive;

import java.util.function.Supplier;

/** {@link LinearKernels} with every array checked against {@code batch, in, out}, then the implementation's pass. */
final class CheckedLinear implements LinearKernels {
    private final LinearKernels kernels;

    private CheckedLinear(LinearKernels kernels) {
        this.kernels = kernels;
    }

    static LinearKernels wrap(LinearKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("the linear kernels are null");
        }
        return kernels instanceof CheckedLinear ? kernels : new CheckedLinear(kernels);
    }

    @Override
    public void forward(int batch, int in, int out, float[] x, float[] weight, float[] bias, float[] y) {
        String kernel = "linear forward";
        Supplier<String> sizes = requireSizes(kernel, batch, in, out);
        require(kernel, "x", x, (long) batch * in, sizes);
        require(kernel, "weight", weight, (long) out * in, sizes);
        requireOptional(kernel, "bias", bias, out, sizes);
        require(kernel, "y", y, (long) batch * out, sizes);
        kernels.forward(batch, in, out, x, weight, bias, y);
    }

    @Override
    public void backward(int batch, int in, int out, float[] x, float[] weight, float[] gradY, float[] gradX,
                         float[] gradWeight, float[] gradBias) {
        String kernel = "linear backward";
        Supplier<String> sizes = requireSizes(kernel, batch, in, out);
        require(kernel, "x", x, (long) batch * in, sizes);
        require(kernel, "weight", weight, (long) out * in, sizes);
        require(kernel, "gradY", gradY, (long) batch * out, sizes);
        requireOptional(kernel, "gradX", gradX, (long) batch * in, sizes);
        require(kernel, "gradWeight", gradWeight, (long) out * in, sizes);
        requireOptional(kernel, "gradBias", gradBias, out, sizes);
        kernels.backward(batch, in, out, x, weight, gradY, gradX, gradWeight, gradBias);
    }

    private static Supplier<String> requireSizes(String kernel, int batch, int in, int out) {
        requirePositive(kernel, "batch", batch);
        requirePositive(kernel, "in", in);
        requirePositive(kernel, "out", out);
        return () -> "batch " + batch + ", in " + in + ", out " + out;
    }
}

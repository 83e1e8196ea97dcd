package org.resnet4j.kernels;

import static org.resnet4j.kernels.KernelChecks.require;
import static org.resnet4j.kernels.KernelChecks.requirePositive;
import static org.resnet4j.kernels.KernelChecks.requireShape;

import java.util.function.Supplier;

/** {@link PoolingKernels} with every array checked against the geometry or sizes, then the implementation's pass. */
final class CheckedPooling implements PoolingKernels {
    private final PoolingKernels kernels;

    private CheckedPooling(PoolingKernels kernels) {
        this.kernels = kernels;
    }

    static PoolingKernels wrap(PoolingKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("the pooling kernels are null");
        }
        return kernels instanceof CheckedPooling ? kernels : new CheckedPooling(kernels);
    }

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        String kernel = "max pool forward";
        requireShape(kernel, g);
        require(kernel, "x", x, g.inputSize(), g::toString);
        require(kernel, "y", y, g.outputSize(), g::toString);
        require(kernel, "argmax", argmax, g.outputSize(), g::toString);
        kernels.maxPoolForward(g, x, y, argmax);
    }

    /** The indices in {@code argmax} are not checked (that would be a pass over them): forward wrote them. */
    @Override
    public void maxPoolBackward(PoolGeometry g, float[] gradY, int[] argmax, float[] gradX) {
        String kernel = "max pool backward";
        requireShape(kernel, g);
        require(kernel, "gradY", gradY, g.outputSize(), g::toString);
        require(kernel, "argmax", argmax, g.outputSize(), g::toString);
        require(kernel, "gradX", gradX, g.inputSize(), g::toString);
        kernels.maxPoolBackward(g, gradY, argmax, gradX);
    }

    @Override
    public void globalAvgPoolForward(int batch, int plane, int channels, float[] x, float[] y) {
        String kernel = "global average pool forward";
        Supplier<String> sizes = requireSizes(kernel, batch, plane, channels);
        require(kernel, "x", x, KernelChecks.product(batch, plane, channels, 1), sizes);
        require(kernel, "y", y, (long) batch * channels, sizes);
        kernels.globalAvgPoolForward(batch, plane, channels, x, y);
    }

    @Override
    public void globalAvgPoolBackward(int batch, int plane, int channels, float[] gradY, float[] gradX) {
        String kernel = "global average pool backward";
        Supplier<String> sizes = requireSizes(kernel, batch, plane, channels);
        require(kernel, "gradY", gradY, (long) batch * channels, sizes);
        require(kernel, "gradX", gradX, KernelChecks.product(batch, plane, channels, 1), sizes);
        kernels.globalAvgPoolBackward(batch, plane, channels, gradY, gradX);
    }

    private static Supplier<String> requireSizes(String kernel, int batch, int plane, int channels) {
        requirePositive(kernel, "batch", batch);
        requirePositive(kernel, "plane", plane);
        requirePositive(kernel, "channels", channels);
        return () -> "batch " + batch + " x plane " + plane + " x " + channels + " channels";
    }
}

package org.resnet4j.kernels;

import static org.resnet4j.kernels.KernelChecks.require;

import java.util.function.Supplier;

/** {@link ElementwiseKernels} with every array checked against {@code length}, then the implementation's pass. */
final class CheckedElementwise implements ElementwiseKernels {
    private final ElementwiseKernels kernels;

    private CheckedElementwise(ElementwiseKernels kernels) {
        this.kernels = kernels;
    }

    static ElementwiseKernels wrap(ElementwiseKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("the elementwise kernels are null");
        }
        return kernels instanceof CheckedElementwise ? kernels : new CheckedElementwise(kernels);
    }

    @Override
    public void reluForward(int length, float[] x, float[] y) {
        String kernel = "relu forward";
        Supplier<String> sizes = requireLength(kernel, length);
        require(kernel, "x", x, length, sizes);
        require(kernel, "y", y, length, sizes);
        kernels.reluForward(length, x, y);
    }

    @Override
    public void reluBackward(int length, float[] y, float[] gradY, float[] gradX) {
        String kernel = "relu backward";
        Supplier<String> sizes = requireLength(kernel, length);
        require(kernel, "y", y, length, sizes);
        require(kernel, "gradY", gradY, length, sizes);
        require(kernel, "gradX", gradX, length, sizes);
        kernels.reluBackward(length, y, gradY, gradX);
    }

    @Override
    public void add(int length, float[] a, float[] b, float[] out) {
        String kernel = "add";
        Supplier<String> sizes = requireLength(kernel, length);
        require(kernel, "a", a, length, sizes);
        require(kernel, "b", b, length, sizes);
        require(kernel, "out", out, length, sizes);
        kernels.add(length, a, b, out);
    }

    @Override
    public void addRelu(int length, float[] a, float[] b, float[] out) {
        String kernel = "add relu";
        Supplier<String> sizes = requireLength(kernel, length);
        require(kernel, "a", a, length, sizes);
        require(kernel, "b", b, length, sizes);
        require(kernel, "out", out, length, sizes);
        kernels.addRelu(length, a, b, out);
    }

    @Override
    public void sgdUpdate(int length, float[] weight, float[] grad, float[] velocity, float lr, float momentum,
                          float weightDecay, boolean nesterov) {
        String kernel = "sgd update";
        Supplier<String> sizes = requireLength(kernel, length);
        require(kernel, "weight", weight, length, sizes);
        require(kernel, "grad", grad, length, sizes);
        require(kernel, "velocity", velocity, length, sizes);
        kernels.sgdUpdate(length, weight, grad, velocity, lr, momentum, weightDecay, nesterov);
    }

    /** Rejects a negative length (the loops would silently do nothing); returns the description of the call. */
    private static Supplier<String> requireLength(String kernel, int length) {
        if (length < 0) {
            throw new IllegalArgumentException(kernel + ": length must be >= 0, got " + length);
        }
        return () -> "length " + length;
    }
}

package org.resnet4j.kernels;

import static org.resnet4j.kernels.KernelChecks.require;
import static org.resnet4j.kernels.KernelChecks.requirePositive;

import java.util.function.Supplier;

/**
 * {@link ShortcutKernels} with the channel and stride rule and every array checked against the sizes, then the
 * implementation's pass.
 */
final class CheckedShortcut implements ShortcutKernels {
    private final ShortcutKernels kernels;

    private CheckedShortcut(ShortcutKernels kernels) {
        this.kernels = kernels;
    }

    static ShortcutKernels wrap(ShortcutKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("the shortcut kernels are null");
        }
        return kernels instanceof CheckedShortcut ? kernels : new CheckedShortcut(kernels);
    }

    @Override
    public void subsampleZeroPadForward(int batch, int inChannels, int height, int width, int outChannels, int stride,
                                        float[] x, float[] y) {
        String kernel = "option-A shortcut forward";
        Supplier<String> sizes = requireSizes(kernel, batch, inChannels, height, width, outChannels, stride);
        require(kernel, "x", x, KernelChecks.product(batch, height, width, inChannels), sizes);
        require(kernel, "y", y, outputSize(batch, height, width, outChannels, stride), sizes);
        kernels.subsampleZeroPadForward(batch, inChannels, height, width, outChannels, stride, x, y);
    }

    @Override
    public void subsampleZeroPadBackward(int batch, int inChannels, int height, int width, int outChannels,
                                         int stride, float[] gradY, float[] gradX) {
        String kernel = "option-A shortcut backward";
        Supplier<String> sizes = requireSizes(kernel, batch, inChannels, height, width, outChannels, stride);
        require(kernel, "gradY", gradY, outputSize(batch, height, width, outChannels, stride), sizes);
        require(kernel, "gradX", gradX, KernelChecks.product(batch, height, width, inChannels), sizes);
        kernels.subsampleZeroPadBackward(batch, inChannels, height, width, outChannels, stride, gradY, gradX);
    }

    private static long outputSize(int batch, int height, int width, int outChannels, int stride) {
        return KernelChecks.product(batch, (height - 1) / stride + 1, (width - 1) / stride + 1, outChannels);
    }

    private static Supplier<String> requireSizes(String kernel, int batch, int inChannels, int height, int width,
                                                 int outChannels, int stride) {
        // The option-A shortcut only ever adds channels.
        if (outChannels < inChannels || stride < 1) {
            throw new IllegalArgumentException(kernel + ": needs outChannels >= inChannels and stride >= 1, got "
                    + inChannels + " -> " + outChannels + " channels, stride " + stride);
        }
        requirePositive(kernel, "batch", batch);
        requirePositive(kernel, "inChannels", inChannels);
        requirePositive(kernel, "height", height);
        requirePositive(kernel, "width", width);
        return () -> "batch " + batch + ", " + inChannels + " -> " + outChannels + " channels, " + height + "x"
                + width + ", stride " + stride;
    }
}

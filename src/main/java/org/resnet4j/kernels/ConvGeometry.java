package org.resnet4j.kernels;

/**
 * The shape of one 2-d convolution: batch, input channels and size, output channels, kernel size, stride and zero
 * padding (the same on both sides, as PyTorch's {@code padding=p}).
 *
 * <p>Immutable; safe to share between threads.
 */
public record ConvGeometry(int batch, int inChannels, int inHeight, int inWidth, int outChannels,
                           int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                           int padHeight, int padWidth) {

    public ConvGeometry {
        requirePositive("batch", batch);
        requirePositive("inChannels", inChannels);
        requirePositive("inHeight", inHeight);
        requirePositive("inWidth", inWidth);
        requirePositive("outChannels", outChannels);
        requirePositive("kernelHeight", kernelHeight);
        requirePositive("kernelWidth", kernelWidth);
        requirePositive("strideHeight", strideHeight);
        requirePositive("strideWidth", strideWidth);
        if (padHeight < 0 || padWidth < 0) {
            throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + padHeight + "x" + padWidth);
        }
        // In long: 2 * padding wraps around for huge paddings, and a wrapped size would pass these checks (wrong results).
        long paddedHeight = inHeight + 2L * padHeight;
        long paddedWidth = inWidth + 2L * padWidth;
        if (paddedHeight > Integer.MAX_VALUE || paddedWidth > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d: padding " + padHeight + "x" + padWidth + " makes the padded input "
                    + paddedHeight + "x" + paddedWidth + ", more than 2^31 - 1 rows or columns");
        }
        if (paddedHeight < kernelHeight || paddedWidth < kernelWidth) {
            throw new IllegalArgumentException("conv2d: kernel " + kernelHeight + "x" + kernelWidth
                    + " is larger than the padded input " + paddedHeight + "x" + paddedWidth);
        }
        // The sizes are array lengths: an int product that wrapped around would pass every length check.
        requireArray("input", batch, inHeight, inWidth, inChannels);
        requireArray("output", batch, (int) ((paddedHeight - kernelHeight) / strideHeight + 1),
                (int) ((paddedWidth - kernelWidth) / strideWidth + 1), outChannels);
        requireArray("weight", outChannels, inChannels, kernelHeight, kernelWidth);
    }

    /** A square kernel with equal stride and padding in both directions. */
    public static ConvGeometry square(int batch, int inChannels, int inHeight, int inWidth, int outChannels,
                                      int kernel, int stride, int pad) {
        return new ConvGeometry(batch, inChannels, inHeight, inWidth, outChannels, kernel, kernel, stride, stride,
                pad, pad);
    }

    public int outHeight() {
        return (int) ((inHeight + 2L * padHeight - kernelHeight) / strideHeight + 1);
    }

    public int outWidth() {
        return (int) ((inWidth + 2L * padWidth - kernelWidth) / strideWidth + 1);
    }

    public int inputSize() {
        return batch * inHeight * inWidth * inChannels;
    }

    public int outputSize() {
        return batch * outHeight() * outWidth() * outChannels;
    }

    public int weightSize() {
        return outChannels * inChannels * kernelHeight * kernelWidth;
    }

    /** Multiply-adds of one forward pass. */
    public long multiplyAdds() {
        return (long) batch * outHeight() * outWidth() * outChannels * inChannels * kernelHeight * kernelWidth;
    }

    private static void requireArray(String name, int a, int b, int c, int d) {
        if (KernelChecks.product(a, b, c, d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d: the " + name + " of " + a + "x" + b + "x" + c + "x" + d
                    + " values would exceed the largest Java array (2^31 - 1)");
        }
    }

    static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("conv2d: " + name + " must be >= 1, got " + value);
        }
    }
}

package org.resnet4j.kernels;

/**
 * The shape of one max pooling: batch, channels, input size, square window, stride and zero padding. Immutable; safe to
 * share between threads.
 */
public record PoolGeometry(int batch, int channels, int inHeight, int inWidth, int window, int stride, int pad) {

    public PoolGeometry {
        if (batch <= 0 || channels <= 0 || inHeight <= 0 || inWidth <= 0 || window <= 0 || stride <= 0) {
            throw new IllegalArgumentException("max pool: sizes must be >= 1, got batch=" + batch + " channels="
                    + channels + " input=" + inHeight + "x" + inWidth + " window=" + window + " stride=" + stride);
        }
        // In long: 2 * pad wraps around for huge paddings, and a wrapped size would pass these checks (all -inf out).
        if (pad < 0 || 2L * pad > window) {
            throw new IllegalArgumentException("max pool: padding must be in [0, window/2], got " + pad
                    + " for window " + window);
        }
        long paddedHeight = inHeight + 2L * pad;
        long paddedWidth = inWidth + 2L * pad;
        if (paddedHeight > Integer.MAX_VALUE || paddedWidth > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max pool: padding " + pad + " makes the padded input " + paddedHeight
                    + "x" + paddedWidth + ", more than 2^31 - 1 rows or columns");
        }
        if (paddedHeight < window || paddedWidth < window) {
            throw new IllegalArgumentException("max pool: window " + window + " is larger than the padded input "
                    + paddedHeight + "x" + paddedWidth);
        }
        // The sizes are array lengths: an int product that wrapped around would pass every length check.
        if (KernelChecks.product(batch, inHeight, inWidth, channels) > Integer.MAX_VALUE
                || KernelChecks.product(batch, (int) ((paddedHeight - window) / stride + 1),
                        (int) ((paddedWidth - window) / stride + 1), channels) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max pool: the input of " + batch + "x" + inHeight + "x" + inWidth + "x"
                    + channels + " values or its output would exceed the largest Java array (2^31 - 1)");
        }
    }

    public int outHeight() {
        return (int) ((inHeight + 2L * pad - window) / stride + 1);
    }

    public int outWidth() {
        return (int) ((inWidth + 2L * pad - window) / stride + 1);
    }

    public int inputSize() {
        return batch * inHeight * inWidth * channels;
    }

    public int outputSize() {
        return batch * outHeight() * outWidth() * channels;
    }
}

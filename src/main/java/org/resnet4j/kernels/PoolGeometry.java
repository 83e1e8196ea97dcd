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
        if (pad < 0 || 2 * pad > window) {
            throw new IllegalArgumentException("max pool: padding must be in [0, window/2], got " + pad
                    + " for window " + window);
        }
        if (inHeight + 2 * pad < window || inWidth + 2 * pad < window) {
            throw new IllegalArgumentException("max pool: window " + window + " is larger than the padded input "
                    + (inHeight + 2 * pad) + "x" + (inWidth + 2 * pad));
        }
        // The sizes are array lengths: an int product that wrapped around would pass every length check.
        if (KernelChecks.product(batch, inHeight, inWidth, channels) > Integer.MAX_VALUE
                || KernelChecks.product(batch, (inHeight + 2 * pad - window) / stride + 1,
                        (inWidth + 2 * pad - window) / stride + 1, channels) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("max pool: the input of " + batch + "x" + inHeight + "x" + inWidth + "x"
                    + channels + " values or its output would exceed the largest Java array (2^31 - 1)");
        }
    }

    public int outHeight() {
        return (inHeight + 2 * pad - window) / stride + 1;
    }

    public int outWidth() {
        return (inWidth + 2 * pad - window) / stride + 1;
    }

    public int inputSize() {
        return batch * inHeight * inWidth * channels;
    }

    public int outputSize() {
        return batch * outHeight() * outWidth() * channels;
    }
}

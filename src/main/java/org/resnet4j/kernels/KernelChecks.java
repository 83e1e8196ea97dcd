package org.resnet4j.kernels;

import java.util.function.Supplier;

/**
 * The argument checks of the checked kernel families. A failure names the kernel, the argument, its length and what
 * the call's sizes need: a short array would otherwise fail deep inside a loop with an index that names nothing, or
 * not at all (a long-enough array of the wrong shape). Every check is O(1); the sizes are described only on failure.
 */
final class KernelChecks {
    private KernelChecks() {
    }

    /** {@code array} holds at least {@code needed} values. */
    static void require(String kernel, String name, float[] array, long needed, Supplier<String> sizes) {
        requireNonNull(kernel, name, array, sizes);
        requireLength(kernel, name, array.length, needed, sizes);
    }

    /** {@code array} holds at least {@code needed} values. */
    static void require(String kernel, String name, int[] array, long needed, Supplier<String> sizes) {
        requireNonNull(kernel, name, array, sizes);
        requireLength(kernel, name, array.length, needed, sizes);
    }

    /** {@code array} is null (an optional bias or gradient) or holds at least {@code needed} values. */
    static void requireOptional(String kernel, String name, float[] array, long needed, Supplier<String> sizes) {
        if (array != null) {
            requireLength(kernel, name, array.length, needed, sizes);
        }
    }

    static <T> T requireShape(String kernel, T shape) {
        if (shape == null) {
            throw new IllegalArgumentException(kernel + ": the geometry is null");
        }
        return shape;
    }

    static void requirePositive(String kernel, String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(kernel + ": " + name + " must be >= 1, got " + value);
        }
    }

    /**
     * {@code a * b * c * d} for sizes already checked positive, or {@link Long#MAX_VALUE} once it passes the largest
     * array (so that no product of large ints wraps around into a length that passes).
     */
    static long product(int a, int b, int c, int d) {
        long product = (long) a * b;
        if (product > Integer.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        product *= c;
        // Below 2^31 before each factor, which is below 2^31: no long overflows.
        return product > Integer.MAX_VALUE ? Long.MAX_VALUE : product * d;
    }

    private static void requireNonNull(String kernel, String name, Object array, Supplier<String> sizes) {
        if (array == null) {
            throw new IllegalArgumentException(kernel + ": " + name + " is null (" + sizes.get() + ")");
        }
    }

    private static void requireLength(String kernel, String name, int length, long needed, Supplier<String> sizes) {
        if (length < needed) {
            String needs = needed > Integer.MAX_VALUE ? "more than the largest array" : Long.toString(needed);
            throw new IllegalArgumentException(kernel + ": " + name + " has " + length + " values, needs " + needs
                    + " for " + sizes.get());
        }
    }
}

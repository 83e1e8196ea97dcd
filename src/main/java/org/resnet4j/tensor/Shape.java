package org.resnet4j.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape. Every dimension is at least 1 and the element count fits in an {@code int}, because a
 * tensor's values live in one Java array.
 *
 * <p>Immutable ({@link #dims()} returns a copy); safe to share between threads.
 */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(dims) + ": dimension " + i + " is " + dims[i] + ", must be >= 1");
            }
            count *= dims[i];
            if (count > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(dims) + " has more elements than one Java array can hold");
            }
        }
        this.size = (int) count;
    }

    /** A shape with the given dimensions; a zero-length argument gives the scalar shape {@code []}. */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /**
     * The number of values in a batch of {@code count} items of the given dimensions: the length of the one array that
     * holds them ({@code count} may be 0). Refused where a shape would be, naming the batch ("a batch of 5000 images of
     * 3x384x384 values") so that the caller's message says what was too large.
     *
     * @param items what the batch holds, plural, for example {@code "images"}
     */
    public static int batchLength(String items, int count, int... itemDims) {
        int[] dims = new int[itemDims.length + 1];
        dims[0] = Math.max(count, 1);
        System.arraycopy(itemDims, 0, dims, 1, itemDims.length);
        try {
            if (count < 0) {
                throw new IllegalArgumentException("the count is negative");
            }
            int oneOrMore = new Shape(dims).size();
            return count == 0 ? 0 : oneOrMore;
        } catch (IllegalArgumentException e) {
            StringBuilder item = new StringBuilder();
            for (int d : itemDims) {
                item.append(item.isEmpty() ? "" : "x").append(d);
            }
            throw new IllegalArgumentException("a batch of " + count + " " + items + " of " + item + " values: "
                    + e.getMessage() + " (use a smaller batch or smaller " + items + ")", e);
        }
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return dims[axis];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int size() {
        return size;
    }

    /**
     * Checks that this shape has the given rank.
     *
     * @param operation named in the error, for example {@code "conv2d input"}
     */
    public Shape requireRank(int rank, String operation) {
        if (dims.length != rank) {
            throw new IllegalArgumentException(operation + ": expected a rank-" + rank + " shape, got " + this);
        }
        return this;
    }

    /** Checks that this shape equals {@code expected}, naming both shapes and the operation otherwise. */
    public Shape requireEqual(Shape expected, String operation) {
        if (!equals(expected)) {
            throw new IllegalArgumentException(operation + ": expected shape " + expected + ", got " + this);
        }
        return this;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}

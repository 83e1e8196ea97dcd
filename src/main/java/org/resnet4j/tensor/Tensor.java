package org.resnet4j.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: an immutable logical shape, a layout, and one flat array of values that the tensor owns.
 * The values are mutable (kernels write into them); the shape and layout never change.
 *
 * <p>Not synchronized: several threads may read one tensor at once, but a write (a kernel, {@link #fill}, {@link #set},
 * {@link #copyFrom}) must not overlap any other use of its values, nor of a tensor sharing its array ({@link #wrap},
 * {@link #reshape}, {@link #data()}).
 */
public final class Tensor {
    private final Shape shape;
    private final Layout layout;
    private final float[] data;

    private Tensor(Shape shape, Layout layout, float[] data) {
        if (layout != Layout.NCHW && shape.rank() != 4) {
            throw new IllegalArgumentException("layout " + layout + " needs a rank-4 shape, got " + shape);
        }
        if (data.length != shape.size()) {
            throw new IllegalArgumentException(
                    "shape " + shape + " holds " + shape.size() + " values, but the array has " + data.length);
        }
        this.shape = shape;
        this.layout = layout;
        this.data = data;
    }

    /** A tensor of zeros in row-major (NCHW) order. */
    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims), Layout.NCHW);
    }

    public static Tensor zeros(Shape shape, Layout layout) {
        return new Tensor(shape, layout, new float[shape.size()]);
    }

    /** Wraps {@code data} (not copied) as a row-major tensor of the given shape. */
    public static Tensor wrap(float[] data, int... dims) {
        return new Tensor(Shape.of(dims), Layout.NCHW, data);
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape and layout. */
    public static Tensor wrap(float[] data, Shape shape, Layout layout) {
        return new Tensor(shape, layout, data);
    }

    public Shape shape() {
        return shape;
    }

    public Layout layout() {
        return layout;
    }

    /** The backing array itself (not a copy): writes show through. */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    /** Element (n, c, h, w) of a rank-4 tensor, whatever its layout. */
    public float get(int n, int c, int h, int w) {
        return data[index4(n, c, h, w)];
    }

    public void set(int n, int c, int h, int w, float value) {
        data[index4(n, c, h, w)] = value;
    }

    private int index4(int n, int c, int h, int w) {
        shape.requireRank(4, "4-d element access");
        int channels = shape.dim(1), height = shape.dim(2), width = shape.dim(3);
        if (n < 0 || n >= shape.dim(0) || c < 0 || c >= channels || h < 0 || h >= height || w < 0 || w >= width) {
            throw new IndexOutOfBoundsException(
                    "index (" + n + ", " + c + ", " + h + ", " + w + ") is outside shape " + shape);
        }
        return layout.index(channels, height, width, n, c, h, w);
    }

    /** This tensor if it already has {@code target} layout, otherwise a copy in that layout. */
    public Tensor toLayout(Layout target) {
        if (target == layout) {
            return this;
        }
        Tensor result = zeros(shape, target);
        Layouts.convert(shape, layout, data, target, result.data);
        return result;
    }

    /** A copy with its own array. */
    public Tensor copy() {
        return new Tensor(shape, layout, data.clone());
    }

    /** A tensor sharing this one's values under a new shape of the same size (row-major layouts only). */
    public Tensor reshape(int... dims) {
        Shape target = Shape.of(dims);
        if (layout != Layout.NCHW) {
            throw new IllegalArgumentException("reshape " + shape + " -> " + target + ": needs NCHW layout, have " + layout);
        }
        if (target.size() != shape.size()) {
            throw new IllegalArgumentException("reshape " + shape + " -> " + target + ": element counts differ");
        }
        return new Tensor(target, layout, data);
    }

    public void fill(float value) {
        Arrays.fill(data, value);
    }

    /** Copies {@code source}'s values into this tensor; shapes and layouts must match. */
    public void copyFrom(Tensor source) {
        source.shape.requireEqual(shape, "copyFrom");
        if (source.layout != layout) {
            Layouts.convert(shape, source.layout, source.data, layout, data);
        } else {
            System.arraycopy(source.data, 0, data, 0, data.length);
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + (shape.rank() == 4 ? " " + layout : "");
    }
}

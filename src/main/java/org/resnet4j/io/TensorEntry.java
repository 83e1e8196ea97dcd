package org.resnet4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One named tensor as the safetensors format stores it: element type, shape (row-major, as PyTorch; an empty shape
 * is a 0-dim scalar holding one value) and the raw little-endian bytes. The shape is copied; {@code data} is not
 * (tensors can be large), so callers must not change it afterwards.
 *
 * <p>Safe to share between threads once built, as long as no caller writes the bytes: {@link #data()} returns the array
 * itself, not a copy ({@link #shape()} and the conversions return new arrays).
 *
 * @param data exactly {@code elementCount() * dtype.byteSize()} bytes
 */
public record TensorEntry(String name, DType dtype, long[] shape, byte[] data) {

    public TensorEntry {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a tensor name must be a non-empty string");
        }
        if (name.equals(SafeTensorsFile.METADATA_KEY)) {
            throw new IllegalArgumentException("a tensor cannot be named " + SafeTensorsFile.METADATA_KEY);
        }
        if (dtype == null || shape == null || data == null) {
            throw new IllegalArgumentException("tensor '" + name + "': dtype, shape and data must not be null");
        }
        shape = shape.clone();
        long expected = byteCount(name, dtype, shape);
        if (data.length != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + " " + Arrays.toString(shape)
                    + " needs " + expected + " bytes, got " + data.length);
        }
    }

    /** An F32 tensor of the given shape holding {@code values} (encoded now, so later changes to them don't show). */
    public static TensorEntry ofFloats(String name, int[] shape, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return new TensorEntry(name, DType.F32, toLong(shape), buffer.array());
    }

    /** An I64 tensor of the given shape ({@code new int[0]} for a scalar) holding {@code values}. */
    public static TensorEntry ofLongs(String name, int[] shape, long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, Long.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return new TensorEntry(name, DType.I64, toLong(shape), buffer.array());
    }

    /** A 0-dim I64 tensor, as PyTorch stores BatchNorm's {@code num_batches_tracked}. */
    public static TensorEntry scalarLong(String name, long value) {
        return ofLongs(name, new int[0], new long[] {value});
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape as {@code int}s (every dimension of a tensor held in one Java array fits). */
    public int[] intShape() {
        int[] dims = new int[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = Math.toIntExact(shape[i]);
        }
        return dims;
    }

    public int rank() {
        return shape.length;
    }

    /** The product of the dimensions: 1 for a 0-dim tensor, 0 when any dimension is 0. */
    public int elementCount() {
        return data.length / dtype.byteSize();
    }

    /**
     * The values as floats: F32 as is, F64 rounded to nearest, F16 and BF16 widened exactly.
     *
     * @throws SafeTensorsException for any other element type, and for an F64 value beyond a float's range (naming
     *     the tensor, the index and the value)
     */
    public float[] toFloats() throws SafeTensorsException {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[elementCount()];
        switch (dtype) {
            case F32 -> buffer.asFloatBuffer().get(values);
            case F64 -> {
                for (int i = 0; i < values.length; i++) {
                    double value = buffer.getDouble(i * Double.BYTES);
                    values[i] = (float) value;
                    // Rounding would make it an infinity, a value the file does not hold.
                    if (Float.isInfinite(values[i]) && Double.isFinite(value)) {
                        throw new SafeTensorsException("tensor '" + Printable.of(name) + "' holds " + value
                                + " at index " + i + ", which a float cannot hold (its largest is " + Float.MAX_VALUE
                                + ")");
                    }
                }
            }
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(buffer.getShort(i * 2));
                }
            }
            // bfloat16 is the top half of a float32.
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((buffer.getShort(i * 2) & 0xFFFF) << 16);
                }
            }
            default -> throw new SafeTensorsException("tensor '" + Printable.of(name) + "' has dtype " + dtype
                    + ", which cannot be read as float (F32, F64, F16 or BF16 can)");
        }
        return values;
    }

    /** True when {@link #toFloats()} reads this element type (F32, F64, F16 or BF16). */
    boolean readableAsFloats() {
        return dtype == DType.F32 || dtype == DType.F64 || dtype == DType.F16 || dtype == DType.BF16;
    }

    /**
     * The values as longs: I64 as is, narrower integer types and BOOL widened, U64 when every value fits.
     *
     * @throws SafeTensorsException for floating-point element types and U64 values above {@link Long#MAX_VALUE}
     */
    public long[] toLongs() throws SafeTensorsException {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (dtype) {
                case I64, U64 -> buffer.getLong(i * 8);
                case I32 -> buffer.getInt(i * 4);
                case U32 -> buffer.getInt(i * 4) & 0xFFFF_FFFFL;
                case I16 -> buffer.getShort(i * 2);
                case U16 -> buffer.getShort(i * 2) & 0xFFFF;
                case I8 -> buffer.get(i);
                case U8, BOOL -> buffer.get(i) & 0xFF;
                default -> throw new SafeTensorsException("tensor '" + Printable.of(name) + "' has dtype " + dtype
                        + ", which cannot be read as integers");
            };
            if (dtype == DType.U64 && values[i] < 0) {
                throw new SafeTensorsException("tensor '" + Printable.of(name) + "': U64 value "
                        + Long.toUnsignedString(values[i]) + " at index " + i
                        + " does not fit in a signed 64-bit long");
            }
        }
        return values;
    }

    /** Bytes a tensor of this type and shape takes; rejects negative dimensions and sizes over one Java array. */
    static long byteCount(String name, DType dtype, long[] shape) {
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': dimension " + i + " of shape "
                        + Arrays.toString(shape) + " is negative");
            }
            count = multiplyOrMax(count, shape[i]);
        }
        long bytes = multiplyOrMax(count, dtype.byteSize());
        if (bytes > SafeTensorsFile.MAX_TENSOR_BYTES) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + " " + Arrays.toString(shape)
                    + " is larger than one Java array can hold");
        }
        return bytes;
    }

    /** {@code a * b} for non-negative operands, saturating at {@link Long#MAX_VALUE} instead of overflowing. */
    static long multiplyOrMax(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    private static long[] toLong(int[] shape) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape[i];
        }
        return dims;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorEntry e && name.equals(e.name) && dtype == e.dtype
                && Arrays.equals(shape, e.shape) && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TensorEntry[" + name + " " + dtype + " " + Arrays.toString(shape) + "]";
    }
}

package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Widening of F16, BF16 and F64 to float, and of the integer types to long, against hand-computed values. */
class SafeTensorsDecodeTest {

    private static TensorEntry shorts(DType dtype, int... bits) {
        ByteBuffer buffer = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int b : bits) {
            buffer.putShort((short) b);
        }
        return new TensorEntry("t", dtype, new long[] {bits.length}, buffer.array());
    }

    @Test
    void halfPrecision() throws Exception {
        TensorEntry half = shorts(DType.F16, 0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x0400, 0x8000, 0x7C00, 0xFC00);
        float[] expected = {1f, -2f, 0.333251953125f, 65504f, 0x1p-24f, 0x1p-14f, -0f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY};
        assertArrayEquals(expected, half.toFloats());
        assertArrayEquals(new float[] {Float.NaN}, shorts(DType.F16, 0x7E00).toFloats());
    }

    @Test
    void bfloat16() throws Exception {
        TensorEntry brain = shorts(DType.BF16, 0x3F80, 0xC2F7, 0x4049, 0x0001, 0xFF80, 0x7F7F);
        float[] expected = {1f, -123.5f, 3.140625f, Float.intBitsToFloat(0x0001_0000), Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0x7F7F_0000)};
        assertArrayEquals(expected, brain.toFloats());
    }

    @Test
    void doublePrecisionRoundsToNearestFloat() throws Exception {
        TensorEntry wide = doubles(0.1, -2.5, Double.POSITIVE_INFINITY, 1.0 / 3, 1e-50);
        assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY, 1f / 3, 0f}, wide.toFloats());
    }

    /** Rounded, 1e300 became an infinity: a value the file does not hold, read as if it did. */
    @Test
    void aDoubleBeyondAFloatsRangeIsRefusedNamingTheTensorAndIndex() {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> doubles(0.1, -1e300).toFloats());
        assertEquals("tensor 'd' holds -1.0E300 at index 1, which a float cannot hold (its largest is 3.4028235E38)",
                e.getMessage());
    }

    private static TensorEntry doubles(double... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            buffer.putDouble(v);
        }
        return new TensorEntry("d", DType.F64, new long[] {values.length}, buffer.array());
    }

    @Test
    void integerTypesWiden() throws Exception {
        byte[] bytes = {(byte) 0xFF, 0x01};
        assertArrayEquals(new long[] {255, 1}, new TensorEntry("u", DType.U8, new long[] {2}, bytes).toLongs());
        assertArrayEquals(new long[] {-1, 1}, new TensorEntry("i", DType.I8, new long[] {2}, bytes).toLongs());
        assertArrayEquals(new long[] {0x01FF}, new TensorEntry("s", DType.I16, new long[] {1}, bytes).toLongs());
        byte[] four = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertArrayEquals(new long[] {-2}, new TensorEntry("i", DType.I32, new long[] {}, four).toLongs());
        assertArrayEquals(new long[] {0xFFFF_FFFEL}, new TensorEntry("u", DType.U32, new long[] {}, four).toLongs());
        byte[] eight = new byte[8];
        eight[7] = (byte) 0x80;
        assertThrows(SafeTensorsException.class,
                () -> new TensorEntry("big", DType.U64, new long[] {}, eight).toLongs());
        assertArrayEquals(new long[] {Long.MIN_VALUE},
                new TensorEntry("min", DType.I64, new long[] {}, eight).toLongs());
    }

    @Test
    void matchesPyTorchsOwnConversions() throws Exception {
        SafeTensorsFile file = SafeTensorsFixtures.load("fixtures/io/dtypes.safetensors");
        for (String type : new String[] {"f16", "bf16", "f64"}) {
            TensorEntry stored = file.tensor(type);
            assertEquals(type.toUpperCase(java.util.Locale.ROOT), stored.dtype().name());
            assertArrayEquals(new int[] {4, 16}, stored.intShape());
            // Exact: widening is exact, and F64 -> F32 rounds to nearest-even in both Java and PyTorch.
            assertArrayEquals(file.floats(type + "_as_f32"), file.floats(type), type);
        }
        assertArrayEquals(new long[] {0, 1, -1, 1L << 62, Long.MIN_VALUE}, file.longs("i64"));
        assertEquals(0, file.tensor("i64_scalar").rank());
        assertArrayEquals(new long[] {42}, file.longs("i64_scalar"));
        assertArrayEquals(new long[] {-7, Integer.MAX_VALUE}, file.longs("i32"));
        assertArrayEquals(new long[] {0, 200, 255}, file.longs("u8"));
    }

    @Test
    void float8CannotBeReadAsFloat() {
        assertThrows(SafeTensorsException.class,
                () -> new TensorEntry("q", DType.F8_E4M3, new long[] {1}, new byte[1]).toFloats());
    }
}

package org.resnet4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.testing.RandomArrays;

/**
 * The wire format, against bytes worked out by hand: the examples of the protobuf encoding guide
 * (https://protobuf.dev/programming-guides/encoding/), varint boundaries, and tensor data that spans the writer's
 * chunks. Every message's announced size must be the bytes it writes.
 */
class ProtoWriterTest {

    private static String hex(ProtoMessage message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(new ProtoWriter(bytes));
        assertEquals(message.size(), bytes.size(), "announced size");
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static String varint(long value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ProtoWriter(bytes).varint(value);
        assertEquals(ProtoWriter.varintSize(value), bytes.size(), "varintSize(" + value + ")");
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    @Test
    void theEncodingGuidesExamples() throws IOException {
        assertEquals("089601", hex(new ProtoMessage().varint(1, 150)));
        assertEquals("120774657374696e67", hex(new ProtoMessage().string(2, "testing")));
        assertEquals("1a03089601", hex(new ProtoMessage().message(3, new ProtoMessage().varint(1, 150))));
    }

    @Test
    void varintsAtTheirBoundaries() throws IOException {
        assertEquals("00", varint(0));
        assertEquals("7f", varint(127));
        assertEquals("8001", varint(128));
        assertEquals("ac02", varint(300));
        assertEquals("ffffffff07", varint(Integer.MAX_VALUE));
        assertEquals("ffffffffffffffff7f", varint(Long.MAX_VALUE));
        // int64 -1: two's complement, ten bytes.
        assertEquals("ffffffffffffffffff01", varint(-1));
    }

    @Test
    void tagsPastFieldFifteenTakeTwoBytes() throws IOException {
        // AttributeProto.type is field 20: (20 << 3) | 0 = 160 = 0xa0 0x01.
        assertEquals("a00107", hex(new ProtoMessage().varint(20, 7)));
        assertEquals(2, ProtoWriter.tagSize(20));
        assertEquals(1, ProtoWriter.tagSize(15));
    }

    @Test
    void floatsAreLittleEndianIeeeBits() throws IOException {
        // 1e-5f is 0x3727c5ac; wire type 5 under field 2 is tag 0x15.
        assertEquals("15acc52737", hex(new ProtoMessage().fixed32(2, 1e-5f)));
        // 1.0f = 0x3f800000, -2.0f = 0xc0000000, as raw_data (field 9, length 8).
        assertEquals("4a080000803f000000c0", hex(new ProtoMessage().floatsLittleEndian(9, new float[] {1f, -2f})));
        assertEquals("4a100100000000000000ffffffffffffff7f",
                hex(new ProtoMessage().longsLittleEndian(9, new long[] {1, Long.MAX_VALUE})));
    }

    @Test
    void tensorDataSpanningManyChunksIsWrittenWhole() throws IOException {
        float[] values = RandomArrays.uniform(new SplittableRandom(1), 40_003);
        ByteBuffer expected = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        expected.asFloatBuffer().put(values);
        ProtoMessage message = new ProtoMessage().floatsLittleEndian(9, values);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        message.writeTo(new ProtoWriter(bytes));

        byte[] written = bytes.toByteArray();
        // Tag 0x4a, then the length 160,012 as a three-byte varint, then the data.
        assertEquals("4a8ce209", HexFormat.of().formatHex(written, 0, 4));
        assertArrayEquals(expected.array(), Arrays.copyOfRange(written, 4, written.length));
        assertEquals(message.size(), written.length);
    }

    @Test
    void aMessageIsFixedOnceItsSizeIsTaken() {
        ProtoMessage message = new ProtoMessage().varint(1, 1);
        message.size();
        assertThrows(IllegalStateException.class, () -> message.varint(2, 2));
    }
}

package org.resnet4j.io.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/) onto a stream: tags, base-128 varints,
 * length-delimited bytes and little-endian 32-bit floats. Sizes are static so that a message can state its length
 * before its contents are written.
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    // Tensor data goes out through a buffer of this many floats, so a 100 MB tensor needs no 100 MB byte copy.
    private static final int CHUNK = 1 << 14;

    private final OutputStream out;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long written;

    ProtoWriter(OutputStream out) {
        this.out = out;
    }

    /** Bytes written so far. */
    long written() {
        return written;
    }

    void tag(int fieldNumber, int wireType) throws IOException {
        varint(((long) fieldNumber << 3) | wireType);
    }

    /** Negative values take ten bytes, as int64 fields are encoded (two's complement, not zigzag). */
    void varint(long value) throws IOException {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        write((int) v);
    }

    void bytes(byte[] value) throws IOException {
        out.write(value);
        written += value.length;
    }

    void fixed32(float value) throws IOException {
        int bits = Float.floatToRawIntBits(value);
        for (int shift = 0; shift < 32; shift += 8) {
            write((bits >>> shift) & 0xFF);
        }
    }

    /** The floats' IEEE 754 bits, little-endian, as ONNX's {@code raw_data} stores them. */
    void floatsLittleEndian(float[] values) throws IOException {
        for (int from = 0; from < values.length; from += CHUNK) {
            int count = Math.min(CHUNK, values.length - from);
            chunk.clear();
            chunk.asFloatBuffer().put(values, from, count);
            out.write(chunk.array(), 0, count * Float.BYTES);
            written += (long) count * Float.BYTES;
        }
    }

    /** The longs, little-endian, as ONNX's {@code raw_data} stores int64 tensors. */
    void longsLittleEndian(long[] values) throws IOException {
        for (int from = 0; from < values.length; from += CHUNK) {
            int count = Math.min(CHUNK, values.length - from);
            chunk.clear();
            chunk.asLongBuffer().put(values, from, count);
            out.write(chunk.array(), 0, count * Long.BYTES);
            written += (long) count * Long.BYTES;
        }
    }

    private void write(int b) throws IOException {
        out.write(b);
        written++;
    }

    static int varintSize(long value) {
        // 7 payload bits per byte; 0 still takes one byte.
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return Math.max(1, (bits + 6) / 7);
    }

    static int tagSize(int fieldNumber) {
        return varintSize((long) fieldNumber << 3);
    }
}

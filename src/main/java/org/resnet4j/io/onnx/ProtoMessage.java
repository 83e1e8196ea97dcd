package org.resnet4j.io.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message built field by field, in the order written. It knows its encoded size before anything is
 * written, which is what a length-delimited parent needs: so the model streams to disk in one pass, tensor data
 * straight from the layers' arrays, instead of being assembled in memory first.
 */
final class ProtoMessage {
    private final List<Field> fields = new ArrayList<>();
    private long size = -1;

    /** An int64, int32 or enum field; a negative value takes ten bytes (two's complement, as protobuf's int64). */
    ProtoMessage varint(int number, long value) {
        return add(new Varint(number, value));
    }

    /** A float field (wire type 5). */
    ProtoMessage fixed32(int number, float value) {
        return add(new Fixed32(number, value));
    }

    ProtoMessage string(int number, String value) {
        return add(new Bytes(number, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** A bytes field holding {@code values} little-endian, read from the array when written, not copied now. */
    ProtoMessage floatsLittleEndian(int number, float[] values) {
        return add(new Floats(number, values));
    }

    /** A bytes field holding {@code values} little-endian. */
    ProtoMessage longsLittleEndian(int number, long[] values) {
        return add(new Longs(number, values.clone()));
    }

    ProtoMessage message(int number, ProtoMessage value) {
        return add(new Nested(number, value));
    }

    /** The encoded size in bytes (fixed once asked: adding a field afterwards is an error). */
    long size() {
        if (size < 0) {
            long total = 0;
            for (Field field : fields) {
                total += field.size();
            }
            size = total;
        }
        return size;
    }

    void writeTo(ProtoWriter out) throws IOException {
        long start = out.written();
        for (Field field : fields) {
            field.writeTo(out);
        }
        // A wrong size would shift every later byte of the file: catch it here, where it can be named.
        if (out.written() - start != size()) {
            throw new IllegalStateException("message wrote " + (out.written() - start) + " bytes, announced " + size());
        }
    }

    private ProtoMessage add(Field field) {
        if (size >= 0) {
            throw new IllegalStateException("field " + field.number() + " added after the message's size was taken");
        }
        fields.add(field);
        return this;
    }

    private sealed interface Field {
        int number();

        long size();

        void writeTo(ProtoWriter out) throws IOException;
    }

    private record Varint(int number, long value) implements Field {
        public long size() {
            return ProtoWriter.tagSize(number) + ProtoWriter.varintSize(value);
        }

        public void writeTo(ProtoWriter out) throws IOException {
            out.tag(number, ProtoWriter.VARINT);
            out.varint(value);
        }
    }

    private record Fixed32(int number, float value) implements Field {
        public long size() {
            return ProtoWriter.tagSize(number) + 4;
        }

        public void writeTo(ProtoWriter out) throws IOException {
            out.tag(number, ProtoWriter.FIXED32);
            out.fixed32(value);
        }
    }

    private record Bytes(int number, byte[] value) implements Field {
        public long size() {
            return delimitedSize(number, value.length);
        }

        public void writeTo(ProtoWriter out) throws IOException {
            out.tag(number, ProtoWriter.LENGTH_DELIMITED);
            out.varint(value.length);
            out.bytes(value);
        }
    }

    private record Floats(int number, float[] values) implements Field {
        public long size() {
            return delimitedSize(number, (long) values.length * Float.BYTES);
        }

        public void writeTo(ProtoWriter out) throws IOException {
            out.tag(number, ProtoWriter.LENGTH_DELIMITED);
            out.varint((long) values.length * Float.BYTES);
            out.floatsLittleEndian(values);
        }
    }

    private record Longs(int number, long[] values) implements Field {
        public long size() {
            return delimitedSize(number, (long) values.length * Long.BYTES);
        }

        public void writeTo(ProtoWriter out) throws IOException {
            out.tag(number, ProtoWriter.LENGTH_DELIMITED);
            out.varint((long) values.length * Long.BYTES);
            out.longsLittleEndian(values);
        }
    }

    private record Nested(int number, ProtoMessage value) implements Field {
        public long size() {
            return delimitedSize(number, value.size());
        }

        public void writeTo(ProtoWriter out) throws IOException {
            out.tag(number, ProtoWriter.LENGTH_DELIMITED);
            out.varint(value.size());
            value.writeTo(out);
        }
    }

    private static long delimitedSize(int number, long length) {
        return ProtoWriter.tagSize(number) + ProtoWriter.varintSize(length) + length;
    }
}

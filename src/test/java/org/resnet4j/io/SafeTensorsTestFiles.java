package org.resnet4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Hand-made safetensors byte images for the reader tests. */
final class SafeTensorsTestFiles {
    private SafeTensorsTestFiles() {
    }

    /** A file with header {@code json} (its length in the prefix, no padding) followed by {@code data}. */
    static byte[] craft(String json, byte[] data) {
        return craft(json.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] craft(byte[] header, byte[] data) {
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).put(data).array();
    }

    /** A valid file with metadata and tensors of several types, ranks and sizes, some of them empty. */
    static byte[] sample() {
        return SafeTensors.toBytes(List.of(
                TensorEntry.ofFloats("conv1.weight", new int[] {2, 1, 3, 3}, floats(18)),
                TensorEntry.ofFloats("bn1.weight", new int[] {2}, new float[] {1f, -0.5f}),
                TensorEntry.scalarLong("bn1.num_batches_tracked", 7),
                TensorEntry.ofFloats("empty", new int[] {0, 3}, new float[0]),
                TensorEntry.ofFloats("scalar", new int[0], new float[] {3.25f}),
                new TensorEntry("half", DType.F16, new long[] {2}, new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0})),
                Map.of("format", "pt", "note", "é\"\\"));
    }

    static float[] floats(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (i - count / 2) * 0.375f;
        }
        return values;
    }
}

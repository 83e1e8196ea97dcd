package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {

    @TempDir
    Path dir;

    private static final int[][] SHAPES = {{}, {1}, {5}, {2, 3}, {2, 3, 4, 5}, {1, 1, 1, 1}, {0}, {3, 0, 2}};

    private static List<TensorEntry> entries() {
        List<TensorEntry> entries = new ArrayList<>();
        for (int s = 0; s < SHAPES.length; s++) {
            int count = 1;
            for (int d : SHAPES[s]) {
                count *= d;
            }
            entries.add(TensorEntry.ofFloats("f32." + s, SHAPES[s], SafeTensorsTestFiles.floats(count)));
        }
        entries.add(TensorEntry.scalarLong("bn.num_batches_tracked", 123_456_789_012L));
        entries.add(TensorEntry.ofLongs("labels", new int[] {3}, new long[] {0, -1, Long.MAX_VALUE}));
        return entries;
    }

    private static Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("odd \"key\"", "tab\t, newline\n, backslash \\, é, 😀, \u0001");
        metadata.put("empty", "");
        return metadata;
    }

    @Test
    void writtenFileReadsBackWithSameTensorsAndMetadata() throws Exception {
        Path file = dir.resolve("model.safetensors");
        List<TensorEntry> entries = entries();
        SafeTensors.write(file, entries, metadata());

        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(metadata(), read.metadata());
        assertEquals(entries.size(), read.tensors().size());
        for (TensorEntry expected : entries) {
            TensorEntry actual = read.tensor(expected.name());
            assertEquals(expected, actual, expected.name());
        }
        for (int s = 0; s < SHAPES.length; s++) {
            TensorEntry entry = read.tensor("f32." + s);
            assertArrayEquals(SHAPES[s], entry.intShape());
            assertArrayEquals(SafeTensorsTestFiles.floats(entry.elementCount()), read.floats("f32." + s));
        }
        assertEquals(0, read.tensor("f32.0").rank());
        assertEquals(1, read.tensor("f32.0").elementCount());
        assertEquals(0, read.tensor("f32.6").elementCount());
        assertArrayEquals(new long[] {123_456_789_012L}, read.longs("bn.num_batches_tracked"));
        assertEquals(0, read.tensor("bn.num_batches_tracked").rank());
        assertArrayEquals(new long[] {0, -1, Long.MAX_VALUE}, read.longs("labels"));
    }

    @Test
    void tensorsAreLaidOutSortedByNameWhateverTheInputOrder() throws Exception {
        List<TensorEntry> entries = entries();
        byte[] forward = SafeTensors.toBytes(entries, metadata());
        Collections.reverse(entries);
        assertArrayEquals(forward, SafeTensors.toBytes(entries, metadata()));

        List<String> names = new ArrayList<>(SafeTensors.read("mem", forward).tensors().keySet());
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        assertEquals(sorted, names, "file order is data order, which must be name order");
    }

    @Test
    void fileAndByteImageAgree() throws Exception {
        Path file = dir.resolve("same.safetensors");
        SafeTensors.write(file, entries(), metadata());
        assertArrayEquals(SafeTensors.toBytes(entries(), metadata()), Files.readAllBytes(file));
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOfEight() throws Exception {
        byte[] bytes = SafeTensors.toBytes(List.of(TensorEntry.ofFloats("a", new int[] {2}, new float[] {1f, 2f})),
                Map.of());
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertEquals(0, headerLength % 8);
        assertEquals((json.length() + 7) / 8 * 8, headerLength);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals(json + " ".repeat((int) headerLength - json.length()), header);
        assertEquals(8 + headerLength + 8, bytes.length);
        assertArrayEquals(new float[] {1f, 2f}, SafeTensors.read("mem", bytes).floats("a"));
    }

    @Test
    void noTensorsAndNoMetadataIsAValidFile() throws Exception {
        byte[] bytes = SafeTensors.toBytes(List.of(), Map.of());
        SafeTensorsFile read = SafeTensors.read("mem", bytes);
        assertTrue(read.tensors().isEmpty());
        assertTrue(read.metadata().isEmpty());
    }

    @Test
    void missingTensorAndWrongTypeNameTheFile() throws Exception {
        SafeTensorsFile read = SafeTensors.read("weights.bin", SafeTensors.toBytes(entries(), Map.of()));
        SafeTensorsException missing = assertThrows(SafeTensorsException.class, () -> read.tensor("fc.weight"));
        assertTrue(missing.getMessage().startsWith("weights.bin: no tensor named 'fc.weight'"), missing.getMessage());
        SafeTensorsException asFloat = assertThrows(SafeTensorsException.class, () -> read.floats("labels"));
        assertTrue(asFloat.getMessage().contains("weights.bin: tensor 'labels' has dtype I64"), asFloat.getMessage());
        SafeTensorsException asLong = assertThrows(SafeTensorsException.class, () -> read.longs("f32.1"));
        assertTrue(asLong.getMessage().contains("dtype F32, which cannot be read as integers"), asLong.getMessage());
        assertThrows(SafeTensorsException.class, () -> read.metadataValue("absent"));
    }

    @Test
    void writerRejectsWhatCannotBeWritten() {
        TensorEntry a = TensorEntry.ofFloats("a", new int[] {1}, new float[] {1f});
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.toBytes(List.of(a, a), Map.of()));
        assertTrue(duplicate.getMessage().contains("'a'"), duplicate.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.toBytes(
                List.of(TensorEntry.ofFloats("lone\uD800", new int[] {1}, new float[] {1f})), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> TensorEntry.ofFloats("b", new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> TensorEntry.ofFloats(SafeTensorsFile.METADATA_KEY, new int[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorEntry("c", DType.F32, new long[] {-1}, new byte[0]));
    }
}

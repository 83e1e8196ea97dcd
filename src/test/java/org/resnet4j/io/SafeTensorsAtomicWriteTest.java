package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write must leave the previous file as it was and no temporary file behind. */
class SafeTensorsAtomicWriteTest {

    @TempDir
    Path dir;

    private static final List<TensorEntry> OLD = List.of(TensorEntry.ofFloats("w", new int[] {2}, new float[] {1, 2}));
    private static final List<TensorEntry> NEW = List.of(
            TensorEntry.ofFloats("a", new int[] {3}, new float[] {3, 4, 5}),
            TensorEntry.ofFloats("b", new int[] {1}, new float[] {6}),
            TensorEntry.scalarLong("c", 9));

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failureMidwayKeepsThePreviousFile() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, OLD, Map.of("v", "1"));
        byte[] before = Files.readAllBytes(file);

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> SafeTensorsWriter.write(file, NEW, Map.of("v", "2"), index -> {
                    if (index == 2) {
                        throw new UncheckedIOException(new IOException("simulated: no space left on device"));
                    }
                }));
        assertEquals("simulated: no space left on device", e.getCause().getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void successfulWriteReplacesTheFile() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, OLD, Map.of());
        SafeTensors.write(file, NEW, Map.of("v", "2"));
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(List.of("a", "b", "c"), List.copyOf(read.tensors().keySet()));
        assertEquals("2", read.metadataValue("v"));
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void failedRenameLeavesNoTemporaryFile() throws Exception {
        Path occupied = dir.resolve("occupied");
        Files.createDirectory(occupied);
        Files.writeString(occupied.resolve("keep.txt"), "x");
        assertThrows(IOException.class, () -> SafeTensors.write(occupied, NEW, Map.of()));
        assertEquals(List.of("occupied"), listing());
        assertEquals("x", Files.readString(occupied.resolve("keep.txt")));
    }

    @Test
    void missingDirectoryFailsCleanly() {
        Path file = dir.resolve("absent").resolve("model.safetensors");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SafeTensors.write(file, NEW, Map.of()));
        assertFalse(Files.exists(file.getParent()));
        // The missing directory, not the temporary file the write would have made in it (.model.safetensors.<hex>.tmp).
        assertEquals(file.getParent().toString(), e.getFile());
    }
}

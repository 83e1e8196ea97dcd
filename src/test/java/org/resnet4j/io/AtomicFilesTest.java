package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files are named after their target, so that the leftovers of a killed write can be found and removed. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theTemporaryFileIsNamedAfterItsTarget() throws IOException {
        Path target = dir.resolve("metrics.csv");
        List<String> during = new ArrayList<>();

        AtomicFiles.write(target, out -> {
            during.addAll(listing());
            out.write("x".getBytes(StandardCharsets.UTF_8));
        });

        assertEquals(1, during.size(), "only the temporary file exists while writing: " + during);
        String temporary = during.get(0);
        assertTrue(temporary.matches("\\.metrics\\.csv\\.[0-9a-f]{16}\\.tmp"), temporary);
        assertTrue(AtomicFiles.isTemporaryOf("metrics.csv", temporary));
        assertEquals(List.of("metrics.csv"), listing());
    }

    /**
     * What a process killed mid-write leaves (here made by hand, in this and the earlier unpadded format) is deleted;
     * the target, other targets' temporary files and files merely resembling one stay.
     */
    @Test
    void deleteLeftoversRemovesOnlyTheTargetsTemporaryFiles() throws IOException {
        Path target = dir.resolve("checkpoint.safetensors");
        Files.writeString(target, "the checkpoint");
        List<String> leftovers = List.of(".checkpoint.safetensors.00ff00ff00ff00ff.tmp", ".checkpoint.safetensors.3a.tmp");
        List<String> unrelated = List.of(
                ".model.safetensors.00ff00ff00ff00ff.tmp",      // another target's
                ".checkpoint.safetensors.old.1234.tmp",         // the temporary file of checkpoint.safetensors.old
                ".checkpoint.safetensors.tmp",                  // no digits
                ".checkpoint.safetensors.zz.tmp",               // not hex
                ".checkpoint.safetensors.00ff00ff00ff00ff0.tmp", // 17 digits
                "checkpoint.safetensors.3a.tmp",                 // no leading dot
                "notes.tmp");
        for (String name : leftovers) {
            Files.write(dir.resolve(name), new byte[100]);
        }
        for (String name : unrelated) {
            Files.writeString(dir.resolve(name), name);
        }
        Path directoryNamedLikeOne = Files.createDirectory(dir.resolve(".checkpoint.safetensors.77.tmp"));

        List<Path> deleted = AtomicFiles.deleteLeftovers(target);

        assertEquals(leftovers.stream().sorted().map(n -> dir.resolve(n).toAbsolutePath()).toList(), deleted);
        for (String name : leftovers) {
            assertFalse(Files.exists(dir.resolve(name)), name);
        }
        for (String name : unrelated) {
            assertEquals(name, Files.readString(dir.resolve(name)), name + " must stay as it was");
        }
        assertEquals("the checkpoint", Files.readString(target));
        assertTrue(Files.isDirectory(directoryNamedLikeOne), "only regular files are deleted");
    }

    @Test
    void deleteLeftoversWithNothingToDeleteOrNoDirectoryDeletesNothing() throws IOException {
        Files.writeString(dir.resolve("metrics.csv"), "header");

        assertEquals(List.of(), AtomicFiles.deleteLeftovers(dir.resolve("metrics.csv")));
        assertEquals(List.of(), AtomicFiles.deleteLeftovers(dir.resolve("absent").resolve("metrics.csv")));
        assertEquals(List.of("metrics.csv"), listing());
    }

    /**
     * A directory where the file belongs: the rename fails, and the error used to name the hidden temporary file
     * (".out.<hex>.tmp: Is a directory"), a file the user never asked for and that no longer exists.
     */
    @Test
    void aDirectoryInTheTargetsPlaceIsNamedNotTheTemporaryFile() throws IOException {
        Path target = Files.createDirectory(dir.resolve("out"));

        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(target, out -> out.write(1)));

        assertEquals(target.toString(), e.getFile());
        assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
        assertEquals(List.of("out"), listing());
    }

    /** A failure while writing (a full disk) names the file being written and the reason, and leaves no debris. */
    @Test
    void aFailedWriteNamesTheTargetAndTheReason() throws IOException {
        Path target = dir.resolve("checkpoint.safetensors");
        Files.writeString(target, "the previous checkpoint");

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100]);
            throw new IOException("No space left on device");
        }));

        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
        assertEquals(List.of("checkpoint.safetensors"), listing());
        assertEquals("the previous checkpoint", Files.readString(target));
    }
}

package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.pytorch.PyTorchCheckpointException;

/** The format of a weights file is told by its first bytes, whatever its name says. */
class WeightFilesTest {
    @TempDir
    Path dir;

    private Path copyOfFixture(String resource, String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            Path file = dir.resolve(name);
            Files.write(file, in.readAllBytes());
            return file;
        }
    }

    /**
     * A directory given where a weights file belongs (a run's folder instead of its model.safetensors) is named, with
     * what it is: reading one failed with the JDK's bare "Is a directory", which names no path.
     */
    @Test
    void aDirectoryIsRefusedNamingIt() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("runs"));
        List<Executable> reads = List.of(() -> WeightFiles.read(folder), () -> SafeTensors.read(folder),
                () -> org.resnet4j.io.pytorch.PyTorchCheckpoints.read(folder));
        for (Executable read : reads) {
            IOException e = assertThrows(IOException.class, read);
            assertEquals(folder + ": is a directory, not a file", e.getMessage());
        }
    }

    @Test
    void aPyTorchCheckpointNamedSafetensorsIsReadAsOne() throws IOException {
        Path file = copyOfFixture("fixtures/pytorch/tiny_model_key.pth", "weights.safetensors");

        assertEquals(WeightFiles.Format.PYTORCH, WeightFiles.detect(file));
        SafeTensorsFile read = WeightFiles.read(file);
        assertEquals("pytorch", read.metadata().get("format"));
        assertEquals(SafeTensorsFixtures.load("fixtures/pytorch/tiny.safetensors").tensors(), read.tensors());
    }

    @Test
    void aSafetensorsFileNamedPthIsReadAsOne() throws IOException {
        Path file = dir.resolve("weights.pth");
        SafeTensors.write(file, List.of(TensorEntry.ofFloats("w", new int[] {2}, new float[] {1, 2})), Map.of("k", "v"));

        assertEquals(WeightFiles.Format.SAFETENSORS, WeightFiles.detect(file));
        assertEquals(SafeTensors.read(file), WeightFiles.read(file));
    }

    @Test
    void theLegacyPickleFormatGetsThePyTorchReadersAdvice() throws IOException {
        Path file = copyOfFixture("fixtures/pytorch/tiny_legacy.pth", "old.pt");

        assertEquals(WeightFiles.Format.PYTORCH, WeightFiles.detect(file));
        var e = assertThrows(PyTorchCheckpointException.class, () -> WeightFiles.read(file));
        assertTrue(e.getMessage().contains("_use_new_zipfile_serialization=True"), e.getMessage());
    }

    @Test
    void anythingElseIsNamedForWhatItIsNot() throws IOException {
        Path onnx = Files.write(dir.resolve("model.onnx"), new byte[] {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r'});
        var e = assertThrows(SafeTensorsException.class, () -> WeightFiles.read(onnx));
        assertEquals(onnx + ": neither a safetensors file (an 8-byte length, then '{') nor a PyTorch checkpoint (a zip: "
                + "50 4b 03 04); it starts with 08 07 12 07 70 79 74 6f 72", e.getMessage());

        Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        var emptyError = assertThrows(SafeTensorsException.class, () -> WeightFiles.read(empty));
        assertTrue(emptyError.getMessage().endsWith("it starts with nothing (it is empty)"), emptyError.getMessage());
    }
}

package org.resnet4j.io.pytorch;

import static org.resnet4j.testing.FuzzContract.assertDocumentedFailure;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes as a PyTorch checkpoint: the reader returns a state dict, or throws {@link PyTorchCheckpointException}
 * naming the file; never another exception, an allocation sized by the file beyond its length, or a hang. Seeds: real
 * {@code torch.save} files, a legacy one and a hostile one (the fuzzer mutates their zip entries and pickles).
 */
@Tag("fuzz")
class PyTorchCheckpointFuzzTest {
    private static final Path FILE = temporaryFile();

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("resnet4j-fuzz", ".pth");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    @Timeout(10)
    void readsOrRejects(byte[] bytes) throws Throwable {
        Files.write(FILE, bytes);
        try {
            PyTorchCheckpoints.read(FILE);
        } catch (Throwable e) {
            assertDocumentedFailure(e, PyTorchCheckpointException.class, FILE.toString());
        }
    }
}

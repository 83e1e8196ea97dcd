package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.resnet4j.testing.FuzzContract.assertDocumentedFailure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The reader's promise on any bytes, checked by the safetensors fuzz targets. */
final class SafeTensorsContract {
    private SafeTensorsContract() {
    }

    /**
     * Reads {@code bytes} from memory, and (for every file read and one rejected input in 64) from disk too: both
     * must give the same file, or both throw the same {@link SafeTensorsException} naming the file. A file that was
     * read must survive a write and a second read unchanged, and each tensor must convert to floats and to longs or
     * say why not.
     */
    static void readsOrRejects(Path dir, byte[] bytes) throws Throwable {
        Path file = dir.resolve("fuzz.safetensors");
        String source = file.toString();
        SafeTensorsFile contents;
        try {
            contents = SafeTensors.read(source, bytes);
        } catch (Throwable e) {
            assertDocumentedFailure(e, SafeTensorsException.class, source);
            // Writing a file costs a few hundred times the read from memory; a sample keeps the two paths honest.
            if (Arrays.hashCode(bytes) % 64 == 0) {
                Files.write(file, bytes);
                SafeTensorsException fromDisk = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
                assertEquals(e.getMessage(), fromDisk.getMessage(), "disk and memory disagree");
            }
            return;
        }
        Files.write(file, bytes);
        assertEquals(contents, SafeTensors.read(file), "disk and memory disagree");

        SafeTensorsFile again = SafeTensors.read("again", SafeTensors.toBytes(contents.tensors().values(),
                contents.metadata()));
        assertEquals(contents.metadata(), again.metadata(), "metadata changed on a round trip");
        assertEquals(contents.tensors(), again.tensors(), "tensors changed on a round trip");
        for (String name : contents.tensors().keySet()) {
            int count = contents.tensor(name).elementCount();
            try {
                assertEquals(count, contents.floats(name).length, name);
            } catch (Throwable e) {
                assertDocumentedFailure(e, SafeTensorsException.class, source);
            }
            try {
                assertEquals(count, contents.longs(name).length, name);
            } catch (Throwable e) {
                assertDocumentedFailure(e, SafeTensorsException.class, source);
            }
        }
    }
}

package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.resnet4j.testing.FuzzContract.assertDocumentedFailure;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.testing.FuzzBytes;

/**
 * Any bytes as a CIFAR-10 batch file and its class-name list: the reader returns exactly the file's records (label
 * byte, then 3072 pixels each) and ten class names, or throws {@link MalformedDataException} naming the file. Half
 * the inputs get the official class list, and half a batch cut or padded to the expected size, so that mutations
 * also reach the checks behind the first ones. Input: a flags byte (bit 0: two records per file, else one; bit 1: the
 * official class list; bit 2: fit the batch to size); without bit 1 the class list's length (2 bytes, little-endian,
 * modulo 513) and the list; then the batch.
 */
@Tag("fuzz")
class Cifar10ReaderFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    @Timeout(10)
    void readsOrRejects(byte[] bytes) throws Throwable {
        FuzzBytes input = new FuzzBytes(bytes);
        int flags = input.u8();
        int records = 1 + (flags & 1);
        if ((flags & 2) != 0) {
            Cifar10Fixtures.writeMeta(dir);
        } else {
            Files.write(dir.resolve(Cifar10Reader.META_FILE), input.take(input.u16() % 513));
        }
        byte[] batch = input.rest();
        if ((flags & 4) != 0) {
            batch = Arrays.copyOf(batch, records * Cifar10Reader.RECORD_BYTES);
        }
        Files.write(dir.resolve(Cifar10Reader.TEST_FILE), batch);

        Cifar10Dataset dataset;
        try {
            dataset = new Cifar10Reader(records).readTest(dir);
        } catch (Throwable e) {
            assertDocumentedFailure(e, MalformedDataException.class, dir.toString());
            return;
        }
        assertEquals(records, dataset.size());
        for (int r = 0; r < records; r++) {
            int offset = r * Cifar10Reader.RECORD_BYTES;
            assertEquals(batch[offset], dataset.label(r), "label of record " + r);
            assertArrayEquals(Arrays.copyOfRange(batch, offset + 1, offset + Cifar10Reader.RECORD_BYTES),
                    Arrays.copyOfRange(dataset.pixels(), Cifar10Dataset.offset(r), Cifar10Dataset.offset(r + 1)));
        }
        for (String name : dataset.classNames()) {
            assertFalse(name.isBlank() || !name.equals(name.strip()) || name.contains("\n") || name.contains("\r"),
                    "class name '" + name + "'");
        }
    }
}

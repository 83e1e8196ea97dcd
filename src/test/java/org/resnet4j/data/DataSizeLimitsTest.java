package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes past one array are refused by name instead of wrapping around in int; nothing large is allocated here. */
class DataSizeLimitsTest {
    /** 699,000 records: 2,148,027,000 bytes in one file, past the largest array, though their pixels would fit. */
    private static final int RECORDS = 699_000;

    @TempDir
    Path dir;

    @Test
    void selectingMoreImagesThanOneArrayHoldsIsRefused() {
        // 700,000 x 3072 bytes was a negative int: NegativeArraySizeException.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cifar10Fixtures.randomDataset(2, 1).select(new int[700_000]));
        assertTrue(e.getMessage().contains("700000 images of 3072 bytes"), e.getMessage());
    }

    @Test
    void batchPartsAreSplitWithoutOverflow() {
        assertEquals(49_999, DatasetBatches.partStart(50_000, 63_999, 64_000));
        assertEquals(Integer.MAX_VALUE, DatasetBatches.partStart(Integer.MAX_VALUE, 3, 3));
        assertEquals(0, DatasetBatches.partStart(Integer.MAX_VALUE, 0, 3));
    }

    @Test
    void aBatchFileBeyondOneArrayIsRefusedByNameBeforeReading() throws IOException {
        Path file = sparseBatchFile(Cifar10Reader.TEST_FILE);
        // Was a bare ArithmeticException ("integer overflow").
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Cifar10Reader(RECORDS).readBatch(file, new byte[0], new byte[0], 0));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("2148027000 bytes"), e.getMessage());
    }

    @Test
    void aBatchFileBeyondOneArrayIsRefusedBeforeThePixelsAreAllocated() throws IOException {
        sparseBatchFile(Cifar10Reader.TEST_FILE);
        Cifar10Fixtures.writeMeta(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Cifar10Reader(RECORDS).readTest(dir));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
    }

    /** A file of exactly {@link #RECORDS} records' size, all holes: no disk space, no bytes written. */
    private Path sparseBatchFile(String name) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength((long) RECORDS * Cifar10Reader.RECORD_BYTES);
        }
        return file;
    }
}

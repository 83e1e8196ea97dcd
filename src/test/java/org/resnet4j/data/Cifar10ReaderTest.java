package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {
    private static final int RECORDS = 7;

    @TempDir
    Path dir;

    @Test
    void readsRecordsInFileOrderWithPixelsInChwOrder() throws IOException {
        Cifar10Fixtures.writeTrainingDirectory(dir, RECORDS);
        Cifar10Dataset data = new Cifar10Reader(RECORDS).readTraining(dir);

        assertEquals(5 * RECORDS, data.size());
        assertEquals(Cifar10Fixtures.CLASS_NAMES, data.classNames());
        for (int f = 0; f < 5; f++) {
            byte[] file = Files.readAllBytes(dir.resolve(Cifar10Reader.TRAINING_FILES.get(f)));
            for (int r = 0; r < RECORDS; r++) {
                int image = f * RECORDS + r;
                int offset = r * Cifar10Reader.RECORD_BYTES;
                assertEquals(file[offset], data.label(image), "label of image " + image);
                assertArrayEquals(Arrays.copyOfRange(file, offset + 1, offset + Cifar10Reader.RECORD_BYTES),
                        Arrays.copyOfRange(data.pixels(), Cifar10Dataset.offset(image),
                                Cifar10Dataset.offset(image + 1)), "pixels of image " + image);
            }
        }
    }

    @Test
    void readsAFullSizeOfficialBatch() throws IOException {
        byte[] file = Cifar10Fixtures.batchBytes(Cifar10Reader.RECORDS_PER_FILE, 3, 42);
        Files.write(dir.resolve(Cifar10Reader.TEST_FILE), file);
        Cifar10Fixtures.writeMeta(dir);

        Cifar10Dataset data = new Cifar10Reader().readTest(dir);

        assertEquals(10_000, data.size());
        int last = 9_999;
        int offset = last * Cifar10Reader.RECORD_BYTES;
        assertEquals((3 + last) % 10, data.label(last));
        assertEquals(file[offset + 1], data.pixels()[Cifar10Dataset.offset(last)]);
        assertEquals(file[offset + 3072], data.pixels()[Cifar10Dataset.offset(last) + 3071]);
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, data.classCounts());
    }

    @Test
    void truncatedFileIsRejectedWithBothSizes() throws IOException {
        Cifar10Fixtures.writeTrainingDirectory(dir, RECORDS);
        Path file = dir.resolve("data_batch_4.bin");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new Cifar10Reader(RECORDS).readTraining(dir));

        String message = e.getMessage();
        assertTrue(message.contains("data_batch_4.bin"), message);
        assertTrue(message.contains("expected " + RECORDS * 3073 + " bytes"), message);
        assertTrue(message.contains("found " + (RECORDS * 3073 - 1) + " bytes"), message);
        assertTrue(message.contains("not a multiple of 3073"), message);
    }

    @Test
    void wholeRecordsButTheWrongCountAreRejected() throws IOException {
        Cifar10Fixtures.writeTrainingDirectory(dir, RECORDS);
        Files.write(dir.resolve("data_batch_2.bin"), Cifar10Fixtures.batchBytes(RECORDS + 2, 0, 1));

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new Cifar10Reader(RECORDS).readTraining(dir));

        String message = e.getMessage();
        assertTrue(message.contains("data_batch_2.bin"), message);
        assertTrue(message.contains("expected " + RECORDS * 3073), message);
        assertTrue(message.contains("found " + (RECORDS + 2) * 3073), message);
        assertTrue(message.contains((RECORDS + 2) + " records"), message);
        assertTrue(!message.contains("not a multiple"), message);
    }

    /**
     * A records-per-file count far above the files' is refused by their sizes before anything of its size is
     * allocated: 1,000,000 records per file overflowed an int ("integer overflow"), 100,000 allocated 1.5 GB first.
     */
    @Test
    void aHugeRecordsPerFileIsRefusedByTheFileSizesBeforeAllocating() throws IOException {
        Cifar10Fixtures.writeTrainingDirectory(dir, 24);

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new Cifar10Reader(1_000_000).readTraining(dir));

        String message = e.getMessage();
        assertTrue(message.contains("data_batch_1.bin"), message);
        assertTrue(message.contains("found " + 24 * 3073 + " bytes"), message);
        assertTrue(message.contains("expected " + 1_000_000L * 3073 + " bytes"), message);
        assertTrue(message.contains("1000000 records per file"), message);
    }

    @Test
    void outOfRangeLabelIsReportedWithRecordOffsetAndValue() throws IOException {
        Cifar10Fixtures.writeTrainingDirectory(dir, RECORDS);
        Path file = dir.resolve("data_batch_5.bin");
        byte[] bytes = Files.readAllBytes(file);
        bytes[3 * 3073] = (byte) 200;
        Files.write(file, bytes);

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new Cifar10Reader(RECORDS).readTraining(dir));

        String message = e.getMessage();
        assertTrue(message.contains("data_batch_5.bin"), message);
        assertTrue(message.contains("record 3"), message);
        assertTrue(message.contains("byte offset " + 3 * 3073), message);
        assertTrue(message.contains("label 200"), message);
    }

    @Test
    void missingFileMessageListsExpectedFilesDirectoryAndSource() throws IOException {
        Cifar10Fixtures.writeTrainingDirectory(dir, RECORDS);
        Files.delete(dir.resolve("data_batch_3.bin"));

        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> new Cifar10Reader(RECORDS).readTraining(dir));

        String message = e.getMessage();
        assertTrue(message.contains("lacks data_batch_3.bin."), message);
        assertTrue(message.contains(dir.toAbsolutePath().toString()), message);
        for (String name : Cifar10Reader.TRAINING_FILES) {
            assertTrue(message.contains(name), message);
        }
        assertTrue(message.contains("batches.meta.txt"), message);
        assertTrue(message.contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), message);
        assertTrue(message.contains("cifar-10-batches-bin/"), message);
    }

    @Test
    void missingDirectoryIsReportedAsSuch() {
        Path absent = dir.resolve("nowhere");

        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> new Cifar10Reader().readTest(absent));

        String message = e.getMessage();
        assertTrue(message.contains(absent.toAbsolutePath() + " does not exist"), message);
        assertTrue(message.contains("test_batch.bin"), message);
        assertTrue(message.contains("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), message);
    }

    @Test
    void classNameFileMustNameTenClasses() throws IOException {
        Cifar10Fixtures.writeTrainingDirectory(dir, RECORDS);
        Files.writeString(dir.resolve(Cifar10Reader.META_FILE), "airplane\nautomobile\n");

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new Cifar10Reader(RECORDS).readTraining(dir));

        assertTrue(e.getMessage().contains("batches.meta.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 10 class names"), e.getMessage());
        assertTrue(e.getMessage().contains("found 2"), e.getMessage());
    }
}

package org.resnet4j.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CIFAR-10 in the official binary format from a directory (the {@code cifar-10-batches-bin/} folder of
 * {@value #ARCHIVE_URL}). Each batch file is 10,000 records of 3073 bytes: one label byte, then 3072 pixel bytes
 * (the R plane, the G plane, the B plane, each 32x32 row-major) — which is already the CHW order of
 * {@link Cifar10Dataset}. Every file is checked (exact size, labels in 0..9) before it is trusted.
 *
 * <p>Immutable; safe to share between threads, and its reads may run on several threads at once.
 */
public final class Cifar10Reader {
    public static final String ARCHIVE_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public static final String ARCHIVE_FOLDER = "cifar-10-batches-bin/";
    public static final List<String> TRAINING_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    public static final String META_FILE = "batches.meta.txt";
    public static final int RECORDS_PER_FILE = 10_000;
    /** One label byte and 3 * 32 * 32 pixel bytes. */
    public static final int RECORD_BYTES = 1 + Cifar10Dataset.IMAGE_BYTES;

    /** A batch file is read into one array with a byte to spare, and the JVM's largest array is 2^31 - 9 bytes. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 9;

    private final int recordsPerFile;

    /** A reader for the official files (10,000 records each). */
    public Cifar10Reader() {
        this(RECORDS_PER_FILE);
    }

    /**
     * A reader expecting exactly {@code recordsPerFile} records in every batch file: for smaller files in the same
     * format (crafted test data, subsets); each file is still checked for that exact size.
     */
    public Cifar10Reader(int recordsPerFile) {
        if (recordsPerFile < 1) {
            throw new IllegalArgumentException("records per file must be >= 1, got " + recordsPerFile);
        }
        this.recordsPerFile = recordsPerFile;
    }

    /** The 50,000 training images: {@code data_batch_1.bin} .. {@code data_batch_5.bin} in order. */
    public Cifar10Dataset readTraining(Path directory) throws IOException {
        return readBatches(directory, TRAINING_FILES);
    }

    /** The 10,000 test images of {@code test_batch.bin}. */
    public Cifar10Dataset readTest(Path directory) throws IOException {
        return readBatches(directory, List.of(TEST_FILE));
    }

    /**
     * The images of the named batch files of {@code directory}, concatenated in order, with the class names of its
     * {@value #META_FILE}.
     *
     * @throws FileNotFoundException  naming the directory, the missing files and where to get them
     * @throws MalformedDataException naming the file, the offset and the value when a file breaks the format
     * @throws IOException            when the file system fails
     */
    public Cifar10Dataset readBatches(Path directory, List<String> files) throws IOException {
        List<String> expected = new ArrayList<>(files);
        expected.add(META_FILE);
        requirePresent(directory, expected);
        List<String> classNames = readClassNames(directory.resolve(META_FILE));
        // Sizes first: a records-per-file count the files do not have must not cost an allocation of its size (or an
        // int overflow) before the files say it is wrong.
        long expectedBytes = (long) recordsPerFile * RECORD_BYTES;
        for (String file : files) {
            Path path = directory.resolve(file);
            requireSize(path, Files.size(path), expectedBytes);
            requireReadable(path, expectedBytes);
        }
        long pixelBytes = (long) recordsPerFile * files.size() * Cifar10Dataset.IMAGE_BYTES;
        if (pixelBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(directory + ": " + files.size() + " files of " + recordsPerFile
                    + " records per file are " + pixelBytes + " pixel bytes, more than one array holds");
        }
        int recordsTotal = recordsPerFile * files.size();
        byte[] pixels = new byte[(int) pixelBytes];
        byte[] labels = new byte[recordsTotal];
        for (int f = 0; f < files.size(); f++) {
            readBatch(directory.resolve(files.get(f)), pixels, labels, f * recordsPerFile);
        }
        return new Cifar10Dataset(pixels, labels, classNames);
    }

    /**
     * Reads one batch file into {@code pixels}/{@code labels} starting at image {@code firstImage}.
     *
     * @param pixels {@code [N][3][32][32]}, written for images {@code firstImage ..} {@code firstImage + records - 1}
     * @param labels {@code [N]}, written likewise
     */
    void readBatch(Path file, byte[] pixels, byte[] labels, int firstImage) throws IOException {
        long expectedBytes = (long) recordsPerFile * RECORD_BYTES;
        requireSize(file, Files.size(file), expectedBytes);
        requireReadable(file, expectedBytes);
        byte[] raw;
        try (InputStream in = Files.newInputStream(file)) {
            // One byte more than expected at most: a file that grew since the size check is caught without reading it.
            raw = in.readNBytes(Math.toIntExact(expectedBytes + 1));
        }
        // The file may have changed between the two looks; the check on the bytes actually read is the one that counts.
        requireSize(file, raw.length, expectedBytes);
        for (int r = 0; r < recordsPerFile; r++) {
            int offset = r * RECORD_BYTES;
            int label = raw[offset] & 0xFF;
            if (label >= Cifar10Dataset.CLASSES) {
                throw new MalformedDataException(file.getFileName() + " (" + file + "): record " + r
                        + " at byte offset " + offset + " has label " + label + "; labels must be in 0.."
                        + (Cifar10Dataset.CLASSES - 1) + " (a corrupt file, or not the CIFAR-10 binary version?)");
            }
            labels[firstImage + r] = (byte) label;
            System.arraycopy(raw, offset + 1, pixels, Cifar10Dataset.offset(firstImage + r),
                    Cifar10Dataset.IMAGE_BYTES);
        }
    }

    /** A file of the expected size that one array cannot hold is refused by name (an int overflow otherwise). */
    private void requireReadable(Path file, long bytes) {
        if (bytes > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file.getFileName() + " (" + file + "): " + recordsPerFile + " records of "
                    + RECORD_BYTES + " bytes are " + bytes + " bytes, more than one array holds (at most "
                    + MAX_FILE_BYTES + "): split it into smaller batch files");
        }
    }

    private void requireSize(Path file, long actual, long expected) throws MalformedDataException {
        if (actual == expected) {
            return;
        }
        String found = actual % RECORD_BYTES != 0
                ? "which is not a multiple of " + RECORD_BYTES + " (1 label byte + 3072 pixel bytes): the file is "
                        + "truncated or not a CIFAR-10 binary batch"
                : "= " + actual / RECORD_BYTES + " records, not the " + recordsPerFile + " records per file expected";
        throw new MalformedDataException(file.getFileName() + " (" + file + "): expected " + expected + " bytes ("
                + recordsPerFile + " records of " + RECORD_BYTES + " bytes), found " + actual + " bytes, " + found);
    }

    /**
     * The class names of a {@value #META_FILE}: one per line, blank lines ignored; exactly 10, in UTF-8, the file at
     * most 64 KiB.
     *
     * @throws MalformedDataException naming the file and the problem when it is not such a list
     */
    public static List<String> readClassNames(Path metaFile) throws IOException {
        return Cifar10ClassNames.read(metaFile);
    }

    /** Checks that the directory and all {@code files} exist; otherwise says what is missing and where to get it. */
    static void requirePresent(Path directory, List<String> files) throws FileNotFoundException {
        String problem;
        if (!Files.isDirectory(directory)) {
            problem = "the directory " + directory.toAbsolutePath() + " does not exist";
        } else {
            List<String> missing = files.stream().filter(f -> !Files.isRegularFile(directory.resolve(f))).toList();
            if (missing.isEmpty()) {
                return;
            }
            problem = directory.toAbsolutePath() + " lacks " + String.join(", ", missing);
        }
        throw new FileNotFoundException("CIFAR-10 data not found: " + problem + ". Expected the files "
                + String.join(", ", files) + " in " + directory.toAbsolutePath() + ". Get them from the official archive "
                + ARCHIVE_URL + " (extract it; the files are in " + ARCHIVE_FOLDER + "), or let Cifar10Downloader "
                + "fetch it.");
    }
}

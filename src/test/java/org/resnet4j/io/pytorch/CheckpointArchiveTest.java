package org.resnet4j.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnet4j.io.SafeTensorsFile;

/**
 * The zip side of a checkpoint is checked before it is trusted: entry names that point outside or are ambiguous,
 * sizes the file cannot back, CRC mismatches, truncation anywhere, missing or malformed records, and tensors that
 * would expand a tiny file into gigabytes. Each is one {@link PyTorchCheckpointException} naming the file and entry.
 */
class CheckpointArchiveTest {
    /** {"w": a 2x2 F32 tensor} over storage "0" of four elements. */
    private static final byte[] PICKLE = PickleBytes.protocol2().asStateDictEntry("w", new PickleBytes()
            .tensor("FloatStorage", "0", 4, 0, new long[] {2, 2}, new long[] {2, 1}));
    private static final byte[] STORAGE = CheckpointZips.floats(1.5f, -2f, 3.25f, 4f);

    @TempDir
    Path dir;

    private Map<String, byte[]> valid() {
        return CheckpointZips.checkpoint(PICKLE, Map.of("0", STORAGE));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static void assertRefused(Path file, String fragment) {
        var e = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(file));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(fragment),
                "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void theHandMadeArchiveReads() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(CheckpointZips.write(dir.resolve("ok.pth"), valid()));

        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f}, file.floats("w"));
    }

    @Test
    void aDeflatedArchiveReadsTheSame() throws IOException {
        Path file = write("deflated.pth", CheckpointZips.zip(valid(), ZipEntry.DEFLATED));

        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 4f}, PyTorchCheckpoints.read(file).floats("w"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"archive/../../evil", "archive/data/../../../etc/passwd", "/etc/passwd",
            "archive\\..\\evil", "archive/./data.pkl", "archive//data", "C:/Windows/evil", "archive/a\u0000b"})
    void entriesPointingOutsideAreRefused(String name) throws IOException {
        Map<String, byte[]> entries = valid();
        entries.put(name, new byte[] {1});

        assertRefused(CheckpointZips.write(dir.resolve("outside.pth"), entries), "zip entry '");
    }

    @Test
    void allEntriesShareOneTopFolder() throws IOException {
        Map<String, byte[]> entries = valid();
        entries.put("other/data/0", STORAGE);
        assertRefused(CheckpointZips.write(dir.resolve("two.pth"), entries),
                "zip entry 'other/data/0' is not under the folder 'archive/' of the first entry");

        Map<String, byte[]> flat = new LinkedHashMap<>();
        flat.put("data.pkl", PICKLE);
        assertRefused(CheckpointZips.write(dir.resolve("flat.pth"), flat), "zip entry 'data.pkl' is not inside a folder");
    }

    @Test
    void anEntryNameMayAppearOnlyOnce() throws IOException {
        Map<String, byte[]> entries = valid();
        entries.put("archive/data/1", CheckpointZips.floats(9, 9, 9, 9));
        byte[] zip = CheckpointZips.zip(entries, ZipEntry.STORED);
        byte[] twice = CheckpointZips.replaceAll(zip, "archive/data/1".getBytes(StandardCharsets.UTF_8),
                "archive/data/0".getBytes(StandardCharsets.UTF_8));

        assertRefused(write("twice.pth", twice), "zip entry 'archive/data/0' appears twice");
    }

    @Test
    void recordsMustBeThere() throws IOException {
        Map<String, byte[]> noPickle = valid();
        noPickle.remove("archive/data.pkl");
        assertRefused(CheckpointZips.write(dir.resolve("nopickle.pth"), noPickle), "without <folder>/data.pkl");

        // An empty zip is only its end record, PK\5\6.
        assertRefused(CheckpointZips.write(dir.resolve("empty.pth"), Map.of()), "not a torch.save checkpoint");

        Map<String, byte[]> noStorage = valid();
        noStorage.remove("archive/data/0");
        assertRefused(CheckpointZips.write(dir.resolve("nostorage.pth"), noStorage),
                "the pickle refers to storage '0', but there is no zip entry archive/data/0");

        Map<String, byte[]> noVersion = valid();
        noVersion.remove("archive/version");
        assertRefused(CheckpointZips.write(dir.resolve("noversion.pth"), noVersion), "no version record");
    }

    @Test
    void textRecordsMustBeWellFormed() throws IOException {
        Map<String, byte[]> entries = valid();
        entries.put("archive/version", "three".getBytes(StandardCharsets.US_ASCII));
        assertRefused(CheckpointZips.write(dir.resolve("v.pth"), entries), "version record 'three' is not a positive");

        entries = valid();
        entries.put("archive/byteorder", "middle".getBytes(StandardCharsets.US_ASCII));
        assertRefused(CheckpointZips.write(dir.resolve("b.pth"), entries),
                "byteorder record 'middle' is neither 'little' nor 'big'");

        entries = valid();
        entries.put("archive/version", new byte[100]);
        assertRefused(CheckpointZips.write(dir.resolve("long.pth"), entries),
                "zip entry archive/version has 100 bytes, more than the 64 it may have");
    }

    @Test
    void aStorageMustHaveExactlyTheBytesThePickleDeclares() throws IOException {
        Map<String, byte[]> entries = valid();
        entries.put("archive/data/0", Arrays.copyOf(STORAGE, 12));
        assertRefused(CheckpointZips.write(dir.resolve("short.pth"), entries),
                "zip entry archive/data/0 has 12 bytes, but the pickle declares 16 for its storage");

        byte[] huge = PickleBytes.protocol2().asStateDictEntry("w", new PickleBytes()
                .tensor("DoubleStorage", "0", 1L << 61, 0, new long[] {2}, new long[] {1}));
        assertRefused(CheckpointZips.write(dir.resolve("huge.pth"), CheckpointZips.checkpoint(huge, Map.of("0", STORAGE))),
                "has 16 bytes, but the pickle declares more than 2^63 for its storage");
    }

    @Test
    void sizesInTheCentralDirectoryAreCheckedAgainstTheFile() throws IOException {
        byte[] zip = CheckpointZips.zip(valid(), ZipEntry.STORED);
        assertRefused(write("big.pth", CheckpointZips.patchCentralSizes(zip, "archive/data/0", 0x7fff_ffffL,
                0x7fff_ffffL)), "zip entry archive/data/0 declares 2147483647 bytes, more than the file's");
        assertRefused(write("mismatch.pth", CheckpointZips.patchCentralSizes(zip, "archive/data/0", 16, 1 << 20)),
                "declares 1048576 bytes from 16 compressed ones, more than its compression method can give");

        byte[] deflated = CheckpointZips.zip(valid(), ZipEntry.DEFLATED);
        assertRefused(write("bomb.pth", CheckpointZips.patchCentralSizes(deflated, "archive/data.pkl", 10, 100_000)),
                "declares 100000 bytes from 10 compressed ones");
    }

    @Test
    void aCorruptedStorageFailsItsCrc() throws IOException {
        byte[] zip = CheckpointZips.zip(valid(), ZipEntry.STORED);
        int at = CheckpointZips.indexOf(zip, STORAGE);
        zip[at + 5] ^= 0x40;

        assertRefused(write("crc.pth", zip), "zip entry archive/data/0: CRC-32 mismatch");
    }

    /**
     * {@code torch.save} after {@code set_crc32_options(False)} records no CRC-32 (every field 0), and
     * {@code torch.load} reads such a file: so does this reader. One entry without its CRC among entries with theirs is
     * still a mismatch.
     */
    @Test
    void anArchiveThatRecordsNoCrcAtAllReads() throws IOException {
        byte[] whole = Files.readAllBytes(PyTorchFixtures.path("tiny_checkpoint.pth"));
        SafeTensorsFile expected = PyTorchCheckpoints.read(PyTorchFixtures.path("tiny_checkpoint.pth"));

        Path none = write("no-crc.pth", CheckpointZips.zeroCrcs(whole, null));
        assertEquals(expected.tensors(), PyTorchCheckpoints.read(none).tensors());

        Path one = write("one-crc-zeroed.pth", CheckpointZips.zeroCrcs(whole, "tiny_checkpoint/data.pkl"));
        assertRefused(one, "zip entry tiny_checkpoint/data.pkl: CRC-32 mismatch (the zip says 00000000");
    }

    @Test
    void anArchiveCutShortAnywhereIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(PyTorchFixtures.path("tiny_checkpoint.pth"));
        for (int length = 0; length < whole.length; length += 37) {
            Path cut = write("cut.pth", Arrays.copyOf(whole, length));
            assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(cut), length + " bytes");
        }
        Path nearlyWhole = write("cut.pth", Arrays.copyOf(whole, whole.length - 1));
        assertRefused(nearlyWhole, "not a readable zip archive");
    }

    /** Single corrupted bytes anywhere in a real checkpoint: either still readable or one clean refusal. */
    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        byte[] whole = Files.readAllBytes(PyTorchFixtures.path("tiny_checkpoint.pth"));
        SplittableRandom random = new SplittableRandom(17);
        for (int trial = 0; trial < 400; trial++) {
            byte[] corrupt = whole.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
            }
            Path file = write("fuzz.pth", corrupt);
            try {
                PyTorchCheckpoints.read(file);
            } catch (PyTorchCheckpointException expected) {
                assertTrue(expected.getMessage().startsWith(file + ": "), expected.getMessage());
            } catch (Exception | Error other) {
                fail("trial " + trial + ": " + other, other);
            }
        }
    }

    @Test
    void viewsMayNotExpandASmallFileIntoGigabytes() throws IOException {
        byte[] oneElement = CheckpointZips.floats(1f);
        byte[] expanded = PickleBytes.protocol2().asStateDictEntry("w", new PickleBytes()
                .tensor("FloatStorage", "0", 1, 0, new long[] {16384, 16384}, new long[] {0, 0}));
        assertRefused(CheckpointZips.write(dir.resolve("expand.pth"), CheckpointZips.checkpoint(expanded,
                Map.of("0", oneElement))), "take 1073741824 bytes, more than 16 times the file's");

        // A modest expansion, as real buffers use, is fine.
        byte[] modest = PickleBytes.protocol2().asStateDictEntry("w", new PickleBytes()
                .tensor("FloatStorage", "0", 1, 0, new long[] {4, 3}, new long[] {0, 0}));
        SafeTensorsFile file = PyTorchCheckpoints.read(CheckpointZips.write(dir.resolve("modest.pth"),
                CheckpointZips.checkpoint(modest, Map.of("0", oneElement))));
        float[] ones = new float[12];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, file.floats("w"));
    }

    /**
     * A deflated entry of zeros is about a thousandth of its size, and a tensor of one element may use it: each storage
     * is read whole, so the storages count against the same budget as the tensors, before they are read (a 2 MB file
     * could otherwise hold sixteen storages of 2 GiB).
     */
    @Test
    void deflatedStoragesMayNotExpandASmallFileIntoGigabytes() throws IOException {
        int elements = 1 << 20; // 4 MiB of zeros, some 4 KB deflated: more than a small file's 1 MiB budget
        byte[] oneOfMany = PickleBytes.protocol2().asStateDictEntry("w", new PickleBytes()
                .tensor("FloatStorage", "0", elements, 0, new long[] {1}, new long[] {1}));
        Path zeros = write("zeros.pth", CheckpointZips.zip(CheckpointZips.checkpoint(oneOfMany,
                Map.of("0", new byte[4 * elements])), ZipEntry.DEFLATED));
        assertRefused(zeros, "storage 'archive/data/0' is 4194304 bytes, more than this " + Files.size(zeros)
                + "-byte file can hold for its tensors (the storages may take 1048576 bytes");

        // Two of 640 KiB, each within the budget, together beyond it.
        PickleBytes two = PickleBytes.protocol2().op(PickleOpcodes.EMPTY_DICT);
        for (String key : new String[] {"0", "1"}) {
            two.str("w" + key).raw(new PickleBytes().tensor("FloatStorage", key, 160 << 10, 0, new long[] {1},
                    new long[] {1}).bytes()).op(PickleOpcodes.SETITEM);
        }
        Path pair = write("pair.pth", CheckpointZips.zip(CheckpointZips.checkpoint(two.stop(),
                Map.of("0", new byte[640 << 10], "1", new byte[640 << 10])), ZipEntry.DEFLATED));
        assertRefused(pair, "storage 'archive/data/1' is 655360 bytes, with the 655360 of the storages before it more "
                + "than this " + Files.size(pair) + "-byte file can hold");
    }

    @Test
    void aTensorCannotBeNamedLikeSafetensorsMetadata() throws IOException {
        byte[] pickle = PickleBytes.protocol2().asStateDictEntry("__metadata__", new PickleBytes()
                .tensor("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}));
        assertRefused(CheckpointZips.write(dir.resolve("meta.pth"), CheckpointZips.checkpoint(pickle,
                Map.of("0", STORAGE))), "a tensor named __metadata__ cannot be kept");
    }
}

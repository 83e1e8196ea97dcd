package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TarReaderTest {
    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void readsNamesSizesTypesAndContents() throws IOException {
        String longName = "deep/" + "d".repeat(120) + "/file.bin";
        String gnuName = "g".repeat(150) + ".txt";
        byte[] tar = new TarFixtures()
                .directory("top/")
                .file("top/a.bin", bytes(1000, 1))
                .file("top/empty", new byte[0])
                .file(longName, bytes(512, 2))
                .gnuLongNameFile(gnuName, bytes(3, 3))
                .tar();
        TarReader reader = new TarReader(new ByteArrayInputStream(tar), "test.tar");

        TarReader.Entry dir = reader.next();
        assertEquals(new TarReader.Entry("top/", 0, '5'), dir);
        TarReader.Entry a = reader.next();
        assertEquals(new TarReader.Entry("top/a.bin", 1000, '0'), a);
        assertTrue(a.isFile());
        assertArrayEquals(bytes(1000, 1), reader.content().readAllBytes());
        assertEquals(new TarReader.Entry("top/empty", 0, '0'), reader.next());
        // Skipped without reading its content.
        assertEquals(longName, reader.next().name());
        TarReader.Entry gnu = reader.next();
        assertEquals(gnuName, gnu.name());
        assertArrayEquals(bytes(3, 3), reader.content().readAllBytes());
        assertNull(reader.next());
        assertNull(reader.next());
    }

    @Test
    void aCorruptHeaderIsReportedWithItsOffset() {
        byte[] tar = new TarFixtures().file("a", bytes(10, 1)).file("b", bytes(10, 2)).tar();
        tar[1024 + 5] ^= 1;

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> {
            TarReader reader = new TarReader(new ByteArrayInputStream(tar), "test.tar");
            while (reader.next() != null) {
                // read through
            }
        });
        assertTrue(e.getMessage().startsWith("test.tar: "), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset 1024"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aTruncatedArchiveIsAnErrorNotAShortFile() throws IOException {
        byte[] tar = new TarFixtures().file("a", bytes(2000, 1)).tar();
        TarReader reader = new TarReader(new ByteArrayInputStream(Arrays.copyOf(tar, 512 + 1500)), "test.tar");

        reader.next();
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> reader.content().readAllBytes());
        assertTrue(e.getMessage().contains("500 bytes short"), e.getMessage());
    }

    @Test
    void notATarIsRejected() {
        byte[] text = "this is not a tar archive\n".repeat(40).getBytes(StandardCharsets.US_ASCII);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new TarReader(new ByteArrayInputStream(text), "test.tar").next());
        assertTrue(e.getMessage().contains("byte offset 0"), e.getMessage());
    }

    @Test
    void aFieldWithControlBytesIsQuotedOnOneLine() {
        byte[] tar = new TarFixtures().file("a", bytes(10, 1)).tar();
        byte[] field = "12\n\u0000\"x\\".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, 124, field.length);

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new TarReader(new ByteArrayInputStream(TarChecksums.fixed(tar)), "test.tar").next());

        assertTrue(e.getMessage().endsWith("bad size field \"12\\x0a\\x00\\x22x\\x5c0012\\x00\""),
                e.getMessage());
    }

    @Test
    void aSizeThatWouldOverflowWithItsPaddingIsRejected() {
        byte[] tar = new TarFixtures().file("big", new byte[0]).file("hidden", new byte[0]).tar();
        // GNU base-256: 2^63 - 1 bytes, whose padding to 512 would wrap the skip around to a negative count.
        tar[124] = (byte) 0x80;
        tar[125] = tar[126] = tar[127] = 0;
        tar[128] = 0x7F;
        Arrays.fill(tar, 129, 136, (byte) 0xFF);

        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new TarReader(new ByteArrayInputStream(TarChecksums.fixed(tar)), "test.tar").next());

        assertTrue(e.getMessage().contains("byte offset 0 declares a member of 9223372036854775807 bytes"),
                e.getMessage());
    }
}

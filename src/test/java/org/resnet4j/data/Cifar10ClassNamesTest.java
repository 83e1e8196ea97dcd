package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ClassNamesTest {
    @TempDir
    Path dir;

    private MalformedDataException rejected(byte[] contents) throws IOException {
        Path file = dir.resolve(Cifar10Reader.META_FILE);
        Files.write(file, contents);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> Cifar10ClassNames.read(file));
        assertTrue(e.getMessage().startsWith("batches.meta.txt (" + file + "): "), e.getMessage());
        return e;
    }

    @Test
    void readsTheNonBlankLinesWhateverTheLineEnds() throws IOException {
        Path file = dir.resolve(Cifar10Reader.META_FILE);
        Files.writeString(file, "airplane\r\nautomobile\rbird\n\n  cat \ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n",
                StandardCharsets.UTF_8);

        assertEquals(Cifar10Fixtures.CLASS_NAMES, Cifar10ClassNames.read(file));
    }

    /** A list saved by a Windows editor: the byte-order mark must not become part of "airplane", and so of labels. */
    @Test
    void aByteOrderMarkIsNotPartOfTheFirstName() throws IOException {
        Path file = dir.resolve(Cifar10Reader.META_FILE);
        Files.writeString(file, "\uFEFF" + String.join("\r\n", Cifar10Fixtures.CLASS_NAMES), StandardCharsets.UTF_8);

        assertEquals(Cifar10Fixtures.CLASS_NAMES, Cifar10ClassNames.read(file));
    }

    @Test
    void bytesThatAreNotUtf8AreNamedWithTheirOffset() throws IOException {
        byte[] contents = "airplane\nautomobile\nbi?d\n".getBytes(StandardCharsets.US_ASCII);
        contents[22] = (byte) 0xFF;

        MalformedDataException e = rejected(contents);

        assertTrue(e.getMessage().endsWith("not UTF-8 text: byte 0xff at byte offset 22"), e.getMessage());
    }

    @Test
    void aFileOverTheLimitIsRejectedWithoutReadingItAll() throws IOException {
        byte[] contents = new byte[Cifar10ClassNames.MAX_BYTES + 1];
        java.util.Arrays.fill(contents, (byte) 'a');

        MalformedDataException e = rejected(contents);

        assertTrue(e.getMessage().contains("more than 65536 bytes"), e.getMessage());
    }

    @Test
    void theWrongCountShowsAFewNamesOnOneEscapedLine() throws IOException {
        String names = "cat\u000bdog\nbird\u001b[31m\n\"quoted\"\n" + "x".repeat(100) + "\n" + "n\n".repeat(20);

        MalformedDataException e = rejected(names.getBytes(StandardCharsets.UTF_8));

        String message = e.getMessage();
        assertTrue(message.contains("expected 10 class names, one per line, found 24: \"cat\\u000bdog\", "
                + "\"bird\\u001b[31m\", \"\\u0022quoted\\u0022\", \"" + "x".repeat(40) + "...\", \"n\""), message);
        assertTrue(message.endsWith(", \"n\", ..."), message);
        assertTrue(message.chars().noneMatch(Character::isISOControl), message);
    }
}

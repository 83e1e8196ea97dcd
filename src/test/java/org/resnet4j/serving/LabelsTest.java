package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class names: CIFAR-10's for 10 classes, indices otherwise, or a file with exactly one name per class. */
class LabelsTest {
    @TempDir
    Path dir;

    @Test
    void tenClassesAreCifar10InBatchesMetaOrder() {
        Labels labels = Labels.defaultFor(10);
        assertEquals("airplane", labels.name(0));
        assertEquals("cat", labels.name(3));
        assertEquals("truck", labels.name(9));
        assertEquals(Labels.CIFAR10, labels.names());
        assertThrows(UnsupportedOperationException.class, () -> labels.names().set(0, "plane"), "the names are the labels'");
    }

    @Test
    void otherCountsAreNamedByIndex() {
        Labels labels = Labels.defaultFor(1000);
        assertEquals(1000, labels.size());
        assertEquals("0", labels.name(0));
        assertEquals("999", labels.name(999));
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), Labels.indices(10).names());
        assertThrows(IllegalArgumentException.class, () -> Labels.indices(0));
    }

    /** A Windows editor's UTF-8 byte-order mark is not part of the first name (it would never match a class). */
    @Test
    void aByteOrderMarkIsNotPartOfTheFirstName() throws IOException {
        Path file = Files.writeString(dir.resolve("bom.txt"), "\uFEFFcat\r\ndog\r\n");
        assertEquals("cat", Labels.read(file, 2).name(0));
    }

    @Test
    void aFileGivesOneNamePerLineIgnoringBlankLinesAtTheEnd() throws IOException {
        Path file = Files.writeString(dir.resolve("labels.txt"), "tench\r\ngoldfish\n\"great\" white shark\n\n\n");
        Labels labels = Labels.read(file, 3);
        assertEquals("tench", labels.name(0));
        assertEquals("\"great\" white shark", labels.name(2));
    }

    @Test
    void aFileWithAnotherCountOrABlankNameIsRefused() throws IOException {
        Path four = Files.writeString(dir.resolve("four.txt"), "a\nb\nc\nd\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Labels.read(four, 3));
        assertTrue(e.getMessage().contains("4 labels for a model of 3 classes"), e.getMessage());

        Path blank = Files.writeString(dir.resolve("blank.txt"), "a\n \nc\n");
        e = assertThrows(IllegalArgumentException.class, () -> Labels.read(blank, 3));
        assertTrue(e.getMessage().contains("line 2 is blank"), e.getMessage());
    }

    /** A file in Latin-1 failed with the decoder's bare "Input length = 1", naming neither the file nor the byte. */
    @Test
    void aFileThatIsNotUtf8IsRefusedNamingTheFileAndTheByte() throws IOException {
        Path file = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 't', '\n', (byte) 0xE9, '\n'});
        IOException e = assertThrows(IOException.class, () -> Labels.read(file, 2));
        assertTrue(e.getMessage().contains("latin1.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
        assertTrue(e.getMessage().contains("0xe9 at byte offset 4"), e.getMessage());
    }

    /** A huge file is refused by its size, without reading it all. */
    @Test
    void aHugeFileIsRefusedByItsSize() throws IOException {
        Path file = Files.write(dir.resolve("huge.txt"), "x\n".repeat(Labels.MAX_FILE_BYTES).getBytes());
        IOException e = assertThrows(IOException.class, () -> Labels.read(file, 2));
        assertTrue(e.getMessage().contains("huge.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("more than " + Labels.MAX_FILE_BYTES + " bytes"), e.getMessage());
    }
}

package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.resnet4j.testing.FuzzContract.assertDocumentedFailure;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.testing.FuzzBytes;

/**
 * Any bytes as the tar inside the CIFAR-10 archive (gzip-compressed here, since the installer reads .tar.gz): unpacking
 * puts every member into the folder, or throws {@link MalformedDataException} naming the archive and leaves the folder
 * empty, with neither a partial member nor the staging folder in it. Input: a flags byte (bit 0: give every block a
 * correct checksum, see {@link TarChecksums}), then the tar.
 */
@Tag("fuzz")
class Cifar10ArchiveFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    @Timeout(10)
    void unpacksAllOrNothing(byte[] bytes) throws Throwable {
        FuzzBytes input = new FuzzBytes(bytes);
        boolean fixChecksums = (input.u8() & 1) != 0;
        byte[] tar = input.rest();
        Path archive = dir.resolve("fuzz.tar.gz");
        Files.write(archive, gzip(fixChecksums ? TarChecksums.fixed(tar) : tar));
        Path target = dir.resolve("cifar");
        deleteTree(target);

        try {
            Cifar10Downloader.unpack(archive, target);
        } catch (Throwable e) {
            assertDocumentedFailure(e, MalformedDataException.class, archive.toString());
            assertEquals(List.of(), listing(target), "a failed unpack leaves nothing behind");
            return;
        }
        assertEquals(Cifar10Downloader.MEMBERS.stream().sorted().toList(), listing(target));
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(bytes);
        }
        return compressed.toByteArray();
    }

    private static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}

package org.resnet4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.resnet4j.data.Cifar10Reader;

/** What kind of data a {@code --data} directory holds: CIFAR-10's binary files or an image folder. */
final class DataDirectories {
    private DataDirectories() {
    }

    /**
     * An image folder ({@code DIR/<class>/<image>}) rather than CIFAR-10: a directory with subdirectories (not
     * hidden ones) and no CIFAR-10 file (nor the archive's {@value Cifar10Reader#ARCHIVE_FOLDER} inside). Anything else
     * goes to the CIFAR-10 reader, whose errors say which files it expected (and {@code train} downloads them where the
     * network allows).
     */
    static boolean isImageFolder(Path data) throws IOException {
        if (!Files.isDirectory(data) || Files.isDirectory(data.resolve(Cifar10Reader.ARCHIVE_FOLDER))
                || Files.exists(data.resolve(Cifar10Reader.META_FILE))
                || Files.exists(data.resolve(Cifar10Reader.TEST_FILE))
                || Cifar10Reader.TRAINING_FILES.stream().anyMatch(f -> Files.exists(data.resolve(f)))) {
            return false;
        }
        try (Stream<Path> entries = Files.list(data)) {
            // Hidden directories are not classes here: a download stopped mid-way leaves .cifar-10-extract-*, and the
            // next train must go on fetching CIFAR-10, not call the folder an image folder.
            return entries.anyMatch(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
        }
    }
}

package org.resnet4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a crash at any moment leaves either the old file or the complete new one: a temporary file
 * in the same directory, flushed to disk, then renamed over the target.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What writes the content; it must not close the stream. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code writer} writes. The directory must exist (a missing one is a
     * {@link java.nio.file.NoSuchFileException}, never created by accident).
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = createTemporary(absolute);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
        forceDirectory(directory);
    }

    /** A new empty file beside {@code target}, with default permissions so the final file gets the usual mode. */
    private static Path createTemporary(Path target) throws IOException {
        String base = "." + target.getFileName() + ".";
        for (int attempt = 0; ; attempt++) {
            Path temporary = target.resolveSibling(base + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".tmp");
            try {
                FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW).close();
                return temporary;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename itself durable where the platform allows syncing a directory (not on Windows). */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Best effort: the file's own bytes are already on disk.
        }
    }
}

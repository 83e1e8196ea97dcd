package org.resnet4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes a file so that a crash at any moment leaves either the old file or the complete new one: a temporary file
 * in the same directory, flushed to disk, then renamed over the target.
 *
 * <p>The temporary file of {@code dir/name} is {@code dir/.name.<16 hex digits>.tmp}. A process killed between
 * creating and renaming it leaves it behind; {@link #deleteLeftovers} recognises such files by that pattern.
 *
 * <p>Holds no state: writes may run on several threads at once, each through a temporary file of its own (of one target
 * too: the last rename wins); {@link #deleteLeftovers} only while no thread writes that target.
 */
public final class AtomicFiles {
    private static final String SUFFIX = ".tmp";
    private static final HexFormat HEX = HexFormat.of();

    private AtomicFiles() {
    }

    /**
     * What writes the content; it must not close the stream. Each {@link #write} calls it once, on the calling thread,
     * with a stream of that write's own: it needs to be safe to share only if writes on several threads use it at once.
     */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with what {@code writer} writes. The directory must exist (a missing one is a
     * {@link java.nio.file.NoSuchFileException}, never created by accident).
     *
     * @throws FileSystemException naming {@code target} (never the temporary file) and the reason, with the original
     *                             failure as its cause, when writing, flushing or renaming fails; a write cancelled
     *                             by an interrupt throws the JDK's {@link ClosedByInterruptException} (or
     *                             {@link InterruptedIOException}) as it is
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = createTemporary(target, absolute);
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
        } catch (ClosedByInterruptException | InterruptedIOException e) {
            throw e; // a cancelled write, not a file problem: the caller's interrupt handling needs to see it as such
        } catch (IOException e) {
            throw failure(target, e);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
        forceDirectory(directory);
    }

    /**
     * Deletes the temporary files that writes of {@code target} left behind when their process died before the rename.
     * Only for a target that nothing else is writing at the time: a live writer's temporary file matches too. Files
     * of other targets, and anything not named like a temporary file, are left alone.
     *
     * @return the deleted files, sorted by name; empty when the directory does not exist
     */
    public static List<Path> deleteLeftovers(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        String name = absolute.getFileName().toString();
        List<Path> deleted = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                if (isTemporaryOf(name, file.getFileName().toString())
                        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
                    deleted.add(file);
                }
            }
        }
        if (!deleted.isEmpty()) {
            forceDirectory(directory);
        }
        return deleted;
    }

    /**
     * Whether {@code candidate} is named like a temporary file of {@code targetName}. Up to 16 hex digits, not exactly
     * 16: earlier versions wrote {@link Long#toHexString}, without leading zeros. Digits only, no dot, so the
     * temporary file of {@code a.csv.b} ({@code .a.csv.b.<hex>.tmp}) is never taken for one of {@code a.csv}.
     */
    static boolean isTemporaryOf(String targetName, String candidate) {
        String prefix = temporaryPrefix(targetName);
        if (candidate.length() <= prefix.length() + SUFFIX.length() || !candidate.startsWith(prefix)
                || !candidate.endsWith(SUFFIX)) {
            return false;
        }
        String digits = candidate.substring(prefix.length(), candidate.length() - SUFFIX.length());
        return digits.length() <= 16 && digits.chars().allMatch(HexFormat::isHexDigit);
    }

    private static String temporaryPrefix(String targetName) {
        return "." + targetName + ".";
    }

    /**
     * The failure {@code e} of writing {@code target}, as the reader should see it: the JDK names the temporary file
     * (a hidden name the user never gave, gone by the time they look) or no file at all ("No space left on device").
     */
    private static FileSystemException failure(Path target, IOException e) {
        FileSystemException named = new FileSystemException(target.toString(), null,
                "cannot write: " + FileErrors.reason(e));
        named.initCause(e);
        return named;
    }

    /**
     * A new empty file beside {@code absolute} ({@code target} made absolute), with default permissions so the final
     * file gets the usual mode.
     */
    private static Path createTemporary(Path target, Path absolute) throws IOException {
        String base = temporaryPrefix(absolute.getFileName().toString());
        for (int attempt = 0; ; attempt++) {
            Path temporary = absolute.resolveSibling(base + HEX.toHexDigits(ThreadLocalRandom.current().nextLong())
                    + SUFFIX);
            try {
                FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW).close();
                return temporary;
            } catch (NoSuchFileException e) {
                // Name the missing directory: the temporary file's name would send the reader looking for that.
                if (!Files.isDirectory(absolute.getParent())) {
                    NoSuchFileException missing = new NoSuchFileException(absolute.getParent().toString(), null,
                            "no such directory to write " + absolute.getFileName() + " into");
                    missing.initCause(e);
                    throw missing;
                }
                throw failure(target, e);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw failure(target, e);
                }
            } catch (IOException e) {
                throw failure(target, e); // e.g. a directory we may not write into
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

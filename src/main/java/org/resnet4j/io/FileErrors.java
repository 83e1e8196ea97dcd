package org.resnet4j.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Why a file operation failed, in words: the JDK's file-system exceptions often carry only a path as their message
 * ("data/cat/3.jpg" for a permission problem), and their reason only for some failures. Callers that name the file
 * themselves add this reason.
 *
 * <p>Holds no state: safe to call from any thread.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** "permission denied", "no such file or directory", the system's reason, or the message or exception's name. */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            return e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof FileAlreadyExistsException ? "file already exists" : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

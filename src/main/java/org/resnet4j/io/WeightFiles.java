package org.resnet4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.resnet4j.io.pytorch.PyTorchCheckpoints;

/**
 * Reads weights from either format resnet4j understands, told apart by their first bytes, never by the file name: a
 * PyTorch checkpoint is a zip ({@code PK\3\4}; a bare pickle, the legacy format, gets its own error), a safetensors
 * file is an 8-byte header length followed by the opening brace of its JSON header.
 *
 * <p>Errors: {@link SafeTensorsException} for a safetensors file or a file of neither kind,
 * {@link org.resnet4j.io.pytorch.PyTorchCheckpointException} for a PyTorch one; both are one-line
 * {@link IOException}s naming the file.
 *
 * <p>Stateless: safe to call from several threads at once.
 */
public final class WeightFiles {
    /** Where safetensors' JSON header begins. */
    private static final int SAFETENSORS_HEADER_START = 8;

    private WeightFiles() {
    }

    /** The two formats. Immutable; safe to share between threads. */
    public enum Format {
        SAFETENSORS,
        PYTORCH
    }

    /** The format of {@code path} by its first bytes. */
    public static Format detect(Path path) throws IOException {
        SafeTensorsReader.requireNotDirectory(path);
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(SAFETENSORS_HEADER_START + 1);
        }
        if (PyTorchCheckpoints.isZip(head) || PyTorchCheckpoints.isLegacyPickle(head)) {
            return Format.PYTORCH;
        }
        if (head.length > SAFETENSORS_HEADER_START && head[SAFETENSORS_HEADER_START] == '{') {
            return Format.SAFETENSORS;
        }
        throw new SafeTensorsException(path + ": neither a safetensors file (an 8-byte length, then '{') nor a PyTorch "
                + "checkpoint (a zip: 50 4b 03 04); it starts with "
                + (head.length == 0 ? "nothing (it is empty)" : HexFormat.ofDelimiter(" ").formatHex(head)));
    }

    /**
     * Reads {@code path} in its format: a safetensors file whole (see {@link SafeTensors#read(Path)}), a PyTorch
     * checkpoint's state dict as {@link PyTorchCheckpoints#read(Path)} finds it.
     */
    public static SafeTensorsFile read(Path path) throws IOException {
        return switch (detect(path)) {
            case SAFETENSORS -> SafeTensors.read(path);
            case PYTORCH -> PyTorchCheckpoints.read(path);
        };
    }
}

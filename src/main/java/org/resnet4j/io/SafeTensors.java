package org.resnet4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * Reads and writes safetensors files, the Hugging Face format: an 8-byte little-endian header length {@code N},
 * {@code N} bytes of UTF-8 JSON describing each tensor ({@code dtype}, {@code shape}, {@code data_offsets}) plus an
 * optional {@code __metadata__} string map, then the raw little-endian tensor data.
 *
 * <p>Errors: a file that breaks the format, or a tensor asked for in a type it cannot give, throws
 * {@link SafeTensorsException} (an {@link IOException}) with a one-line message naming the file; arguments that
 * could never be written (duplicate names, a lone surrogate in a name) throw {@link IllegalArgumentException}.
 *
 * <p>Stateless: safe to call from several threads at once (writes to the same path replace each other whole).
 */
public final class SafeTensors {
    private SafeTensors() {
    }

    /**
     * Reads and checks the whole file. Rules: header length at most 100,000,000 and within the file; header valid
     * UTF-8 and one JSON object without duplicate keys; {@code __metadata__} maps strings to strings; every other
     * entry has exactly a known {@code dtype}, a {@code shape} of integers {@code >= 0} and {@code data_offsets}
     * {@code [begin, end]} spanning {@code product(shape) * dtype size} bytes; sorted by {@code begin}, the tensors
     * tile the data section from 0 with no overlap, hole or trailing byte. Nothing large is allocated before the
     * header has passed these checks.
     */
    public static SafeTensorsFile read(Path path) throws IOException {
        return SafeTensorsReader.read(path);
    }

    /**
     * Reads and checks a file already in memory.
     *
     * @param source names the bytes in messages, for example a resource name
     */
    public static SafeTensorsFile read(String source, byte[] bytes) throws SafeTensorsException {
        return SafeTensorsReader.read(source, bytes);
    }

    /**
     * Writes {@code tensors} (sorted by name) and {@code metadata} to {@code path}, replacing any file there
     * atomically: on failure the previous file is untouched and no temporary file is left behind.
     */
    public static void write(Path path, Collection<TensorEntry> tensors, Map<String, String> metadata)
            throws IOException {
        SafeTensorsWriter.write(path, tensors, metadata);
    }

    /** The bytes {@link #write} would put in a file. */
    public static byte[] toBytes(Collection<TensorEntry> tensors, Map<String, String> metadata) {
        return SafeTensorsWriter.toBytes(tensors, metadata);
    }
}

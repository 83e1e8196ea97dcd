package org.resnet4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Writes safetensors files as the reference implementation does: tensors sorted by name, laid out back to back from
 * data offset 0; {@code __metadata__} first when there is any; the JSON header padded with spaces so that the data
 * section starts at a multiple of 8 bytes.
 *
 * <p>Files are replaced atomically: the bytes go to a temporary file in the target's directory, are forced to disk,
 * and the temporary file is then renamed over the target. A reader sees the old file or the new one, never a torn
 * one; on failure the temporary file is deleted and the old file is left as it was.
 */
final class SafeTensorsWriter {
    private SafeTensorsWriter() {
    }

    static void write(Path path, Collection<TensorEntry> tensors, Map<String, String> metadata) throws IOException {
        write(path, tensors, metadata, index -> { });
    }

    /**
     * As {@link #write(Path, Collection, Map)}, calling {@code beforeTensor} with each tensor's index before its data
     * is written: tests use it to fail midway.
     */
    static void write(Path path, Collection<TensorEntry> tensors, Map<String, String> metadata,
                      IntConsumer beforeTensor) throws IOException {
        List<TensorEntry> sorted = sorted(tensors);
        byte[] header = header(sorted, metadata);
        AtomicFiles.write(path, out -> {
            out.write(header);
            for (int i = 0; i < sorted.size(); i++) {
                beforeTensor.accept(i);
                out.write(sorted.get(i).data());
            }
        });
    }

    /** The whole file as bytes. */
    static byte[] toBytes(Collection<TensorEntry> tensors, Map<String, String> metadata) {
        List<TensorEntry> sorted = sorted(tensors);
        byte[] header = header(sorted, metadata);
        long total = header.length;
        for (TensorEntry entry : sorted) {
            total += entry.data().length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the file would be " + total + " bytes, too large for one array; "
                    + "write it to a file instead");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) total).put(header);
        for (TensorEntry entry : sorted) {
            buffer.put(entry.data());
        }
        return buffer.array();
    }

    private static List<TensorEntry> sorted(Collection<TensorEntry> tensors) {
        List<TensorEntry> sorted = new ArrayList<>(tensors);
        Set<String> names = new HashSet<>();
        for (TensorEntry entry : sorted) {
            if (!names.add(entry.name())) {
                throw new IllegalArgumentException("two tensors are named '" + entry.name() + "'");
            }
        }
        sorted.sort(Comparator.comparing(TensorEntry::name));
        return sorted;
    }

    /** The 8-byte length followed by the padded JSON header. */
    static byte[] header(List<TensorEntry> sorted, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append('"').append(SafeTensorsFile.METADATA_KEY).append("\":{");
            String separator = "";
            for (Map.Entry<String, String> item : metadata.entrySet()) {
                if (item.getKey() == null || item.getValue() == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null: " + item);
                }
                json.append(separator);
                appendString(json, item.getKey());
                json.append(':');
                appendString(json, item.getValue());
                separator = ",";
            }
            json.append('}');
        }
        long offset = 0;
        for (TensorEntry entry : sorted) {
            if (json.length() > 1) {
                json.append(',');
            }
            appendString(json, entry.name());
            json.append(":{\"dtype\":\"").append(entry.dtype().name()).append("\",\"shape\":[");
            long[] shape = entry.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            long end = offset + entry.data().length;
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        if (padded > SafeTensorsReader.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("the header would be " + padded + " bytes, over the format's limit of "
                    + SafeTensorsReader.MAX_HEADER_BYTES);
        }
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(text);
        while (out.hasRemaining()) {
            out.put((byte) ' ');
        }
        return out.array();
    }

    /** A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8. */
    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    throw new IllegalArgumentException("string " + text.substring(0, Math.min(i, 40))
                            + "... has a lone surrogate at index " + i + ": it cannot be encoded as UTF-8");
                }
                json.append(c).append(text.charAt(++i));
            } else if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}

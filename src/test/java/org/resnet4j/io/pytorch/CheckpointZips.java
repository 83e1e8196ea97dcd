package org.resnet4j.io.pytorch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes zip archives shaped like torch.save's (or deliberately not), and patches their bytes. */
final class CheckpointZips {
    private CheckpointZips() {
    }

    /** {@code archive/data.pkl}, {@code archive/version} and {@code archive/data/<key>} for each storage. */
    static Map<String, byte[]> checkpoint(byte[] pickle, Map<String, byte[]> storages) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        storages.forEach((key, bytes) -> entries.put("archive/data/" + key, bytes));
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return entries;
    }

    static Path write(Path file, Map<String, byte[]> entries) throws IOException {
        Files.write(file, zip(entries, ZipEntry.STORED));
        return file;
    }

    /** The entries in a zip, stored (as torch.save does) or deflated, in map order. */
    static byte[] zip(Map<String, byte[]> entries, int method) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Little-endian float32 values. */
    static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        return buffer.array();
    }

    /**
     * Sets the uncompressed and compressed sizes that the central directory records for entry {@code name} (the
     * ones a zip reader trusts), leaving the data as it is.
     */
    static byte[] patchCentralSizes(byte[] zip, String name, long compressed, long uncompressed) {
        byte[] patched = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 46 <= patched.length; at++) {
            if (buffer.getInt(at) == 0x02014b50 && buffer.getShort(at + 28) == wanted.length
                    && Arrays.equals(patched, at + 46, at + 46 + wanted.length, wanted, 0, wanted.length)) {
                buffer.putInt(at + 20, (int) compressed);
                buffer.putInt(at + 24, (int) uncompressed);
                return patched;
            }
        }
        throw new IllegalArgumentException("no central directory entry " + name);
    }

    /**
     * The CRC-32 that the central directory and the local header record for entry {@code name}, or for every entry
     * when {@code name} is null, set to 0: what {@code torch.save} writes after
     * {@code torch.serialization.set_crc32_options(False)} (PyTorch 2.4 and later).
     */
    static byte[] zeroCrcs(byte[] zip, String name) {
        byte[] patched = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
        int count = 0;
        for (int at = 0; at + 46 <= patched.length; at++) {
            if (buffer.getInt(at) != 0x02014b50) {
                continue;
            }
            int nameLength = Short.toUnsignedInt(buffer.getShort(at + 28));
            if (wanted == null || nameLength == wanted.length
                    && Arrays.equals(patched, at + 46, at + 46 + wanted.length, wanted, 0, wanted.length)) {
                buffer.putInt(at + 16, 0);
                int local = buffer.getInt(at + 42);
                if (buffer.getInt(local) != 0x04034b50) {
                    throw new IllegalArgumentException("no local header at " + local);
                }
                buffer.putInt(local + 14, 0);
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no central directory entry " + name);
        }
        return patched;
    }

    /** Every occurrence of {@code from} replaced by {@code to} (same length), e.g. to rename an entry everywhere. */
    static byte[] replaceAll(byte[] bytes, byte[] from, byte[] to) {
        byte[] patched = bytes.clone();
        int count = 0;
        for (int at = 0; at + from.length <= patched.length; at++) {
            if (Arrays.equals(patched, at, at + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, patched, at, to.length);
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("pattern not found");
        }
        return patched;
    }

    /** The offset of the first occurrence of {@code pattern}. */
    static int indexOf(byte[] bytes, byte[] pattern) {
        for (int at = 0; at + pattern.length <= bytes.length; at++) {
            if (Arrays.equals(bytes, at, at + pattern.length, pattern, 0, pattern.length)) {
                return at;
            }
        }
        throw new IllegalArgumentException("pattern not found");
    }
}

package org.resnet4j.io.pytorch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The zip side of a {@code torch.save} file: records {@code <top>/data.pkl}, {@code <top>/data/<key>} (one per
 * storage), {@code <top>/version} (or {@code <top>/.data/version}) and, since PyTorch 2.1, {@code <top>/byteorder};
 * {@code <top>} is any one folder name (the file's stem before PyTorch 2, {@code archive} after).
 *
 * <p>Nothing is extracted to disk, but the archive is still checked as if it were, since a hostile one may try to
 * confuse a reader: every entry name is relative, without {@code .} or {@code ..} segments, backslashes, colons or
 * control characters, unique, and under the same top folder. A record is read only after its declared sizes were
 * checked against the real file length (stored: at most the file; deflated: at most 1032 times its compressed bytes,
 * deflate's largest ratio), must then give exactly its declared size, and must match its CRC-32, unless the archive
 * records none at all: {@code torch.save} after {@code torch.serialization.set_crc32_options(False)} leaves every
 * CRC field 0, and {@code torch.load} reads such a file.
 */
final class CheckpointArchive implements Closeable {
    /** data.pkl of a ResNet-152 checkpoint with its SGD momentum buffers is 161 KB; one this large is hostile. */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    /** The most that one byte of deflate data can expand to. */
    private static final long DEFLATE_MAX_RATIO = 1032;
    private static final long MAX_RECORD_BYTES = Integer.MAX_VALUE - 8;

    private final ZipFile zip;
    private final String source;
    private final long fileLength;
    private final String top;
    private final Map<String, ZipEntry> entries;
    /** False when every entry's CRC field is 0: the writer computed none (data.pkl is never empty, so its CRC is not). */
    private final boolean crcsRecorded;

    private CheckpointArchive(ZipFile zip, String source, long fileLength, String top, Map<String, ZipEntry> entries) {
        this.zip = zip;
        this.source = source;
        this.fileLength = fileLength;
        this.top = top;
        this.entries = entries;
        this.crcsRecorded = entries.values().stream().anyMatch(entry -> entry.getCrc() != 0);
    }

    static CheckpointArchive open(Path path) throws IOException {
        String source = path.toString();
        long fileLength = Files.size(path);
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (IOException e) {
            // The file was just opened to read its magic bytes, so this is its content: java.util.zip reports a
            // broken end record or central directory as a ZipException, or as an EOFException when it points past
            // the end of the file.
            throw new PyTorchCheckpointException(source + ": not a readable zip archive (" + e
                    + "); a torch.save file that was cut short loses its central directory at the end", e);
        }
        try {
            Map<String, ZipEntry> entries = new LinkedHashMap<>();
            String top = null;
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                String name = entry.getName();
                String problem = nameProblem(name);
                if (problem != null) {
                    throw new PyTorchCheckpointException(source + ": zip entry '" + printable(name) + "' " + problem);
                }
                String first = name.substring(0, Math.max(0, name.indexOf('/')));
                if (top == null) {
                    top = first;
                }
                if (first.isEmpty()) {
                    throw new PyTorchCheckpointException(source + ": zip entry '" + name + "' is not inside a folder "
                            + "(a torch.save archive has one top folder)");
                }
                if (!first.equals(top)) {
                    throw new PyTorchCheckpointException(source + ": zip entry '" + name + "' is not under the folder '"
                            + top + "/' of the first entry (a torch.save archive has one top folder)");
                }
                if (entries.put(name, entry) != null) {
                    throw new PyTorchCheckpointException(source + ": zip entry '" + name + "' appears twice");
                }
            }
            if (top == null || !entries.containsKey(top + "/data.pkl")) {
                throw new PyTorchCheckpointException(source + ": a zip archive without <folder>/data.pkl, so not a "
                        + "torch.save checkpoint");
            }
            return new CheckpointArchive(zip, source, fileLength, top, entries);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** Why {@code name} is unsafe or not a torch.save record name, or null when it is fine. */
    static String nameProblem(String name) {
        if (name.isEmpty() || name.startsWith("/")) {
            return "has an absolute or empty path";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
                return "contains a control character, backslash or colon";
            }
        }
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "has an empty, '.' or '..' path segment (it would point outside the archive's folder)";
            }
        }
        return null;
    }

    private static String printable(String name) {
        StringBuilder text = new StringBuilder();
        name.codePoints().limit(200).forEach(c -> text.append(c < 0x20 || c == 0x7f ? "\\x" + Integer.toHexString(c)
                : Character.toString(c)));
        return text.toString();
    }

    /** The entry name of data.pkl, for messages. */
    String pickleName() {
        return top + "/data.pkl";
    }

    byte[] readPickle() throws PyTorchCheckpointException {
        return read(pickleName(), MAX_PICKLE_BYTES, -1);
    }

    /** The entry name of {@code storage}'s bytes, {@code <top>/data/<key>}. */
    String storageName(StorageRef storage) {
        return top + "/data/" + storage.key();
    }

    /**
     * How many bytes {@link #readStorage} will allocate for {@code storage}: its entry's size, after the checks made
     * before reading (the entry is there, and its declared sizes fit the file and the pickle).
     */
    long storageSize(StorageRef storage) throws PyTorchCheckpointException {
        return declaredSize(storageEntry(storage), MAX_RECORD_BYTES, storage.byteLength());
    }

    /** The bytes of {@code storage}: exactly {@code numel * element size} of them, as the pickle declared. */
    byte[] readStorage(StorageRef storage) throws PyTorchCheckpointException {
        return read(storageEntry(storage), MAX_RECORD_BYTES, storage.byteLength());
    }

    private String storageEntry(StorageRef storage) throws PyTorchCheckpointException {
        String name = storageName(storage);
        if (!entries.containsKey(name)) {
            throw new PyTorchCheckpointException(source + ": the pickle refers to storage '" + storage.key()
                    + "', but there is no zip entry " + name);
        }
        return name;
    }

    /** A short text record such as {@code version}, stripped; null when the archive does not have it. */
    String textRecord(String relativeName) throws PyTorchCheckpointException {
        String name = top + "/" + relativeName;
        if (!entries.containsKey(name)) {
            return null;
        }
        return new String(read(name, 64, -1), StandardCharsets.US_ASCII).strip();
    }

    /**
     * The size entry {@code name} declares, after checking its declared sizes against the file.
     *
     * @param expectedSize the size it must declare, or -1 for any size up to {@code maxSize}
     */
    private long declaredSize(String name, long maxSize, long expectedSize) throws PyTorchCheckpointException {
        ZipEntry entry = entries.get(name);
        String where = source + ": zip entry " + name;
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size < 0 || compressed < 0) {
            throw new PyTorchCheckpointException(where + " does not declare its size");
        }
        if (compressed > fileLength) {
            throw new PyTorchCheckpointException(where + " declares " + compressed + " bytes, more than the file's "
                    + fileLength);
        }
        boolean fits = switch (entry.getMethod()) {
            case ZipEntry.STORED -> size == compressed;
            case ZipEntry.DEFLATED -> size / DEFLATE_MAX_RATIO <= compressed;
            default -> throw new PyTorchCheckpointException(where + " uses compression method " + entry.getMethod()
                    + " (only stored and deflated are read)");
        };
        if (!fits) {
            throw new PyTorchCheckpointException(where + " declares " + size + " bytes from " + compressed
                    + " compressed ones, more than its compression method can give");
        }
        if (expectedSize >= 0 && size != expectedSize) {
            throw new PyTorchCheckpointException(where + " has " + size + " bytes, but the pickle declares "
                    + (expectedSize == Long.MAX_VALUE ? "more than 2^63" : expectedSize) + " for its storage");
        }
        if (size > maxSize) {
            throw new PyTorchCheckpointException(where + " has " + size + " bytes, more than the " + maxSize
                    + " it may have");
        }
        return size;
    }

    /**
     * Reads entry {@code name} after checking its declared sizes ({@link #declaredSize}); it must then give exactly
     * that many bytes, and match its CRC-32 when the archive records them.
     */
    private byte[] read(String name, long maxSize, long expectedSize) throws PyTorchCheckpointException {
        long size = declaredSize(name, maxSize, expectedSize);
        ZipEntry entry = entries.get(name);
        String where = source + ": zip entry " + name;
        byte[] data = new byte[(int) size];
        try (InputStream in = zip.getInputStream(entry)) {
            int count = in.readNBytes(data, 0, data.length);
            if (count < data.length) {
                throw new PyTorchCheckpointException(where + " ends after " + count + " of its " + size
                        + " bytes (the file is truncated or corrupt)");
            }
            if (in.read() != -1) {
                throw new PyTorchCheckpointException(where + " holds more than the " + size + " bytes it declares");
            }
        } catch (PyTorchCheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new PyTorchCheckpointException(where + " cannot be read (" + e
                    + "); the file is truncated or corrupt", e);
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        if (crcsRecorded && crc.getValue() != entry.getCrc()) {
            throw new PyTorchCheckpointException(String.format("%s: CRC-32 mismatch (the zip says %08x, the bytes give "
                    + "%08x): the file is corrupt", where, entry.getCrc(), crc.getValue()));
        }
        return data;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}

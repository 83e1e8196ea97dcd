package org.resnet4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and checks a safetensors file: {@code u64 N} (little-endian), {@code N} bytes of UTF-8 JSON header, then the
 * data section. Every rule is checked before anything large is allocated, so a corrupt or hostile file costs at
 * most its header and fails with a {@link SafeTensorsException} naming the file, the rule and the value or offset:
 * <ul>
 *   <li>{@code N <= }{@value #MAX_HEADER_BYTES} and {@code N <= fileSize - 8};</li>
 *   <li>the header is valid UTF-8 and one JSON object without duplicate keys;</li>
 *   <li>{@code __metadata__}, when present, maps strings to strings;</li>
 *   <li>every other entry has exactly {@code dtype} (a known {@link DType}), {@code shape} (integers {@code >= 0})
 *       and {@code data_offsets} ({@code [begin, end]}, {@code 0 <= begin <= end});</li>
 *   <li>{@code end - begin == product(shape) * dtype size};</li>
 *   <li>sorted by {@code begin}, the tensors tile the data section from 0 with no overlap, no hole and no
 *       trailing bytes.</li>
 * </ul>
 */
final class SafeTensorsReader {
    /** The reference implementation's limit: beyond it a header is taken as corrupt, not as big. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final List<String> ENTRY_KEYS = List.of("dtype", "shape", "data_offsets");

    private SafeTensorsReader() {
    }

    /** Random access to the bytes of one file or array. */
    private interface ByteSource {
        long size() throws IOException;

        /** Fills {@code target} from {@code position} on; the caller has checked that the bytes exist. */
        void readFully(long position, ByteBuffer target) throws IOException;
    }

    static SafeTensorsFile read(Path path) throws IOException {
        requireNotDirectory(path);
        String source = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(source, new ByteSource() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public void readFully(long position, ByteBuffer target) throws IOException {
                    long at = position;
                    while (target.hasRemaining()) {
                        int count = channel.read(target, at);
                        if (count < 0) {
                            throw new SafeTensorsException(source + ": the file ended at offset " + at
                                    + " while reading it (was it changed meanwhile?)");
                        }
                        at += count;
                    }
                }
            });
        }
    }

    /** A directory opens on Linux, and its first read fails with a bare "Is a directory" that names no path. */
    static void requireNotDirectory(Path path) throws SafeTensorsException {
        if (Files.isDirectory(path)) {
            throw fail(path.toString(), "is a directory, not a file");
        }
    }

    static SafeTensorsFile read(String source, byte[] bytes) throws SafeTensorsException {
        try {
            return read(source, new ByteSource() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void readFully(long position, ByteBuffer target) {
                    target.put(bytes, (int) position, target.remaining());
                }
            });
        } catch (SafeTensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail with I/O: " + e, e);
        }
    }

    private record Pending(String name, DType dtype, long[] shape, long begin, long end) {
        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    private static SafeTensorsFile read(String source, ByteSource in) throws IOException {
        long fileSize = in.size();
        if (fileSize < 8) {
            throw fail(source, "the file is " + fileSize + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        in.readFully(0, prefix);
        long headerLength = prefix.getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw fail(source, "header length " + Long.toUnsignedString(headerLength) + " (file offset 0) exceeds the "
                    + "limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength > fileSize - 8) {
            throw fail(source, "header length " + headerLength + " (file offset 0) exceeds the file size minus 8 ("
                    + (fileSize - 8) + " bytes)");
        }
        byte[] header = new byte[(int) headerLength];
        in.readFully(8, ByteBuffer.wrap(header));
        checkUtf8(source, header);
        Object root = JsonParser.parse(header, 0, header.length, source, 8);
        if (!(root instanceof Map<?, ?> members)) {
            throw fail(source, "the header is a JSON " + kind(root) + ", expected an object");
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Pending> pending = new ArrayList<>();
        for (Map.Entry<?, ?> member : members.entrySet()) {
            String name = (String) member.getKey();
            if (name.equals(SafeTensorsFile.METADATA_KEY)) {
                readMetadata(source, member.getValue(), metadata);
            } else {
                pending.add(entry(source, name, member.getValue()));
            }
        }

        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;
        checkLayout(source, pending, dataStart, dataLength);

        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        for (Pending p : pending) {
            byte[] data = new byte[(int) (p.end - p.begin)];
            in.readFully(dataStart + p.begin, ByteBuffer.wrap(data));
            tensors.put(p.name, new TensorEntry(p.name, p.dtype, p.shape, data));
        }
        return new SafeTensorsFile(source, metadata, tensors);
    }

    private static void checkUtf8(String source, byte[] header) throws SafeTensorsException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(header);
        // A small window: validation must not cost a second copy of a large header.
        CharBuffer window = CharBuffer.allocate(4096);
        while (true) {
            CoderResult result = decoder.decode(bytes, window, true);
            if (result.isError()) {
                throw fail(source, "the header is not valid UTF-8: malformed byte 0x"
                        + Integer.toHexString(header[bytes.position()] & 0xFF) + " at file offset "
                        + (8 + bytes.position()));
            }
            if (result.isOverflow()) {
                window.clear();
            } else {
                return;
            }
        }
    }

    private static void readMetadata(String source, Object value, Map<String, String> metadata)
            throws SafeTensorsException {
        if (!(value instanceof Map<?, ?> map)) {
            throw fail(source, SafeTensorsFile.METADATA_KEY + " is a JSON " + kind(value)
                    + ", expected an object of strings");
        }
        for (Map.Entry<?, ?> item : map.entrySet()) {
            if (!(item.getValue() instanceof String text)) {
                throw fail(source, SafeTensorsFile.METADATA_KEY + " value for key '"
                        + Printable.of((String) item.getKey()) + "' is a JSON " + kind(item.getValue())
                        + ", expected a string");
            }
            metadata.put((String) item.getKey(), text);
        }
    }

    private static Pending entry(String source, String name, Object value) throws SafeTensorsException {
        if (name.isEmpty()) {
            throw fail(source, "a tensor has the empty string as its name; every tensor needs a name");
        }
        String where = "tensor '" + Printable.of(name) + "': ";
        if (!(value instanceof Map<?, ?> fields)) {
            throw fail(source, where + "the entry is a JSON " + kind(value)
                    + ", expected an object with dtype, shape and data_offsets");
        }
        for (Object key : fields.keySet()) {
            if (!ENTRY_KEYS.contains(key)) {
                throw fail(source, where + "unknown key \"" + Printable.of((String) key) + "\" (an entry has exactly "
                        + "dtype, shape and data_offsets)");
            }
        }
        for (String key : ENTRY_KEYS) {
            if (!fields.containsKey(key)) {
                throw fail(source, where + "missing \"" + key + "\"");
            }
        }

        Object dtypeValue = fields.get("dtype");
        if (!(dtypeValue instanceof String dtypeName)) {
            throw fail(source, where + "dtype is a JSON " + kind(dtypeValue) + ", expected a string");
        }
        DType dtype = DType.fromHeaderName(dtypeName);
        if (dtype == null) {
            throw fail(source, where + "unknown dtype \"" + Printable.of(dtypeName) + "\" (known: "
                    + Arrays.toString(DType.values()) + ")");
        }

        long[] shape = integers(source, where + "shape", fields.get("shape"));
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw fail(source, where + "shape " + Arrays.toString(shape) + " has negative dimension "
                        + shape[i] + " at index " + i);
            }
        }

        long[] offsets = integers(source, where + "data_offsets", fields.get("data_offsets"));
        if (offsets.length != 2) {
            throw fail(source, where + "data_offsets " + Arrays.toString(offsets) + " must be [begin, end]");
        }
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin) {
            throw fail(source, where + "data_offsets " + Arrays.toString(offsets)
                    + " must satisfy 0 <= begin <= end");
        }

        long count = 1;
        for (long dim : shape) {
            count = TensorEntry.multiplyOrMax(count, dim);
        }
        long needed = TensorEntry.multiplyOrMax(count, dtype.byteSize());
        if (end - begin != needed) {
            throw fail(source, where + "data_offsets " + Arrays.toString(offsets) + " span " + (end - begin)
                    + " bytes, but " + dtype + " " + Arrays.toString(shape) + " needs "
                    + (needed == Long.MAX_VALUE ? "more than 2^63" : Long.toString(needed)));
        }
        if (needed > SafeTensorsFile.MAX_TENSOR_BYTES) {
            throw fail(source, where + dtype + " " + Arrays.toString(shape) + " takes " + needed
                    + " bytes, more than one Java array can hold");
        }
        return new Pending(name, dtype, shape, begin, end);
    }

    /** The tensors, sorted by begin, must tile {@code [0, dataLength)} exactly. Sorts {@code pending} in place. */
    private static void checkLayout(String source, List<Pending> pending, long dataStart, long dataLength)
            throws SafeTensorsException {
        pending.sort(Comparator.comparingLong(Pending::begin).thenComparingLong(Pending::end)
                .thenComparing(Pending::name));
        long expected = 0;
        Pending previous = null;
        for (Pending p : pending) {
            if (p.begin < expected) {
                throw fail(source, "tensor '" + Printable.of(p.name) + "': data_offsets " + p.offsets()
                        + " overlap tensor '" + Printable.of(previous.name) + "' " + previous.offsets());
            }
            if (p.begin > expected) {
                throw fail(source, "tensor '" + Printable.of(p.name) + "': data_offsets " + p.offsets()
                        + " leave a hole of " + (p.begin - expected) + " bytes at data offset " + expected
                        + " (file offset " + (dataStart + expected) + ")"
                        + (previous == null ? ": the first tensor must begin at 0"
                                : " after tensor '" + Printable.of(previous.name) + "' " + previous.offsets()));
            }
            if (p.end > dataLength) {
                throw fail(source, "tensor '" + Printable.of(p.name) + "': data_offsets " + p.offsets()
                        + " end beyond the data section, which holds " + dataLength + " bytes (the file is "
                        + (dataStart + dataLength) + " bytes)");
            }
            expected = p.end;
            previous = p;
        }
        if (expected != dataLength) {
            throw fail(source, "the data section has " + (dataLength - expected) + " trailing bytes after the last "
                    + "tensor, from file offset " + (dataStart + expected));
        }
    }

    private static long[] integers(String source, String what, Object value) throws SafeTensorsException {
        if (!(value instanceof List<?> list)) {
            throw fail(source, what + " is a JSON " + kind(value) + ", expected an array of integers");
        }
        long[] result = new long[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Long number)) {
                throw fail(source, what + " element " + i + " is a JSON " + kind(list.get(i))
                        + ", expected an integer");
            }
            result[i] = number;
        }
        return result;
    }

    private static String kind(Object value) {
        return switch (value) {
            case Map<?, ?> _ -> "object";
            case List<?> _ -> "array";
            case String _ -> "string";
            case Long _ -> "integer";
            default -> "value";
        };
    }

    private static SafeTensorsException fail(String source, String problem) {
        return new SafeTensorsException(source + ": " + problem);
    }
}

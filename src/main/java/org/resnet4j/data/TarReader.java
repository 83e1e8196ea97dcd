package org.resnet4j.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of tar streams (POSIX ustar, with GNU long names), enough to unpack the CIFAR-10 archive without a
 * dependency. A tar stream is a sequence of 512-byte headers, each followed by the entry's data padded to a multiple
 * of 512, and ends with a zero block. Header fields used: name (offset 0, 100 bytes), size (124, 12 bytes, octal or
 * GNU base-256), checksum (148, 8 bytes, octal sum of the header bytes with this field read as spaces), type (156),
 * magic (257) and, for ustar, the name prefix (345, 155 bytes). Pax extended headers are skipped like any other
 * non-file entry. Does not close {@code in}.
 *
 * <p>Bad content of any kind (a wrong checksum, a malformed number, a stream that ends inside a header or member) is a
 * {@link MalformedDataException} naming the archive and the byte offset in the tar stream; other {@link IOException}s
 * come from {@code in} itself.
 */
final class TarReader {
    static final int BLOCK = 512;
    private static final int MAX_LONG_NAME = 1 << 16;
    /** Far beyond any real archive, and small enough that a size plus its padding cannot overflow a long. */
    static final long MAX_MEMBER_BYTES = 1L << 62;

    /** One archive member: its path in the archive, its data size in bytes and its type flag ('0' = file). */
    record Entry(String name, long size, char type) {
        boolean isFile() {
            return type == '0' || type == '\0';
        }
    }

    private final InputStream in;
    private final String source;
    private final byte[] header = new byte[BLOCK];
    private long position;
    private long remaining;
    private long padding;
    private boolean ended;

    /** @param source names the archive in messages */
    TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next member's header, skipping whatever is left of the current one; null at the end of the archive. */
    Entry next() throws IOException {
        String longName = null;
        while (!ended) {
            skip(remaining + padding);
            remaining = 0;
            padding = 0;
            long headerOffset = position;
            int read = in.readNBytes(header, 0, BLOCK);
            position += read;
            if (read == 0 || isZeroBlock(read)) {
                // A missing end marker is tolerated, as GNU tar does: the last member was complete.
                ended = true;
                return null;
            }
            if (read < BLOCK) {
                throw malformed("truncated header at byte offset " + headerOffset + " (" + read + " of " + BLOCK
                        + " bytes)");
            }
            verifyChecksum(headerOffset);
            long size = parseSize(headerOffset);
            if (size > MAX_MEMBER_BYTES) {
                throw malformed("header at byte offset " + headerOffset + " declares a member of " + size
                        + " bytes (at most " + MAX_MEMBER_BYTES + ")");
            }
            char type = (char) (header[156] & 0xFF);
            String name = longName != null ? longName : headerName();
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'L') {
                if (size > MAX_LONG_NAME) {
                    throw malformed("GNU long name of " + size + " bytes at byte offset " + headerOffset
                            + " (at most " + MAX_LONG_NAME + ")");
                }
                longName = cString(readContent((int) size), 0, (int) size);
                continue;
            }
            return new Entry(name, size, type);
        }
        return null;
    }

    /** The current member's data: exactly {@link Entry#size()} bytes, then end of stream. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw malformed("the archive ends inside a member, " + remaining + " bytes short (byte offset "
                            + position + ")");
                }
                remaining -= n;
                position += n;
                return n;
            }
        };
    }

    private byte[] readContent(int size) throws IOException {
        byte[] data = content().readNBytes(size);
        if (data.length < size) {
            throw malformed("the archive ends inside a member at byte offset " + position);
        }
        return data;
    }

    private void skip(long bytes) throws IOException {
        try {
            in.skipNBytes(bytes);
        } catch (EOFException e) {
            throw malformed("the archive ends inside a member (skipping " + bytes + " bytes from byte offset "
                    + position + ")");
        }
        position += bytes;
    }

    private boolean isZeroBlock(int length) {
        for (int i = 0; i < length; i++) {
            if (header[i] != 0) {
                return false;
            }
        }
        return length == BLOCK;
    }

    private void verifyChecksum(long headerOffset) throws IOException {
        long computed = 0;
        for (int i = 0; i < BLOCK; i++) {
            computed += (i >= 148 && i < 156) ? ' ' : header[i] & 0xFF;
        }
        long stored = parseOctal(148, 8, headerOffset, "checksum");
        if (stored != computed) {
            throw malformed("header at byte offset " + headerOffset + " has checksum " + stored
                    + " but its bytes sum to " + computed + ": not a tar archive, or a corrupt one");
        }
    }

    private long parseSize(long headerOffset) throws IOException {
        if ((header[124] & 0x80) != 0) {
            // GNU base-256: the remaining bits of the 12 bytes are a big-endian number (for members over 8 GiB).
            long value = header[124] & 0x7F;
            for (int i = 125; i < 136; i++) {
                if (value > (Long.MAX_VALUE >> 8)) {
                    throw malformed("member size too large at byte offset " + headerOffset);
                }
                value = (value << 8) | (header[i] & 0xFF);
            }
            return value;
        }
        return parseOctal(124, 12, headerOffset, "size");
    }

    private long parseOctal(int offset, int length, long headerOffset, String field) throws IOException {
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        boolean digits = false;
        for (; i < end && header[i] != ' ' && header[i] != 0; i++) {
            int digit = header[i] - '0';
            if (digit < 0 || digit > 7 || value > (Long.MAX_VALUE >> 3)) {
                throw malformed("header at byte offset " + headerOffset + " has a bad " + field + " field \""
                        + printable(offset, length) + "\"");
            }
            value = value * 8 + digit;
            digits = true;
        }
        if (!digits) {
            throw malformed("header at byte offset " + headerOffset + " has an empty " + field + " field");
        }
        return value;
    }

    /** A header field as text, every byte outside printable ASCII written as {@code \xNN}: a message stays one line. */
    private String printable(int offset, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = offset; i < offset + length; i++) {
            int b = header[i] & 0xFF;
            text.append(b >= 0x20 && b < 0x7F && b != '\\' && b != '"' ? Character.toString(b)
                    : String.format("\\x%02x", b));
        }
        return text.toString();
    }

    private String headerName() {
        String name = cString(header, 0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        String prefix = ustar ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private MalformedDataException malformed(String problem) {
        return new MalformedDataException(source + ": tar: " + problem);
    }
}

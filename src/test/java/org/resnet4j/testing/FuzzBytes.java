package org.resnet4j.testing;

import java.util.Arrays;

/**
 * Reads a fuzz input front to back: a few small control values, then payload. A layout that a person can write by
 * hand keeps the committed seeds readable (a fuzzer reads them from files); past the end every value is 0.
 */
public final class FuzzBytes {
    private final byte[] bytes;
    private int position;

    public FuzzBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The next byte as 0..255. */
    public int u8() {
        return position < bytes.length ? bytes[position++] & 0xFF : 0;
    }

    /** The next two bytes as a little-endian 0..65535. */
    public int u16() {
        return u8() | u8() << 8;
    }

    /** The next {@code count} bytes, fewer at the end of the input. */
    public byte[] take(int count) {
        int end = (int) Math.min(bytes.length, (long) position + count);
        byte[] taken = Arrays.copyOfRange(bytes, Math.min(position, end), end);
        position = end;
        return taken;
    }

    /** Everything not yet read. */
    public byte[] rest() {
        return take(bytes.length);
    }
}

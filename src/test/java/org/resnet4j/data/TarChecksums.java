package org.resnet4j.data;

import java.nio.charset.StandardCharsets;

/**
 * Gives every 512-byte block of a fuzzed tar image a correct header checksum. A fuzzer cannot guess an octal sum of
 * 512 bytes, so without this nearly every mutation would stop at the first checksum; data blocks get the field too,
 * which only changes content that is arbitrary anyway.
 */
final class TarChecksums {
    private TarChecksums() {
    }

    static byte[] fixed(byte[] tar) {
        byte[] copy = tar.clone();
        for (int block = 0; block + TarReader.BLOCK <= copy.length; block += TarReader.BLOCK) {
            long sum = 0;
            for (int i = 0; i < TarReader.BLOCK; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : copy[block + i] & 0xFF;
            }
            // A zero block stays zero: it is the end marker, not a header.
            if (sum != 8 * ' ') {
                byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(field, 0, copy, block + 148, field.length);
            }
        }
        return copy;
    }
}

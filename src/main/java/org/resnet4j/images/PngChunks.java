package org.resnet4j.images;

import java.util.zip.CRC32;

/**
 * The chunk structure of a PNG file: every chunk must fit in the data and match its CRC, and the IEND chunk must
 * come. The JDK's PNG reader checks neither: it decodes a file cut right after its pixel data without complaint, and
 * reads damaged bytes as pixels when the damage does not break the compressed stream.
 */
final class PngChunks {
    /** Length, type and CRC: the 12 bytes around a chunk's data. */
    private static final int FRAME = 12;
    private static final int SIGNATURE = 8;

    private PngChunks() {
    }

    /** Walks the chunks after the signature up to IEND; bytes after IEND are ignored, as every decoder does. */
    static void check(byte[] png, String source) throws ImageDecodingException {
        CRC32 crc = new CRC32();
        long at = SIGNATURE;
        while (true) {
            if (png.length - at < FRAME) {
                throw new ImageDecodingException(source + ": the PNG data ends before its IEND chunk (truncated?)");
            }
            int offset = (int) at;
            long length = uint32(png, offset);
            if (length > png.length - at - FRAME) {
                throw new ImageDecodingException(source + ": a PNG chunk runs past the end of the data (truncated?)");
            }
            crc.reset();
            crc.update(png, offset + 4, 4 + (int) length);
            if (crc.getValue() != uint32(png, offset + 8 + (int) length)) {
                throw new ImageDecodingException(source + ": a PNG chunk fails its CRC check (damaged data)");
            }
            if (png[offset + 4] == 'I' && png[offset + 5] == 'E' && png[offset + 6] == 'N' && png[offset + 7] == 'D') {
                return;
            }
            at += FRAME + length;
        }
    }

    /** The big-endian unsigned 32-bit value at {@code at} (PNG lengths, sizes and CRCs). */
    static long uint32(byte[] bytes, int at) {
        return ((bytes[at] & 0xFFL) << 24) | ((bytes[at + 1] & 0xFFL) << 16) | ((bytes[at + 2] & 0xFFL) << 8)
                | (bytes[at + 3] & 0xFFL);
    }
}

package org.resnet4j.images;

/**
 * The walk over a JPEG's marker segments before its first scan, in one place for the readers of its metadata (EXIF
 * orientation, frame size, ICC profiles). Fill bytes (0xFF runs before a marker) are skipped, as libjpeg and Pillow
 * skip them; the markers that carry no length (TEM, RSTn, SOI) are reported with length 0.
 */
final class JpegSegments {
    /** What {@link #walk} returns when a segment's length is below 2 or runs past the end of the bytes. */
    static final int MALFORMED = -1;
    /** Start of scan: the entropy-coded data follows, with no metadata segments after it that matter here. */
    static final int SOS = 0xDA;
    /** End of image. */
    static final int EOI = 0xD9;

    /** Called for each segment; returns false to stop the walk there. */
    interface Visitor {
        /**
         * @param marker the marker's second byte (0xE1 for APP1)
         * @param at     where the segment's 0xFF starts
         * @param length the segment's length field (counting its own two bytes, not the marker's), 0 for markers
         *               without one; {@code at + 2 + length} is within the bytes
         */
        boolean segment(int marker, int at, int length);
    }

    private JpegSegments() {
    }

    /**
     * Visits the segments from offset 2 (after the start-of-image marker) until a start of scan, an end of image, a
     * byte that is no marker, the end of the bytes, or the visitor's stop.
     *
     * @return where the walk stopped (the offset of the SOS or EOI marker, or of the segment the visitor stopped at,
     *         or of the first byte that is no marker), or {@link #MALFORMED}
     */
    static int walk(byte[] jpeg, Visitor visitor) {
        int at = 2;
        while (at + 1 < jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            if (marker == 0xFF) {
                at++;
                continue;
            }
            if (marker == SOS || marker == EOI) {
                return at;
            }
            int length = 0;
            if (!(marker == 0x01 || marker >= 0xD0 && marker <= 0xD8)) {
                if (at + 4 > jpeg.length) {
                    return MALFORMED;
                }
                length = ExifOrientation.u16(jpeg, at + 2, false);
                if (length < 2 || at + 2 + length > jpeg.length) {
                    return MALFORMED;
                }
            }
            if (!visitor.segment(marker, at, length)) {
                return at;
            }
            at += 2 + length;
        }
        return at;
    }
}

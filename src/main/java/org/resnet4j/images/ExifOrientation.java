package org.resnet4j.images;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 in IFD0 of its APP1 "Exif" segment): how a camera says its pixels must be
 * turned to show the scene upright. Read from the bytes here because the JDK's decoder ignores it. Values 1 to 8, as
 * the EXIF standard numbers them; 1 (upright) for any file without a readable tag, since a damaged EXIF block does not
 * make the pixels unreadable.
 */
final class ExifOrientation {
    static final int UPRIGHT = 1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_LONG = 4;

    private ExifOrientation() {
    }

    /** The orientation recorded in {@code jpeg}, or {@link #UPRIGHT}. */
    static int of(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            return UPRIGHT;
        }
        int[] orientation = {UPRIGHT};
        JpegSegments.walk(jpeg, (marker, at, length) -> {
            if (marker == 0xE1 && length >= 8 && isExifHeader(jpeg, at + 4)) {
                orientation[0] = fromTiff(jpeg, at + 10, at + 2 + length);
                return false;
            }
            return true;
        });
        return orientation[0];
    }

    private static boolean isExifHeader(byte[] b, int at) {
        return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0
                && b[at + 5] == 0;
    }

    /** @param tiff where the TIFF header starts; {@code end} where the segment ends */
    private static int fromTiff(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return UPRIGHT;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return UPRIGHT;
        }
        long ifd = tiff + u32(b, tiff + 4, little);
        if (ifd + 2 > end) {
            return UPRIGHT;
        }
        int entries = u16(b, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > end) {
                return UPRIGHT;
            }
            if (u16(b, (int) entry, little) == TAG_ORIENTATION) {
                // By its type, as Pillow reads it: the standard says SHORT, but some writers use LONG, whose first
                // 16 bits in big-endian order are 0.
                long value = u16(b, (int) entry + 2, little) == TYPE_LONG ? u32(b, (int) entry + 8, little)
                        : u16(b, (int) entry + 8, little);
                return value >= 1 && value <= 8 ? (int) value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    /** {@code image} turned as {@code orientation} asks, so it shows upright (Pillow's {@code exif_transpose}). */
    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation == UPRIGHT) {
            return image;
        }
        boolean swap = orientation >= 5;
        int w = image.width();
        int h = image.height();
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        byte[] src = image.raw();
        byte[] out = new byte[src.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    case 8 -> { sx = w - 1 - y; sy = x; }
                    default -> throw new IllegalArgumentException("EXIF orientation must be 1 to 8, got " + orientation);
                }
                System.arraycopy(src, (sy * w + sx) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return RgbImage.own(outW, outH, out);
    }

    /** The unsigned 16-bit value at {@code at}, little- or big-endian (JPEG segment fields are big-endian). */
    static int u16(byte[] b, int at, boolean little) {
        int b0 = b[at] & 0xFF;
        int b1 = b[at + 1] & 0xFF;
        return little ? b0 | b1 << 8 : b0 << 8 | b1;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long lo = u16(b, little ? at : at + 2, little);
        long hi = u16(b, little ? at + 2 : at, little);
        return hi << 16 | lo;
    }
}

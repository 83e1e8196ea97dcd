package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one walk over a JPEG's segments that the EXIF, frame-size and ICC readers share. */
class JpegSegmentsTest {
    private static final byte[] SOI = {(byte) 0xFF, (byte) 0xD8};

    /** {@code 0xFF marker} then a length field and {@code body} (no length field when {@code body} is null). */
    private static byte[] segment(int marker, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(marker);
        if (body != null) {
            out.write((body.length + 2) >> 8);
            out.write(body.length + 2);
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static List<String> visited(byte[] jpeg, int[] end) {
        List<String> seen = new ArrayList<>();
        end[0] = JpegSegments.walk(jpeg, (marker, at, length) -> seen.add(Integer.toHexString(marker) + "@" + at + "+"
                + length));
        return seen;
    }

    @Test
    void segmentsAreVisitedUpToTheScanSkippingFillBytesAndMarkersWithoutLength() {
        byte[] jpeg = concat(SOI, segment(0xE0, new byte[3]), new byte[] {(byte) 0xFF, (byte) 0xFF}, segment(0xD0, null),
                segment(0xE1, new byte[1]), segment(0xDA, new byte[4]), new byte[] {1, 2, 3});
        int[] end = new int[1];
        // APP0 at 2 (length 5), fill bytes at 9 and 10, RST0 at 11, APP1 at 13, SOS at 18
        assertEquals(List.of("e0@2+5", "d0@11+0", "e1@13+3"), visited(jpeg, end));
        assertEquals(18, end[0]);
    }

    @Test
    void aLengthPastTheEndOrBelowTwoIsMalformed() {
        byte[] past = concat(SOI, new byte[] {(byte) 0xFF, (byte) 0xE1, 0, 9, 1, 2});
        byte[] belowTwo = concat(SOI, new byte[] {(byte) 0xFF, (byte) 0xE1, 0, 1, 1, 2});
        byte[] cut = concat(SOI, new byte[] {(byte) 0xFF, (byte) 0xE1, 0});
        int[] end = new int[1];
        for (byte[] jpeg : new byte[][] {past, belowTwo, cut}) {
            assertEquals(List.of(), visited(jpeg, end));
            assertEquals(JpegSegments.MALFORMED, end[0]);
        }
    }

    @Test
    void theWalkStopsAtAByteThatIsNoMarkerOrWhereTheVisitorSays() {
        byte[] jpeg = concat(SOI, segment(0xE0, new byte[2]), new byte[] {0x12, 0x34});
        int[] end = new int[1];
        assertEquals(List.of("e0@2+4"), visited(jpeg, end));
        assertEquals(8, end[0]);
        assertEquals(2, JpegSegments.walk(jpeg, (marker, at, length) -> false));
    }

    /**
     * An EXIF orientation after a marker without a length is found (its reader used to take the marker's next bytes
     * for a length, and lost its way).
     */
    @Test
    void theOrientationAfterARestartMarkerIsFound() {
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
        byte[] exif = concat(new byte[] {'E', 'x', 'i', 'f', 0, 0}, tiff);
        assertEquals(6, ExifOrientation.of(concat(SOI, segment(0xE1, exif), segment(0xDA, new byte[2]))));
        assertEquals(6, ExifOrientation.of(concat(SOI, segment(0xD0, null), segment(0xE1, exif),
                segment(0xDA, new byte[2]))));
    }
}

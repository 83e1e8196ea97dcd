package org.resnet4j.images;

import java.io.ByteArrayOutputStream;

/**
 * Removes embedded ICC colour profiles (APP2 "ICC_PROFILE" segments) from a JPEG before decoding. The JDK's decoder
 * converts the pixels of a profiled JPEG from that profile to sRGB (an Adobe RGB photograph moved by 5.7 levels on
 * average, up to 55); Pillow, and so torchvision, keep the stored values, which is what pretrained weights were trained
 * on. Without the segments the JDK gives Pillow's bytes.
 */
final class JpegProfiles {
    private static final byte[] ICC_TAG = "ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private JpegProfiles() {
    }

    /** {@code jpeg} without its ICC segments; the bytes as they are when it has none or its segments do not parse. */
    static byte[] strip(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        out.write(jpeg, 0, 2);
        boolean[] stripped = {false};
        // Fill bytes are optional, so dropped: the walk hands over whole segments only.
        int end = JpegSegments.walk(jpeg, (marker, at, length) -> {
            if (marker == 0xE2 && isIccProfile(jpeg, at + 4, length - 2)) {
                stripped[0] = true;
            } else {
                out.write(jpeg, at, 2 + length);
            }
            return true;
        });
        if (end == JpegSegments.MALFORMED || !stripped[0]) {
            return jpeg;
        }
        // From the start of scan (or end of image) on, the bytes go through unchanged.
        out.write(jpeg, end, jpeg.length - end);
        return out.toByteArray();
    }

    private static boolean isIccProfile(byte[] b, int at, int length) {
        if (length < ICC_TAG.length) {
            return false;
        }
        for (int i = 0; i < ICC_TAG.length; i++) {
            if (b[at + i] != ICC_TAG[i]) {
                return false;
            }
        }
        return true;
    }
}

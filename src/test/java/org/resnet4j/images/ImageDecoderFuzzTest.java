package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.resnet4j.testing.FuzzContract.assertDocumentedFailure;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes as an image file: the decoder returns an RGB image whose size its header declared, or throws
 * {@link ImageDecodingException} naming the source; never another exception from ImageIO, a hang, or an image of a
 * size the header did not give. Seeds: the PNG and JPEG fixtures of every kind.
 */
@Tag("fuzz")
class ImageDecoderFuzzTest {
    private static final String SOURCE = "fuzz.img";

    @FuzzTest
    @Timeout(10)
    void decodesOrRejects(byte[] bytes) throws Throwable {
        try {
            RgbImage image = ImageDecoder.ignoringOrientation().decode(bytes, SOURCE);
            ImageHeader header = ImageHeader.read(bytes, SOURCE);
            assertEquals(header.width() + "x" + header.height(), image.width() + "x" + image.height());
        } catch (Throwable e) {
            assertDocumentedFailure(e, ImageDecodingException.class, SOURCE);
        }
    }
}

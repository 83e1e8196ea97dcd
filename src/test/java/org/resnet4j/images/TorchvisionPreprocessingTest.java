package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.tensor.Tensor;

/**
 * torchvision's preprocessing reproduced value for value. Each step starts from Pillow's own decoded bytes, so the
 * comparison is of the step alone: Resize(40) gives Pillow's bytes exactly, CenterCrop (also one larger than the image,
 * which pads) the same pixels, and ToTensor + Normalize the same float32 values.
 */
class TorchvisionPreprocessingTest {

    static Stream<String> files() {
        return Stream.concat(Stream.of(ImageFixtures.PNG), Stream.of(ImageFixtures.JPEG));
    }

    @ParameterizedTest
    @MethodSource("files")
    void resizeGivesPillowsBytes(String file) throws IOException {
        SafeTensorsFile expected = ImageFixtures.expected();
        RgbImage decoded = ImageFixtures.image(expected, file + ".rgb");

        RgbImage resized = Resize.shorterSide(decoded, 40);

        RgbImage pillow = ImageFixtures.image(expected, file + ".resized");
        assertEquals(pillow.width() + "x" + pillow.height(), resized.width() + "x" + resized.height());
        assertArrayEquals(pillow.pixels(), resized.pixels(), file + ": resized bytes");
    }

    @ParameterizedTest
    @MethodSource("files")
    void centerCropAndTensorGiveTorchvisionsValues(String file) throws IOException {
        SafeTensorsFile expected = ImageFixtures.expected();
        RgbImage decoded = ImageFixtures.image(expected, file + ".rgb");

        Tensor tensor = new EvaluationTransform(40, 32, PixelTensors.imagenetMean(), PixelTensors.imagenetStd())
                .apply(decoded);

        assertArrayEquals(expected.floats(file + ".tensor"), tensor.data(), file + ": normalized tensor");
        RgbImage padded = Resize.centerCrop(ImageFixtures.image(expected, file + ".resized"), 50, 50);
        assertArrayEquals(ImageFixtures.image(expected, file + ".crop50").pixels(), padded.pixels(),
                file + ": a crop larger than the image pads as torchvision does");
    }
}

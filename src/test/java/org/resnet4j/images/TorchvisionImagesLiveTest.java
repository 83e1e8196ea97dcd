package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.PythonReference;

/**
 * Full-size photographs (Debian's python3-skimage ships them) through torchvision's ImageNet evaluation transform,
 * Resize(256) -> CenterCrop(224) -> ToTensor -> Normalize, from the file to the tensor: resnet4j gives torchvision's
 * values. Skipped, saying what to install, without python3-torchvision or python3-skimage.
 */
class TorchvisionImagesLiveTest {
    /** The bound: within 1/255 of torchvision per value (in normalized units; measured: 0, identical). */
    private static final double TOLERANCE = 1.0 / 255;

    @TempDir
    Path directory;

    @Test
    void imagenetEvaluationTransformOfRealPhotographsMatchesTorchvision() throws IOException, InterruptedException {
        new PythonReference(Path.of("src", "test", "python", "make_image_fixtures.py"), List.of("--live"),
                directory, 120, "python3-torchvision or python3-skimage not installed: apt-get install "
                + "python3-torchvision python3-skimage").require();
        SafeTensorsFile expected = SafeTensors.read(directory.resolve("expected.safetensors"));
        List<String> photos = List.of(expected.metadataValue("photos").split(","));
        assertTrue(photos.size() >= 5, "photographs found: " + photos);
        EvaluationTransform transform = EvaluationTransform.imagenet();
        for (String photo : photos) {
            RgbImage image = ImageDecoder.ignoringOrientation().decode(directory.resolve(photo));
            long[] size = expected.longs(photo + ".size");
            assertEquals(size[0] + "x" + size[1], image.width() + "x" + image.height(), photo);
            Tensor tensor = transform.apply(image);
            float[] reference = expected.floats(photo + ".tensor");
            double max = 0;
            double sum = 0;
            for (int i = 0; i < reference.length; i++) {
                double d = Math.abs(reference[i] - tensor.data()[i]);
                max = Math.max(max, d);
                sum += d;
            }
            System.out.printf("%s %dx%d: max |difference| %.3g, mean %.3g%n", photo, image.width(), image.height(),
                    max, sum / reference.length);
            assertTrue(max <= TOLERANCE, photo + ": max difference " + max);
        }
    }
}

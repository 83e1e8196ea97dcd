package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.images.RgbImage;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Tensor;

/** {@code features}: image files in, each stage's output and the pooled embedding out, as the library computes them. */
class FeaturesCommandTest {
    private static final Path IMAGES = Path.of("src", "test", "resources", "fixtures", "images");

    @TempDir
    Path dir;

    private static List<RgbImage> decode(String... files) throws IOException {
        ImageDecoder decoder = ImageDecoder.standard();
        java.util.ArrayList<RgbImage> images = new java.util.ArrayList<>();
        for (String file : files) {
            images.add(decoder.decode(IMAGES.resolve(file)));
        }
        return images;
    }

    /** A CIFAR network with a recorded normalization: 32x32 pixels in [0, 1], then that normalization. */
    @Test
    void cifarFeaturesOfImageFiles() throws IOException {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(4));
        Normalization normalization = new Normalization(new float[] {0.49f, 0.48f, 0.45f},
                new float[] {0.25f, 0.24f, 0.26f});
        Path weights = dir.resolve("w.safetensors");
        StateDicts.save(model, weights, Map.of("model", "resnet20", Normalization.MEAN_KEY, "0.49,0.48,0.45",
                Normalization.STD_KEY, "0.25,0.24,0.26"));
        Path output = dir.resolve("f.safetensors");

        Cli run = Cli.run("features", "--model", "resnet20", "--weights", weights.toString(), "--image",
                IMAGES.resolve("rgb.png").toString(), "--image", IMAGES.resolve("baseline.jpg").toString(),
                "--output", output.toString()).assertSuccess();

        assertEquals("features=" + output + " images=2", run.lastLine());
        Tensor input = normalization.normalize(new EvaluationTransform(32, 32, null, null)
                .batch(decode("rgb.png", "baseline.jpg")));
        assertSameFeatures(model.freeze().features(input), SafeTensors.read(output), List.of("layer1", "layer2",
                "layer3", "flatten"));
    }

    /** An ImageNet network from weights that record no normalization: torchvision's transform and ImageNet's. */
    @Test
    void imagenetFeaturesWithTorchvisionPreprocessing() throws IOException {
        ResNet model = ResNets.create("resnet18", ModelOptions.defaults(1000).withSeed(5));
        Path weights = dir.resolve("r18.safetensors");
        StateDicts.save(model, weights, Map.of());
        Path output = dir.resolve("f.safetensors");

        Cli.run("features", "--model", "resnet18", "--weights", weights.toString(), "--image",
                IMAGES.resolve("progressive.jpg").toString(), "--output", output.toString(), "--image-size", "64")
                .assertSuccess();

        Tensor input = new EvaluationTransform(73, 64, PixelTensors.imagenetMean(), PixelTensors.imagenetStd())
                .batch(decode("progressive.jpg"));
        assertSameFeatures(model.freeze().features(input), SafeTensors.read(output), List.of("layer1", "layer2",
                "layer3", "layer4", "flatten"));
    }

    @Test
    void anUnreadableImageIsOneLineNamingIt() throws IOException {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10));
        Path weights = dir.resolve("w.safetensors");
        StateDicts.save(model, weights, Map.of("model", "resnet20", Normalization.MEAN_KEY, "0.49,0.48,0.45",
                Normalization.STD_KEY, "0.25,0.24,0.26"));
        Path text = dir.resolve("notes.png");
        java.nio.file.Files.writeString(text, "not an image");

        Cli.run("features", "--model", "resnet20", "--weights", weights.toString(), "--image", text.toString(),
                "--output", dir.resolve("f.safetensors").toString())
                .assertFailure(1, text + ": not a PNG or JPEG image");
    }

    private static void assertSameFeatures(Map<String, Tensor> expected, SafeTensorsFile actual, List<String> names)
            throws IOException {
        assertEquals(names, List.copyOf(expected.keySet()));
        for (String name : names) {
            assertArrayEquals(expected.get(name).data(), actual.floats(name), name);
            assertArrayEquals(java.util.Arrays.stream(expected.get(name).shape().dims()).asLongStream().toArray(),
                    actual.tensor(name).shape(), name + " shape");
        }
    }
}

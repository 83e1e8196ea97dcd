package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.serving.ModelInputs;
import org.resnet4j.testing.PythonReference;

/** {@code classify}: image files to named top-k classes, and torchvision's logits for torchvision's weights. */
class ClassifyCommandTest {
    private static final Path IMAGES = Path.of("src", "test", "resources", "fixtures", "images");
    private static final Path SHIPPED = Path.of("models", "resnet20-cifar10.safetensors");

    @TempDir
    Path dir;

    @Test
    void topClassesWithCifarNamesFromTheShippedModel() {
        Cli result = Cli.run("classify", "--model", "resnet20", "--weights", SHIPPED.toString(), "--image",
                IMAGES.resolve("rgb.png").toString(), "--image", IMAGES.resolve("baseline.jpg").toString(), "--top",
                "3").assertSuccess();

        List<String> lines = result.outLines().stream().filter(l -> l.startsWith("image=")).toList();
        assertEquals(6, lines.size(), result.out());
        // rgb.png is Chelsea, the cat of Debian's python3-skimage photographs, downscaled: the shipped ResNet-20 agrees.
        assertTrue(lines.get(0).matches("image=\\S+rgb\\.png rank=1 index=3 probability=[01]\\.\\d{4} label=cat"),
                lines.get(0));
        assertTrue(lines.get(3).contains("baseline.jpg rank=1 "), lines.get(3));
    }

    /** Several files after one --image, as a shell glob expands: the same lines as one --image each. */
    @Test
    void oneImageOptionTakesSeveralFiles() {
        String rgb = IMAGES.resolve("rgb.png").toString();
        String jpeg = IMAGES.resolve("baseline.jpg").toString();
        Cli each = Cli.run("classify", "--weights", SHIPPED.toString(), "--image", rgb, "--image", jpeg, "--top", "2")
                .assertSuccess();
        Cli globbed = Cli.run("classify", "--weights", SHIPPED.toString(), "--image", rgb, jpeg, "--top", "2")
                .assertSuccess();
        assertEquals(4, globbed.outLines().stream().filter(l -> l.startsWith("image=")).count(), globbed.out());
        assertEquals(each.out(), globbed.out());
        Cli.run("classify", "--weights", SHIPPED.toString(), "--top", "2", "stray.png")
                .assertFailure(2, "unexpected argument 'stray.png'");
    }

    @Test
    void badLabelsAndTooLargeTopAreOneLine() throws IOException {
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, "a\nb\n");
        Cli.run("classify", "--model", "resnet20", "--weights", SHIPPED.toString(), "--image",
                IMAGES.resolve("rgb.png").toString(), "--labels", labels.toString())
                .assertFailure(1, "2 labels for a model of 10 classes");
        Cli.run("classify", "--model", "resnet20", "--weights", SHIPPED.toString(), "--image",
                IMAGES.resolve("rgb.png").toString(), "--top", "11")
                .assertFailure(2, "--top 11 is more than the model's 10 classes");
    }

    /**
     * The shared model switches are switches in classify too: --zero-init-residual once took the next option,
     * --stride-on-first-1x1, as its value, so the network was built with the stride on the 3x3 and weights that record
     * it on the 1x1 were refused. Only the metadata matters here: the file has no backbone to load.
     */
    @Test
    void theSharedModelSwitchesFollowingEachOtherAreBothRead() throws IOException {
        Path weights = dir.resolve("v1.safetensors");
        SafeTensors.write(weights, List.of(org.resnet4j.io.TensorEntry.ofFloats("fc.bias", new int[] {2},
                new float[2])), Map.of(ModelWeights.MODEL, "resnet50", ModelWeights.BOTTLENECK_STRIDE,
                ModelWeights.STRIDE_ON_1X1));
        Cli result = Cli.run("classify", "--weights", weights.toString(), "--image",
                IMAGES.resolve("rgb.png").toString(), "--zero-init-residual", "--stride-on-first-1x1");
        assertEquals(1, result.status(), result.err());
        assertTrue(!result.err().contains("Bottleneck stride"), "the network is built with the stride on the 1x1: "
                + result.err());
    }

    /**
     * A network of fewer than 5 classes (a fine-tuned one) is classified without --top: every class is ranked, named as
     * its weights record. The default of 5 was refused as "--top 5 is more than the model's 3 classes", an option never
     * given.
     */
    @Test
    void fewerClassesThanTheDefaultTopAreAllRanked() throws IOException {
        Path weights = dir.resolve("three.safetensors");
        StateDicts.save(ResNets.create("resnet18", ModelOptions.defaults(3).withSeed(6)), weights,
                Map.of("labels", "ant\nbee\ncricket"));
        Cli result = Cli.run("classify", "--model", "resnet18", "--classes", "3", "--weights", weights.toString(),
                "--image", IMAGES.resolve("rgb.png").toString(), "--image-size", "32").assertSuccess();
        List<String> lines = result.outLines().stream().filter(l -> l.startsWith("image=")).toList();
        assertEquals(3, lines.size(), result.out());
        List<String> named = new ArrayList<>();
        for (int rank = 0; rank < 3; rank++) {
            String line = lines.get(rank);
            assertTrue(line.matches("image=\\S+rgb\\.png rank=" + (rank + 1)
                    + " index=\\d probability=[01]\\.\\d{4} label=(ant|bee|cricket)"), line);
            int index = Integer.parseInt(line.replaceAll(".* index=(\\d) .*", "$1"));
            assertEquals(List.of("ant", "bee", "cricket").get(index), line.substring(line.indexOf(" label=") + 7), line);
            named.add(line.substring(line.indexOf(" label=") + 7));
        }
        assertEquals(3, named.stream().distinct().count(), "every class once: " + named);
    }

    /**
     * CIFAR weights that record no normalization (a PyTorch state dict, converted) are refused by classify and
     * features, as by serve and eval: there is no standard CIFAR normalization to fall back to. They used to get
     * ImageNet's mean and std, and printed classes without a word.
     */
    @Test
    void cifarWeightsWithoutNormalizationAreRefusedUntilConvertRecordsOne() throws IOException {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(8));
        Path bare = dir.resolve("bare.safetensors");
        StateDicts.save(model, bare, Map.of());
        String image = IMAGES.resolve("rgb.png").toString();
        String refusal = bare + ": the weights record no input normalization, and a CIFAR network (resnet20) has no "
                + "standard one";
        Cli.run("classify", "--model", "resnet20", "--weights", bare.toString(), "--image", image)
                .assertFailure(1, refusal);
        Cli.run("features", "--model", "resnet20", "--weights", bare.toString(), "--image", image, "--output",
                dir.resolve("f.safetensors").toString()).assertFailure(1, refusal);

        // What convert --mean --std records (ConvertCommandTest) makes the same weights classify.
        Path recorded = dir.resolve("recorded.safetensors");
        StateDicts.save(model, recorded, Map.of("normalization.mean", "0.4914,0.4822,0.4465", "normalization.std",
                "0.247,0.2435,0.2616"));
        Cli.run("classify", "--model", "resnet20", "--weights", recorded.toString(), "--image", image).assertSuccess();
    }

    /** A 10-class ImageNet network (converted, no names recorded) is no CIFAR-10 classifier: its classes are indices. */
    @Test
    void tenImagenetClassesAreNamedByIndexNotAsCifar() throws IOException {
        Path weights = dir.resolve("r18-10.safetensors");
        StateDicts.save(ResNets.create("resnet18", ModelOptions.defaults(10).withSeed(9)), weights, Map.of());
        Cli result = Cli.run("classify", "--model", "resnet18", "--classes", "10", "--weights", weights.toString(),
                "--image", IMAGES.resolve("rgb.png").toString(), "--top", "3", "--image-size", "64").assertSuccess();
        List<String> lines = result.outLines().stream().filter(l -> l.startsWith("image=")).toList();
        assertEquals(3, lines.size(), result.out());
        for (String line : lines) {
            String index = line.replaceAll(".* index=(\\d+) .*", "$1");
            assertTrue(line.endsWith(" label=" + index), line);
        }
    }

    /** ImageNet weights that record nothing: torchvision's preprocessing and mean/std, ImageNet's class names. */
    @Test
    void imagenetNamesForAThousandClasses() throws IOException {
        ResNet model = ResNets.create("resnet18", ModelOptions.defaults(1000).withSeed(2));
        Path weights = dir.resolve("r18.safetensors");
        StateDicts.save(model, weights, Map.of());
        Cli result = Cli.run("classify", "--model", "resnet18", "--weights", weights.toString(), "--image",
                IMAGES.resolve("progressive.jpg").toString(), "--top", "1", "--image-size", "64").assertSuccess();
        List<String> names = Files.readAllLines(Path.of("src", "main", "resources", "org", "resnet4j", "data",
                "imagenet-classes.txt"));
        String line = result.lastLine();
        int index = Integer.parseInt(line.replaceAll(".* index=(\\d+) .*", "$1"));
        assertTrue(line.endsWith(" label=" + names.get(index)), line);
    }

    /**
     * --resize sets the shorter side before the center crop (torchvision's V2 weights use 232 for 224): the default is
     * 256/224 of the crop, another value gives the logits of that transform, one below the crop is refused.
     */
    @Test
    void resizeSetsTheShorterSideBeforeTheCrop() throws IOException {
        ResNet model = ResNets.create("resnet18", ModelOptions.defaults(1000).withSeed(3));
        Path weights = dir.resolve("r18.safetensors");
        StateDicts.save(model, weights, Map.of());
        Path image = IMAGES.resolve("progressive.jpg");
        float[] byDefault = classifyLogits(weights, image, "--image-size", "64");
        float[] at73 = classifyLogits(weights, image, "--image-size", "64", "--resize", "73");
        float[] at66 = classifyLogits(weights, image, "--image-size", "64", "--resize", "66");

        assertArrayEquals(byDefault, at73, "round(64 * 256 / 224) = 73 is the default");
        float[] expected = model.freeze().forward(ModelInputs.load(List.of(image), 66, null, 64))
                .data();
        assertArrayEquals(expected, at66);
        Cli.run("classify", "--model", "resnet18", "--weights", weights.toString(), "--image", image.toString(),
                "--image-size", "64", "--resize", "60").assertFailure(2, "--resize 60 is smaller than the crop");
    }

    /**
     * Weights fine-tuned at another size record it ({@code image_size}): classify prepares images at that size unless
     * --image-size says otherwise, exactly as if it had been given.
     */
    @Test
    void theImageSizeTheWeightsRecordIsTheDefault() throws IOException {
        ResNet model = ResNets.create("resnet18", ModelOptions.defaults(1000).withSeed(4));
        Path plain = dir.resolve("r18.safetensors");
        StateDicts.save(model, plain, Map.of());
        Path recorded = dir.resolve("r18-at-64.safetensors");
        StateDicts.save(model, recorded, Map.of("image_size", "64"));
        Path image = IMAGES.resolve("progressive.jpg");

        float[] asked = classifyLogits(plain, image, "--image-size", "64");
        assertArrayEquals(asked, classifyLogits(recorded, image));
        assertArrayEquals(classifyLogits(plain, image, "--image-size", "96"),
                classifyLogits(recorded, image, "--image-size", "96"), "the option wins");
        Path bad = dir.resolve("r18-bad.safetensors");
        StateDicts.save(model, bad, Map.of("image_size", "large"));
        Cli.run("classify", "--model", "resnet18", "--weights", bad.toString(), "--image", image.toString())
                .assertFailure(1, "metadata 'image_size' must be a positive whole number of pixels, got 'large'");
    }

    /**
     * A JPEG stored sideways (EXIF orientation 6): classify turns it upright by default, as a viewer shows it; {@code
     * --exif ignore} feeds the stored pixels, as torchvision's ImageFolder reads the file; other values are refused.
     */
    @Test
    void exifDecidesWhetherASidewaysJpegIsTurnedUpright() throws IOException {
        ResNet model = ResNets.create("resnet18", ModelOptions.defaults(1000).withSeed(5));
        Path weights = dir.resolve("r18.safetensors");
        StateDicts.save(model, weights, Map.of());
        Path image = IMAGES.resolve("exif6.jpg");
        float[] upright = classifyLogits(weights, image, "--image-size", "32");
        float[] stored = classifyLogits(weights, image, "--image-size", "32", "--exif", "ignore");

        int resize = 37; // round(32 * 256 / 224)
        assertArrayEquals(model.freeze().forward(ModelInputs.batch(List.of(ImageDecoder.standard().decode(image)),
                resize, null, 32)).data(), upright);
        assertArrayEquals(model.freeze().forward(ModelInputs.batch(
                List.of(ImageDecoder.ignoringOrientation().decode(image)), resize, null, 32)).data(), stored);
        assertFalse(Arrays.equals(upright, stored), "the sideways pixels give other logits");
        assertArrayEquals(upright, classifyLogits(weights, image, "--image-size", "32", "--exif", "apply"));
        Cli.run("classify", "--model", "resnet18", "--weights", weights.toString(), "--image", image.toString(),
                "--exif", "sideways").assertFailure(2, "classify: --exif must be apply or ignore, got 'sideways'");
        Path recorded = dir.resolve("r18-exif-bad.safetensors");
        StateDicts.save(model, recorded, Map.of("exif_orientation", "sideways"));
        Cli.run("classify", "--model", "resnet18", "--weights", recorded.toString(), "--image", image.toString())
                .assertFailure(1, recorded + ": metadata 'exif_orientation' must be apply or ignore, got 'sideways'");
    }

    private float[] classifyLogits(Path weights, Path image, String... options) throws IOException {
        Path out = dir.resolve("logits-" + String.join("", options).replace("-", "") + ".safetensors");
        List<String> args = new ArrayList<>(List.of("classify", "--model", "resnet18", "--weights", weights.toString(),
                "--image", image.toString(), "--output", out.toString()));
        args.addAll(List.of(options));
        Cli.run(args.toArray(String[]::new)).assertSuccess();
        return SafeTensors.read(out).floats("logits");
    }

    /** torchvision's resnet18 (random weights) saved by torch.save, on real photographs: PyTorch's logits. */
    @Test
    void torchvisionCheckpointGivesPyTorchsLogitsOnPhotographs() throws IOException, InterruptedException {
        new PythonReference(Path.of("src", "test", "python", "make_image_fixtures.py"), List.of("--live"), dir, 180,
                "python3-torchvision or python3-skimage not installed: apt-get install python3-torchvision "
                + "python3-skimage").require();
        SafeTensorsFile expected = SafeTensors.read(dir.resolve("expected.safetensors"));
        List<String> photos = List.of(expected.metadataValue("photos").split(","));
        List<String> args = new ArrayList<>(List.of("classify", "--model", "resnet18", "--weights",
                dir.resolve("resnet18.pth").toString(), "--output", dir.resolve("logits.safetensors").toString()));
        for (String photo : photos) {
            args.addAll(List.of("--image", dir.resolve(photo).toString()));
        }
        Cli.run(args.toArray(String[]::new)).assertSuccess();
        float[] logits = SafeTensors.read(dir.resolve("logits.safetensors")).floats("logits");
        for (int i = 0; i < photos.size(); i++) {
            float[] reference = expected.floats(photos.get(i) + ".logits");
            double max = 0;
            double scale = 0;
            for (int c = 0; c < reference.length; c++) {
                max = Math.max(max, Math.abs(reference[c] - logits[i * 1000 + c]));
                scale = Math.max(scale, Math.abs(reference[c]));
            }
            System.out.printf("%s: max |logit error| %.3g (largest logit %.3g)%n", photos.get(i), max, scale);
            assertTrue(max <= 1e-4 * scale, photos.get(i) + ": " + max + " of " + scale);
        }
    }
}

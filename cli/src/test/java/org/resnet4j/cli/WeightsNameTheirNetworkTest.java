package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Cifar10Fixtures;
import org.resnet4j.io.DType;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNets;

/**
 * Commands that read weights build the network the weights describe: the one their metadata names and as many
 * classes as their classifier has, unless --model or --classes says otherwise. Before, a fine-tuned 3-class resnet20
 * needed {@code --model resnet20 --classes 3} on every command, and {@code eval} of the shipped plain-20 without
 * {@code --model} was refused as "weights of plain20, not resnet20".
 */
class WeightsNameTheirNetworkTest {
    private static final Path IMAGE = Path.of("src", "test", "resources", "fixtures", "images", "rgb.png");

    @TempDir
    Path dir;

    private Path threeClassResnet20() throws IOException {
        Path weights = dir.resolve("three.safetensors");
        StateDicts.save(ResNets.create("resnet20", ModelOptions.defaults(3).withSeed(4)), weights,
                Map.of("model", "resnet20", "labels", "ant\nbee\ncricket", "normalization.mean", "0.49,0.48,0.45",
                        "normalization.std", "0.25,0.24,0.26"));
        return weights;
    }

    @Test
    void classifyTakesTheRecordedNetworkAndClassCount() throws IOException {
        Path weights = threeClassResnet20();
        Path taken = dir.resolve("taken.safetensors");
        Path given = dir.resolve("given.safetensors");
        Cli result = Cli.run("classify", "--weights", weights.toString(), "--image", IMAGE.toString(), "--output",
                taken.toString()).assertSuccess();
        List<String> lines = result.outLines().stream().filter(l -> l.startsWith("image=")).toList();
        assertEquals(3, lines.size(), result.out());
        assertTrue(lines.stream().allMatch(l -> l.matches(".* label=(ant|bee|cricket)")), result.out());
        Cli.run("classify", "--model", "resnet20", "--classes", "3", "--weights", weights.toString(), "--image",
                IMAGE.toString(), "--output", given.toString()).assertSuccess();
        assertArrayEquals(SafeTensors.read(given).floats("logits"), SafeTensors.read(taken).floats("logits"));
    }

    @Test
    void exportFeaturesAndServeChecksTakeTheClassCount() throws IOException {
        Path weights = threeClassResnet20();
        Cli export = Cli.run("export", "--weights", weights.toString(), "--onnx", dir.resolve("m.onnx").toString())
                .assertSuccess();
        assertTrue(export.lastLine().startsWith("onnx="), export.out());
        Cli.run("features", "--weights", weights.toString(), "--image", IMAGE.toString(), "--output",
                dir.resolve("f.safetensors").toString()).assertSuccess();
        // serve reaches its checks on the built network (4 labels for 3 classes) without --model or --classes.
        Path labels = java.nio.file.Files.writeString(dir.resolve("labels.txt"), "a\nb\nc\nd\n");
        Cli.run("serve", "--weights", weights.toString(), "--labels", labels.toString())
                .assertFailure(1, "4 labels for a model of 3 classes");
    }

    @Test
    void evalOfTheShippedPlainNetworkNeedsNoModelOption() throws IOException {
        Path data = dir.resolve("data");
        Cifar10Fixtures.writeLearnableDirectory(data, 24, 1);
        String weights = Path.of("models", "plain20-cifar10.safetensors").toString();
        Cli taken = Cli.run("eval", "--weights", weights, "--data", data.toString(), "--records-per-file", "24")
                .assertSuccess();
        Cli given = Cli.run("eval", "--model", "plain20", "--weights", weights, "--data", data.toString(),
                "--records-per-file", "24").assertSuccess();
        assertTrue(taken.lastLine().matches("accuracy=[01]\\.\\d{4} error=\\d+\\.\\d{2} images=24"), taken.out());
        assertEquals(given.lastLine(), taken.lastLine());
    }

    @Test
    void optionsStillWinAndAnUnknownRecordedNetworkIsNamed() throws IOException {
        Path weights = threeClassResnet20();
        Cli.run("classify", "--model", "resnet32", "--weights", weights.toString(), "--image", IMAGE.toString())
                .assertFailure(1, "weights of resnet20, not resnet32");
        Cli.run("classify", "--classes", "10", "--weights", weights.toString(), "--image", IMAGE.toString())
                .assertFailure(1, "The file's classifier has 3 classes, the network 10: build it with 3 classes "
                        + "(on the command line: --classes 3, or no --classes)");
        Path future = dir.resolve("future.safetensors");
        StateDicts.save(ResNets.create("resnet20"), future, Map.of("model", "resnet21"));
        Cli.run("classify", "--weights", future.toString(), "--image", IMAGE.toString())
                .assertFailure(1, future + ": the weights are of 'resnet21' (their metadata 'model'), a network this "
                        + "version does not build");
        // A file that names no network is built as the command's default, with its classifier's count.
        Path anonymous = dir.resolve("anonymous.safetensors");
        StateDicts.save(ResNets.create("resnet18", ModelOptions.defaults(4).withSeed(1)), anonymous, Map.of());
        Cli result = Cli.run("classify", "--model", "resnet18", "--weights", anonymous.toString(), "--image",
                IMAGE.toString(), "--image-size", "32").assertSuccess();
        assertEquals(4, result.outLines().stream().filter(l -> l.startsWith("image=")).count(), result.out());
    }

    /**
     * A header alone declared a classifier of millions of rows and no columns: the commands built a network of that
     * many classes and ran out of memory (30 million rows) or failed on a shape that named no file (2^31-1).
     */
    @Test
    void anEmptyClassifierIsRefusedBeforeTheNetworkIsBuilt() throws IOException {
        for (long rows : new long[] {Integer.MAX_VALUE, 30_000_000}) {
            Path weights = dir.resolve("empty.safetensors");
            SafeTensors.write(weights, List.of(new TensorEntry("fc.weight", DType.F32, new long[] {rows, 0},
                    new byte[0])), Map.of());
            String refusal = weights + ": the classifier fc.weight has shape [" + rows + ", 0]; a classifier needs at "
                    + "least one class and one input feature";
            Cli.run("classify", "--weights", weights.toString(), "--image", IMAGE.toString()).assertFailure(1, refusal);
            Cli.run("export", "--weights", weights.toString(), "--onnx", dir.resolve("m.onnx").toString())
                    .assertFailure(1, refusal);
        }
    }
}

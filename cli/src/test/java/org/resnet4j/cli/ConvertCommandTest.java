package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.SafeTensorsFixtures;

/** {@code convert}: a PyTorch checkpoint's state dict into safetensors, or one line saying why not, and no file. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private Path fixture(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("fixtures/pytorch/" + name)) {
            return Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aTrainingCheckpointBecomesTheStateDictUnderItsOwnNames() throws IOException {
        Path input = fixture("tiny_checkpoint.pth");
        Path output = dir.resolve("tiny.safetensors");

        Cli result = Cli.run("convert", "--input", input.toString(), "--output", output.toString(),
                "--strip-prefix", "module.").assertSuccess();

        assertEquals("converted 8 tensors (F32 7, I64 1) from 'state_dict' -> " + output, result.lastLine());
        SafeTensorsFile written = SafeTensors.read(output);
        assertEquals(SafeTensorsFixtures.load("fixtures/pytorch/tiny.safetensors").tensors(), written.tensors());
        assertEquals("tiny_checkpoint.pth", written.metadataValue("converted_from"));
        assertEquals("state_dict", written.metadataValue("state_dict_key"));
        assertEquals("module.", written.metadataValue("stripped_prefix"));
    }

    /** --mean and --std record the normalization a CIFAR network needs to be evaluated, classified or served. */
    @Test
    void meanAndStdAreRecordedAsTheNormalization() throws IOException {
        Path output = dir.resolve("tiny.safetensors");
        Cli.run("convert", "--input", fixture("tiny_checkpoint.pth").toString(), "--output", output.toString(),
                "--strip-prefix", "module.", "--mean", "0.4914, 0.4822,0.4465", "--std", "0.247,0.2435,0.2616")
                .assertSuccess();
        SafeTensorsFile written = SafeTensors.read(output);
        Normalization normalization = NormalizationMetadata.fromMetadata(written.metadata(), output.toString());
        assertArrayEquals(new float[] {0.4914f, 0.4822f, 0.4465f}, normalization.mean());
        assertArrayEquals(new float[] {0.247f, 0.2435f, 0.2616f}, normalization.std());
    }

    @Test
    void aNormalizationThatCannotBeIsRefusedBeforeReading() throws IOException {
        String input = fixture("tiny_checkpoint.pth").toString();
        String output = dir.resolve("y.safetensors").toString();
        Cli.run("convert", "--input", input, "--output", output, "--mean", "0.5,0.5,0.5")
                .assertFailure(2, "convert: --mean and --std go together (the normalization has both), got only --mean");
        Cli.run("convert", "--input", input, "--output", output, "--mean", "0.5,0.5", "--std", "0.2,0.2,0.2")
                .assertFailure(2, "convert: --mean takes three comma-separated values (R,G,B), got '0.5,0.5'");
        Cli.run("convert", "--input", input, "--output", output, "--mean", "0.5,x,0.5", "--std", "0.2,0.2,0.2")
                .assertFailure(2, "convert: --mean value 1 is not a number: 'x'");
        Cli.run("convert", "--input", input, "--output", output, "--mean", "125,123,114", "--std", "0.2,0.2,0.2")
                .assertFailure(2, "normalization.mean[0] is 125.0, must be in [0, 1]");
        assertEquals(List.of("tiny_checkpoint.pth"), files());
    }

    @Test
    void elementTypesAreKeptAsSaved() throws IOException {
        Path output = dir.resolve("dtypes.safetensors");

        Cli.run("convert", "--input", fixture("dtypes.pth").toString(), "--output", output.toString()).assertSuccess();

        assertEquals(SafeTensorsFixtures.load("fixtures/pytorch/dtypes.safetensors").tensors(),
                SafeTensors.read(output).tensors());
    }

    @Test
    void aRefusedCheckpointLeavesNoFileBehind() throws IOException {
        Path input = fixture("evil_posix_system.pth");

        Cli.run("convert", "--input", input.toString(), "--output", dir.resolve("out.safetensors").toString())
                .assertFailure(1, "global posix.system is not allowed");

        assertEquals(List.of("evil_posix_system.pth"), files());
    }

    @Test
    void badCommandLines() throws IOException {
        Cli.run("convert", "--output", "y.safetensors").assertFailure(2, "convert: option --input is required");
        Cli.run("convert", "--input", "x.pth").assertFailure(2, "convert: option --output is required");
        Cli.run("convert", "--input", "x.pth", "--output", "y", "--key", "").assertFailure(2, "--key must not be empty");
        Cli.run("convert", "--input", "x.pth", "--output", "y", "--prefix", "m.").assertFailure(2, "unknown option --prefix");
        Cli.run("convert", "--input", fixture("tiny_checkpoint.pth").toString(), "--output",
                dir.resolve("y.safetensors").toString(), "--key", "optimizer").assertFailure(1, "maps 'state' to a dict");
    }
}

package org.resnet4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.MalformedDataException;
import org.resnet4j.data.Normalization;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.TrainedWeights;

/** The spark-submit entry point, run through a local master. */
class SparkTrainTest {
    @BeforeAll
    static void loopbackOnly() {
        // SparkConf reads spark.* system properties: keep the driver on the loopback interface, without the web UI.
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        System.setProperty("spark.ui.enabled", "false");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("spark.driver.host");
        System.clearProperty("spark.driver.bindAddress");
        System.clearProperty("spark.ui.enabled");
    }

    /** A label out of range is bad data (status 1, as train's), not a bad command line (status 2). */
    @Test
    void aLabelOutOfRangeIsMalformedDataNamingTheRecord(@TempDir Path data, @TempDir Path run) throws Exception {
        Fixtures.writeBinaryFiles(Fixtures.dataset(100, 8), 20, data);
        Path third = data.resolve("data_batch_3.bin");
        byte[] bytes = Files.readAllBytes(third);
        bytes[17 * 3073] = (byte) 200; // record 57 counting through the files
        Files.write(third, bytes);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> SparkTrain.run(new String[] {
            "--master", "local[2]", "--data", data.toString(), "--workers", "2", "--batch", "8", "--iterations", "2",
            "--checkpoint-dir", run.toString()}));
        assertTrue(e.getMessage().startsWith(data + ": CIFAR-10 record 57 (0-based, counting through the files in "
                + "order) has label 200"), e.getMessage());
    }

    @Test
    void trainsFromTheOfficialFilesAndWritesWeightsThatEvalReads(@TempDir Path data, @TempDir Path run)
            throws Exception {
        var dataset = Fixtures.dataset(100, 8);
        Fixtures.writeBinaryFiles(dataset, 20, data); // data_batch_1.bin .. data_batch_5.bin
        String last = SparkTrain.run(new String[] {"--master", "local[2]", "--data", data.toString(), "--workers", "2",
                "--batch", "8", "--iterations", "4", "--checkpoint-every", "2", "--checkpoint-dir", run.toString(),
                "--normalization", "pixel"});
        assertTrue(last.matches("weights=" + java.util.regex.Pattern.quote(run.resolve("model.safetensors")
                .toString()) + " iterations=4 train_error=\\d+\\.\\d\\d% seconds=\\d+"), last);
        ResNet model = ResNets.resnet20(10);
        TrainedWeights weights = TrainedWeights.load(model, run.resolve("model.safetensors"));
        // The paper's per-pixel mean image (train's --normalization pixel), recorded for eval.
        assertEquals(Normalization.perPixelMean(dataset), weights.normalization());
    }

    @Test
    void badCommandLinesSaySo() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SparkTrain.run(new String[] {"--data", "x"}));
        assertTrue(missing.getMessage().startsWith("--workers is required; usage: SparkTrain"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SparkTrain.run(new String[] {"--data", "x", "--workers", "2", "--wrokers", "2"}));
        assertTrue(unknown.getMessage().startsWith("unknown option --wrokers; usage: "), unknown.getMessage());
        IllegalArgumentException divide = assertThrows(IllegalArgumentException.class,
                () -> SparkTrain.run(new String[] {"--data", "x", "--workers", "3"}));
        assertTrue(divide.getMessage().startsWith("the global batch of 128 images does not divide among 3 workers"),
                divide.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> SparkTrain.run(new String[] {"--data", "x", "--workers", "2", "--normalization", "mean"}));
        assertTrue(kind.getMessage().startsWith("--normalization must be channel or pixel, got 'mean'"),
                kind.getMessage());
        IllegalArgumentException warmup = assertThrows(IllegalArgumentException.class, () -> SparkTrain.run(
                new String[] {"--data", "x", "--workers", "2", "--warmup-iterations", "7", "--warmup-lr", "-1"}));
        assertTrue(warmup.getMessage().startsWith("warm-up: iterations must be >= 0 and the rate > 0, got 7 at -1.0"),
                warmup.getMessage());
        IllegalArgumentException rateAlone = assertThrows(IllegalArgumentException.class, () -> SparkTrain.run(
                new String[] {"--data", "x", "--workers", "2", "--warmup-lr", "0.05"}));
        assertEquals("--warmup-lr is the rate of the warm-up iterations; give --warmup-iterations N (more than 0) "
                + "with it", rateAlone.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> SparkTrain.run(
                new String[] {"--data", "x", "--workers", "2", "--momentum", "NaN"}));
        assertEquals("--momentum must be a finite number, got 'NaN'", nan.getMessage());
        IllegalArgumentException infinite = assertThrows(IllegalArgumentException.class, () -> SparkTrain.run(
                new String[] {"--data", "x", "--workers", "2", "--weight-decay", "Infinity"}));
        assertEquals("--weight-decay must be a finite number, got 'Infinity'", infinite.getMessage());
        IllegalArgumentException classes = assertThrows(IllegalArgumentException.class, () -> SparkTrain.run(
                new String[] {"--data", "x", "--workers", "2", "--classes", "5"}));
        assertEquals("--classes must be 10 for CIFAR-10's labels (the network's outputs are the data's classes, as "
                + "train's are), got 5", classes.getMessage());
    }
}

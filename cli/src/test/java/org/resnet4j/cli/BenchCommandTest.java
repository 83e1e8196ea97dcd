package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code bench}: the last line is a machine-readable throughput. */
class BenchCommandTest {

    @Test
    void inferenceBenchEndsWithImagesPerSecond() {
        Cli result = Cli.run("bench", "--model", "resnet20", "--batch", "4", "--mode", "infer", "--seconds", "1")
                .assertSuccess();

        assertTrue(result.lastLine().matches("^images_per_second=\\d+(\\.\\d+)?$"), result.lastLine());
        double rate = Double.parseDouble(result.lastLine().substring("images_per_second=".length()));
        assertTrue(rate > 0, result.lastLine());
        assertTrue(result.out().contains("rounds="), "the summary line before: " + result.out());
    }

    /** A full training step counts three passes of work per image, a frozen-backbone step one (forward, tiny head). */
    @Test
    void trainingFlopsCountThePassesThatRun() {
        Cli full = Cli.run("bench", "--model", "resnet20", "--batch", "4", "--mode", "train", "--seconds", "1")
                .assertSuccess();
        assertTrue(full.out().contains("(train FLOPs = 2 x 40551040 MACs x 3 per image)"), full.out());

        Cli frozen = Cli.run("bench", "--model", "resnet20", "--batch", "4", "--mode", "train", "--seconds", "1",
                "--freeze-backbone").assertSuccess();
        assertTrue(frozen.out().contains("(train FLOPs = 2 x 40551040 MACs per image)"), frozen.out());
        // Inference runs the same whatever trains: the switch there would time nothing it names.
        Cli.run("bench", "--model", "resnet20", "--batch", "4", "--mode", "infer", "--seconds", "1",
                "--freeze-backbone").assertFailure(2, "--freeze-backbone times a fine-tuning step (--mode train)");
    }
}

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
}

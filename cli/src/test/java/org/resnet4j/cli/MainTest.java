package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.resnet4j.models.MemoryEstimate;
import org.resnet4j.models.ResNets;

/** The summary command and how bad command lines are answered: exit 2 and one line naming the problem. */
class MainTest {

    /**
     * resnet20 (option A shortcuts, no parameters): conv1 32x32x16x27 = 442,368 multiply-adds; stage 1, six 3x3
     * convolutions of 16 to 16 channels at 32x32, 6 x 2,359,296; stages 2 and 3 each a strided convolution (1,179,648)
     * and five more of 2,359,296; fc 640. Total 40,551,040.
     */
    @Test
    void summaryEndsWithParameterAndMultiplyAddCountsAfterMemory() {
        Cli result = Cli.run("summary", "--model", "resnet20").assertSuccess();

        List<String> lines = result.outLines();
        assertEquals("params=269722 macs=40551040", result.lastLine());
        assertTrue(lines.get(lines.size() - 2).matches("memory_training_bytes=\\d+ memory_inference_bytes=\\d+"),
                lines.get(lines.size() - 2));
        assertTrue(lines.size() > 20, "the layer table comes first");
    }

    @Test
    void summaryOfAnImageNetModel() {
        List<String> lines = Cli.run("summary", "--model", "resnet18").assertSuccess().outLines();
        assertEquals("params=11689512 macs=1814073344", lines.get(lines.size() - 1));
    }

    /** The memory lines are the library's count, at the batch asked (train's 128 unless --batch says otherwise). */
    @Test
    void summaryStatesWhatATrainingAndAnInferenceBatchNeed() {
        for (int batch : new int[] {128, 20}) {
            String[] args = batch == 128 ? new String[] {"summary", "--model", "resnet32"}
                    : new String[] {"summary", "--model", "resnet32", "--batch", "20"};
            Cli result = Cli.run(args).assertSuccess();

            MemoryEstimate expected = MemoryEstimate.of(ResNets.resnet32(10), 32, batch);
            List<String> lines = result.outLines();
            assertEquals("memory_training_bytes=" + expected.trainingBytes() + " memory_inference_bytes="
                    + expected.inferenceBytes(), lines.get(lines.size() - 2));
            assertTrue(lines.get(lines.size() - 3).startsWith("memory at batch " + batch + " (32x32 images): training "),
                    lines.get(lines.size() - 3));
        }
        Cli.run("summary", "--model", "resnet32", "--batch", "0").assertFailure(2, "--batch must be >= 1");
    }

    @Test
    void noArgumentsIsOneLineOnStandardErrorWithStatus2AndHelpIsUsageWithStatus0() {
        // As every bad command line: the README promises one line on standard error (it printed the usage to stdout).
        Cli.run().assertFailure(2, "error: no command given; commands: summary, infer, train");

        Cli help = Cli.run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("bench   --model NAME"), help.out());
        assertTrue(help.out().contains("serve   [--model NAME] --weights W.safetensors"), help.out());
    }

    @Test
    void unknownCommand() {
        Cli.run("fit", "--model", "resnet20").assertFailure(2, "unknown command 'fit'");
    }

    @Test
    void unknownModel() {
        Cli.run("summary", "--model", "resnet21").assertFailure(2, "unknown model 'resnet21'");
        Cli.run("train", "--model", "resnet21", "--data", "x").assertFailure(2, "unknown model 'resnet21'");
    }

    @Test
    void unknownOption() {
        Cli.run("summary", "--model", "resnet20", "--modle", "resnet32").assertFailure(2, "unknown option --modle");
        Cli.run("summary", "resnet20").assertFailure(2, "unexpected argument 'resnet20'");
    }

    /** A typo within two edits of an option the command knows gets the option named; anything else only the error. */
    @Test
    void unknownOptionsNearAKnownOneSuggestIt() {
        Cli.run("summary", "--model", "resnet20", "--modle", "resnet32")
                .assertFailure(2, "unknown option --modle (did you mean --model?)");
        Cli.run("train", "--data", "none", "--iteration", "5").assertFailure(2, "(did you mean --iterations?)");
        Cli.run("bench", "--model", "resnet20", "--bacth", "8").assertFailure(2, "(did you mean --batch?)");
        Cli err = Cli.run("summary", "--model", "resnet20", "--colour", "red");
        err.assertFailure(2, "unknown option --colour");
        assertTrue(!err.err().contains("did you mean"), err.err());
        assertEquals(1, Arguments.editDistance("modle", "model"));
        assertEquals(3, Arguments.editDistance("", "lr."));
    }

    @Test
    void missingValue() {
        Cli.run("summary", "--model").assertFailure(2, "option --model needs a value");
        Cli.run("infer", "--model", "resnet20", "--input", "x.safetensors").assertFailure(2, "--weights is required");
    }

    @Test
    void badValues() {
        Cli.run("summary", "--model", "resnet20", "--classes", "ten").assertFailure(2, "--classes must be a whole number");
        Cli.run("summary", "--model", "resnet20", "--classes", "0").assertFailure(2, "--classes must be >= 1");
        Cli.run("summary", "--model", "resnet20", "--shortcut", "D").assertFailure(2, "--shortcut must be A, B or C");
        Cli.run("summary", "--model", "resnet18", "--image-size", "16").assertFailure(2, "--image-size >= 32");
        Cli.run("summary", "--model", "resnet20", "--model", "resnet32").assertFailure(2, "--model given twice");
        Cli.run("bench", "--model", "resnet20", "--mode", "fly").assertFailure(2, "--mode must be train or infer");
        Cli.run("bench", "--model", "resnet20", "--seconds", "-1").assertFailure(2, "--seconds must be > 0");
        Cli.run("bench", "--model", "resnet20", "--mode", "train", "--batch", "1").assertFailure(2, "--batch >= 2");
    }

    /** The README's rule: a refused option is a bad command line, status 2, whichever layer refuses it. */
    @Test
    void zeroInitResidualOnAPlainNetworkIsABadCommandLine() {
        Cli.run("summary", "--model", "plain20", "--zero-init-residual")
                .assertFailure(2, "plain20 is a plain network, without residual branches");
    }

    /** A switch takes no value, or true or false: --zero-init-residual=off once meant on. */
    @Test
    void aSwitchTakesOnlyTrueOrFalse() {
        Cli.run("summary", "--model", "resnet20", "--zero-init-residual=off")
                .assertFailure(2, "--zero-init-residual is a switch: give it alone, or as --zero-init-residual=true or "
                        + "--zero-init-residual=false, got 'off'");
        Cli.run("summary", "--model", "resnet20", "--zero-init-residual=FALSE").assertSuccess();
        Cli.run("summary", "--model", "resnet20", "--zero-init-residual=True").assertSuccess();
    }

    /** An option whose value is left out does not take the next option as its value. */
    @Test
    void anOptionDoesNotSwallowTheNextOptionAsItsValue() {
        Cli.run("summary", "--model", "resnet20", "--classes", "--zero-init-residual")
                .assertFailure(2, "summary: --classes needs a value, got option --zero-init-residual");
        Cli.run("summary", "--model", "--classes", "10")
                .assertFailure(2, "summary: --model needs a value, got option --classes");
    }

    @Test
    void trainValuesTheRecipeCannotUseAreUsageErrors() {
        Cli.run("train", "--data", "none", "--lr", "-0.1").assertFailure(2, "learning rate > 0");
        Cli.run("train", "--data", "none", "--schedule", "linear").assertFailure(2, "schedule must be 'paper' or 'cosine'");
        Cli.run("train", "--data", "none", "--iterations", "5", "--epochs", "1").assertFailure(2, "not both");
        Cli.run("train", "--data", "none", "--epochs", "1", "--records-per-file", "24", "--val-size", "119")
                .assertFailure(2, "--epochs needs at least one batch of 128 training images");
    }

    @Test
    void everyCommandAnswersHelpWithItsOwnOptions() {
        for (String command : new String[] {"summary", "infer", "train", "eval", "bench", "export", "convert",
            "features", "figure6", "finetune", "serve", "classify"}) {
            for (String help : new String[] {"--help", "-h"}) {
                Cli result = Cli.run(command, help).assertSuccess();
                assertTrue(result.out().startsWith("usage: ./resnet4j " + command + " "), result.out());
                assertTrue(result.out().contains("models:"), result.out());
            }
        }
        Cli train = Cli.run("train", "--model", "resnet20", "--help").assertSuccess();
        assertTrue(train.out().contains("[--resume | --overwrite]"), train.out());
    }

    @Test
    void versionIsTheProjectVersion() {
        Cli result = Cli.run("--version").assertSuccess();
        assertTrue(result.lastLine().matches("resnet4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), result.lastLine());
    }

    /** A missing file is named with the problem, never a bare path or exception class. */
    @Test
    void aMissingFileIsNamedWithTheProblem() {
        Cli.run("eval", "--model", "resnet20", "--weights", "/nonexistent/w.safetensors", "--data", "/tmp")
                .assertFailure(1, "/nonexistent/w.safetensors: no such file or directory");
    }
}

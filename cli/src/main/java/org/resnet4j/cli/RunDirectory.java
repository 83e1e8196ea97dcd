package org.resnet4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.resnet4j.train.Trainer;

/** What {@code train} and {@code finetune} share about their run directory and their last line. */
final class RunDirectory {
    private RunDirectory() {
    }

    /**
     * Refuses, before anything slow, a directory that holds a run unless the user resumes it or asks to start it over,
     * and one that cannot be written to. {@code --overwrite} clears nothing here: the run deletes the earlier one's
     * files only once its data, weights and settings are read and checked, so a refused command leaves it whole.
     */
    static void check(String command, Path directory, boolean resume, boolean overwrite) throws IOException {
        if (overwrite && resume) {
            throw new UsageException(command + ": give --resume or --overwrite, not both");
        }
        if (!resume && !overwrite && Trainer.holdsRun(directory)) {
            throw new UsageException(command + ": " + directory + " holds a training run; pass --resume to "
                    + "continue it, --overwrite to start it over, or --checkpoint-dir for a new one");
        }
        // Before a CIFAR-10 download or a long read; the run checks again (and a new directory) before its first step.
        Trainer.requireWritable(directory);
    }

    /**
     * {@code weights=<file> iterations=<n> val_error=<percent>% seconds=<n>}, or {@code train_error} in place of
     * {@code val_error} for a run that held no images out (no NaN in any output).
     */
    static void printSummary(PrintStream out, Trainer.Summary summary) {
        if (summary.validated()) {
            out.printf(Locale.ROOT, "weights=%s iterations=%d val_error=%.2f%% seconds=%.0f%n", summary.weights(),
                    summary.iterations(), summary.validationError() * 100, summary.seconds());
        } else {
            out.printf(Locale.ROOT, "weights=%s iterations=%d train_error=%.2f%% seconds=%.0f%n", summary.weights(),
                    summary.iterations(), summary.trainError() * 100, summary.seconds());
        }
    }
}

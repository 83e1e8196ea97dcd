package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.resnet4j.data.Cifar10Downloader;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.Trainer;
import org.resnet4j.train.TrainingConfig;

/**
 * {@code train --model NAME --data DIR [--iterations N | --epochs E] [--batch 128] [--lr 0.1] [--schedule paper|cosine]
 * [--val-size 5000] [--seed S] [--threads T] [--checkpoint-dir D] [--checkpoint-every N] [--resume | --overwrite]
 * [--eval-every N]
 * [--records-per-file 10000]}. {@code --records-per-file} reads smaller files in the CIFAR-10 format (crafted data).
 */
final class TrainCommand {
    private TrainCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("train", argv, 1, Set.of("resume", "overwrite"));
        String model = args.string("model", "resnet20");
        try {
            ResNets.architecture(model);
        } catch (IllegalArgumentException e) {
            throw new UsageException("train: " + e.getMessage());
        }
        Path data = args.path("data");
        TrainingConfig paper = TrainingConfig.paper(model, data, Path.of(args.string("checkpoint-dir", "runs/" + model)));
        int recordsPerFile = args.integer("records-per-file", paper.recordsPerFile(), 1);
        int batch = args.integer("batch", paper.batchSize(), 2);
        int valSize = args.integer("val-size", paper.validationSize(), 0);
        long iterations;
        if (args.has("iterations") && args.has("epochs")) {
            throw new UsageException("train: give --iterations or --epochs, not both");
        } else if (args.has("epochs")) {
            int epochs = args.integer("epochs", 1, 1);
            long trainImages = Cifar10Reader.TRAINING_FILES.size() * (long) recordsPerFile - valSize;
            if (trainImages < batch) {
                throw new UsageException("train: --epochs needs at least one batch of " + batch + " training images, "
                        + "but " + Cifar10Reader.TRAINING_FILES.size() + " files of " + recordsPerFile
                        + " minus --val-size " + valSize + " leave " + trainImages);
            }
            iterations = epochs * (trainImages / batch);
        } else {
            iterations = args.longValue("iterations", paper.iterations(), 1);
        }
        TrainingConfig config;
        try {
            config = new TrainingConfig(model, data, recordsPerFile, iterations, batch,
                    args.decimal("lr", paper.learningRate()),
                    args.string("schedule", paper.schedule()).toLowerCase(Locale.ROOT),
                    args.longValue("warmup-iterations", paper.warmupIterations(), 0),
                    args.decimal("warmup-lr", paper.warmupRate()), args.decimal("momentum", paper.momentum()),
                    args.decimal("weight-decay", paper.weightDecay()), valSize,
                    args.string("normalization", paper.normalization()).toLowerCase(Locale.ROOT),
                    args.longValue("seed", paper.seed(), Long.MIN_VALUE), args.integer("threads", 0, 1),
                    paper.checkpointDirectory(), args.longValue("checkpoint-every", paper.checkpointEvery(), 1),
                    args.longValue("eval-every", paper.evalEvery(), 1), args.longValue("log-every", paper.logEvery(), 1),
                    args.flag("resume"));
        } catch (IllegalArgumentException e) {
            // A value the options parser accepts but the recipe cannot use (a negative rate, an unknown schedule).
            throw new UsageException(e.getMessage());
        }
        boolean overwrite = args.flag("overwrite");
        args.rejectUnknown();
        RunDirectory.prepare("train", config.checkpointDirectory(), config.resume(), overwrite);
        if (!Cifar10Reader.TRAINING_FILES.stream().allMatch(f -> Files.isRegularFile(data.resolve(f)))) {
            // Fetches the official archive where the network allows; offline it fails fast, naming the files and folder.
            new Cifar10Downloader().ensurePresent(data);
        }
        Workload.announce(new Workload(ResNets.architecture(model), ModelOptions.defaults(ResNets.defaultClasses(model)),
                32, batch, true));
        Trainer.Summary summary;
        try {
            summary = new Trainer(config).run();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        RunDirectory.printSummary(out, summary);
        return 0;
    }
}

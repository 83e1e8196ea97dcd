package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.resnet4j.data.Cifar10Downloader;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.ImageFolder;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.Trainer;
import org.resnet4j.train.TrainingConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train --model NAME --data DIR [--iterations N | --epochs E] [--batch 128] [--lr 0.1] [--schedule paper|cosine]
 * [--val-size 5000] [--seed S] [--threads T] [--checkpoint-dir D] [--checkpoint-every N] [--resume | --overwrite]
 * [--eval-every N] [--records-per-file 10000]}. {@code --records-per-file} reads smaller files in the CIFAR-10 format
 * (crafted data). DIR may instead be an image folder ({@code DIR/<class>/<image>}): its images at {@code --image-size}
 * (the network family's by default), a {@code --val-fraction} of each class held out (0.1), decoded as
 * {@code --exif apply|ignore} says (apply), the same recipe otherwise.
 */
final class TrainCommand {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

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
        boolean folder = DataDirectories.isImageFolder(data);
        TrainingConfig paper = TrainingConfig.paper(model, data, Path.of(args.string("checkpoint-dir", "runs/" + model)));
        int recordsPerFile = args.integer("records-per-file", paper.recordsPerFile(), 1);
        int batch = args.integer("batch", paper.batchSize(), 2);
        int valSize = args.integer("val-size", paper.validationSize(), 0);
        double valFraction = args.decimal("val-fraction", 0.1);
        int imageSize = args.integer("image-size", ResNets.architecture(model).family().imageSize(), 1,
                Arguments.MAX_IMAGE_SIZE);
        requireOptionsOfItsData(args, folder, data, valFraction);
        FolderData images = folder ? FolderData.scan(data, ExifOption.decoder(args, "train"), valFraction,
                args.longValue("seed", paper.seed(), Long.MIN_VALUE), imageSize) : null;
        long trainImages = folder ? images.train().size()
                : Cifar10Reader.TRAINING_FILES.size() * (long) recordsPerFile - valSize;
        long iterations;
        if (args.has("iterations") && args.has("epochs")) {
            throw new UsageException("train: give --iterations or --epochs, not both");
        } else if (args.has("epochs")) {
            int epochs = args.integer("epochs", 1, 1);
            if (trainImages < batch) {
                throw new UsageException("train: --epochs needs at least one batch of " + batch + " training images, "
                        + "but " + (folder ? data + " holds " + trainImages + " to train on"
                        : Cifar10Reader.TRAINING_FILES.size() + " files of " + recordsPerFile + " minus --val-size "
                        + valSize + " leave " + trainImages));
            }
            iterations = epochs * (trainImages / batch);
        } else {
            iterations = args.longValue("iterations", paper.iterations(), 1);
        }
        if (args.has("warmup-lr") && args.longValue("warmup-iterations", paper.warmupIterations(), 0) == 0) {
            // The rate alone warms nothing up, yet would be recorded in the recipe as if it had.
            throw new UsageException("train: --warmup-lr is the rate of the warm-up iterations; give "
                    + "--warmup-iterations N (more than 0) with it");
        }
        TrainingConfig config;
        try {
            config = new TrainingConfig(model, data, recordsPerFile, iterations, batch,
                    args.decimal("lr", paper.learningRate()),
                    args.string("schedule", paper.schedule()).toLowerCase(Locale.ROOT),
                    args.longValue("warmup-iterations", paper.warmupIterations(), 0),
                    args.decimal("warmup-lr", paper.warmupRate()), args.decimal("momentum", paper.momentum()),
                    args.decimal("weight-decay", paper.weightDecay()), folder ? images.heldOut() : valSize,
                    args.string("normalization", paper.normalization()).toLowerCase(Locale.ROOT),
                    args.longValue("seed", paper.seed(), Long.MIN_VALUE), args.integer("threads", 0, 1, Arguments.MAX_THREADS),
                    paper.checkpointDirectory(), args.longValue("checkpoint-every", paper.checkpointEvery(), 1),
                    args.longValue("eval-every", paper.evalEvery(), 1), args.longValue("log-every", paper.logEvery(), 1),
                    args.flag("resume"));
        } catch (IllegalArgumentException e) {
            // A value the options parser accepts but the recipe cannot use (a negative rate, an unknown schedule).
            throw UsageException.of(e);
        }
        boolean overwrite = args.flag("overwrite");
        args.rejectUnknown();
        RunDirectory.check("train", config.checkpointDirectory(), config.resume(), overwrite);
        if (!folder && !Cifar10Reader.TRAINING_FILES.stream().allMatch(f -> Files.isRegularFile(data.resolve(f)))) {
            // Fetches the official archive where the network allows; offline it fails fast, naming the files and folder.
            new Cifar10Downloader().ensurePresent(data);
        }
        int classes = folder ? images.train().classNames().size() : ResNets.defaultClasses(model);
        // CIFAR-10's images are 32x32 whatever the network (a ResNet-18 on CIFAR-10 too).
        Workload.announce(new Workload(ResNets.architecture(model), ModelOptions.defaults(classes),
                folder ? imageSize : 32, batch, true));
        Trainer.Summary summary;
        try {
            Path name = data.toAbsolutePath().normalize().getFileName();
            Trainer trainer = new Trainer(config).overwrite(overwrite);
            summary = folder ? trainer.run(images.train(), images.validation(),
                    name == null ? data.toString() : name.toString()) : trainer.run();
        } catch (IllegalArgumentException e) {
            throw UsageException.of(e);
        }
        RunDirectory.printSummary(out, summary);
        return 0;
    }

    /** The options that belong to the other kind of data are refused, not ignored. */
    private static void requireOptionsOfItsData(Arguments args, boolean folder, Path data, double valFraction) {
        if (folder) {
            for (String cifarOnly : new String[] {"records-per-file", "val-size"}) {
                if (args.has(cifarOnly)) {
                    throw new UsageException("train: --" + cifarOnly + " is for CIFAR-10 files; " + data + " is an "
                            + "image folder" + (cifarOnly.equals("val-size") ? " (hold images out with --val-fraction)"
                            : ""));
                }
            }
            if (!(valFraction >= 0 && valFraction < 1)) {
                throw new UsageException("train: --val-fraction must be in [0, 1), got " + valFraction);
            }
        } else {
            for (String folderOnly : new String[] {"val-fraction", "image-size", ExifOption.NAME}) {
                if (args.has(folderOnly)) {
                    throw new UsageException("train: --" + folderOnly + " is for an image folder; " + data + " is "
                            + "CIFAR-10 data (32x32 images; hold images out with --val-size)");
                }
            }
        }
    }

    /** An image folder's images at one size, a share of each class held out. */
    private record FolderData(Dataset train, Dataset validation) {
        int heldOut() {
            return validation == null ? 0 : validation.size();
        }

        static FolderData scan(Path data, ImageDecoder decoder, double valFraction, long seed, int size)
                throws java.io.IOException {
            ImageFolder folder = ImageFolder.scan(data).decodedBy(decoder);
            ImageFolder.Split split = folder.split(valFraction, seed);
            LOG.info("{}: {} classes, {} images to train on, {} held out, at {}x{}", data, folder.classNames().size(),
                    split.train().size(), split.validation().size(), size, size);
            return new FolderData(folder.dataset(split.train(), size),
                    split.validation().isEmpty() ? null : folder.dataset(split.validation(), size));
        }
    }
}

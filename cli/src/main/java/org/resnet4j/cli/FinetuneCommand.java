package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.FineTuner;
import org.resnet4j.train.FineTuning;
import org.resnet4j.train.Trainer;

/**
 * {@code finetune --model NAME --weights W --data DIR --classes-from-folders [--freeze-backbone] [--epochs 10]
 * [--lr 0.01] [--batch 32] [--image-size S] [--val-fraction 0.1] [--seed S] [--threads T] [--checkpoint-dir D]
 * [--resume | --overwrite] [--exif apply|ignore]}: transfer learning on an image folder ({@code DIR/<class>/<image>}); last line as
 * {@code train}'s.
 */
final class FinetuneCommand {
    private FinetuneCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("finetune", argv, 1, Set.of("classes-from-folders", "freeze-backbone",
                "resume", "overwrite"));
        Path weights = args.path("weights");
        String model = args.has("model") ? args.required("model") : recordedModel(weights);
        FineTuning defaults = FineTuning.defaults(model, weights, args.path("data"),
                Path.of(args.string("checkpoint-dir", "runs/" + model + "-finetune")));
        if (!args.flag("classes-from-folders")) {
            throw new UsageException("finetune: the classes come from the folders under --data; say so with "
                    + "--classes-from-folders (the only source of classes so far)");
        }
        FineTuning config;
        try {
            config = new FineTuning(model, defaults.weights(), defaults.data(),
                    args.integer("epochs", defaults.epochs(), 1), args.integer("batch", defaults.batchSize(), 2),
                    args.decimal("lr", defaults.learningRate()), args.integer("image-size", 0, 1, Arguments.MAX_IMAGE_SIZE),
                    args.flag("freeze-backbone"), args.decimal("val-fraction", defaults.validationFraction()),
                    args.longValue("seed", 0L, Long.MIN_VALUE), defaults.checkpointDirectory(), args.flag("resume"),
                    args.integer("threads", 0, 1, Arguments.MAX_THREADS),
                    ExifOption.decoder(args, "finetune").appliesOrientation());
        } catch (IllegalArgumentException e) {
            throw UsageException.of(e);
        }
        boolean overwrite = args.flag("overwrite");
        args.rejectUnknown();
        RunDirectory.check("finetune", config.checkpointDirectory(), config.resume(), overwrite);
        Architecture architecture = ResNets.architecture(model);
        // The size the run will train at (FineTuner's rule): the option, else the size the weights record, else the
        // family's.
        int size;
        try {
            size = config.imageSize() > 0 ? config.imageSize()
                    : ModelWeights.recordedImageSize(weights, WeightFiles.read(weights))
                            .orElse(architecture.family().imageSize());
        } catch (IllegalArgumentException e) {
            throw UsageException.of(e); // an unreadable record, refused as FineTuner refuses it
        }
        Workload.announce(new Workload(architecture, ModelOptions.defaults(ResNets.defaultClasses(model)), size,
                config.batchSize(), true));
        Trainer.Summary summary;
        try {
            summary = new FineTuner(config).overwrite(overwrite).run();
        } catch (IllegalArgumentException e) {
            // What the request asks but its files refuse (a resume on other settings or images, an image size the
            // weights' mean image cannot take): a bad command line, as train reports it.
            throw UsageException.of(e);
        }
        RunDirectory.printSummary(out, summary);
        return 0;
    }

    /** The network the weights name (train and finetune record it); a torchvision file names none: --model then. */
    private static String recordedModel(Path weights) throws java.io.IOException {
        return ModelWeights.recordedModel(WeightFiles.read(weights)).orElseThrow(() -> new UsageException(
                "finetune: " + weights + " does not name its network (a converted torchvision file): give --model"));
    }
}

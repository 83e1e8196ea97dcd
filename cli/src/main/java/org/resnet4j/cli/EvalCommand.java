package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.train.Evaluator;
import org.resnet4j.train.TrainedWeights;

/**
 * {@code eval --model NAME --weights W.safetensors --data DIR [--split test|val|train] [--records-per-file 10000]}:
 * the last line is exactly {@code accuracy=<0..1> error=<percent> images=<count>}. W is the final weights or a
 * checkpoint of a run in progress; the normalization and the validation split come from its metadata (written by
 * {@code train}); {@code --records-per-file} reads smaller files in the CIFAR-10 format (crafted data).
 */
final class EvalCommand {
    private EvalCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("eval", argv, 1, Set.of());
        ModelArguments modelArguments = ModelArguments.parse(args, "resnet20");
        Path weights = args.path("weights");
        Path data = args.path("data");
        String split = args.string("split", "test").toLowerCase(Locale.ROOT);
        int batch = args.integer("batch", 500, 1);
        int recordsPerFile = args.integer("records-per-file", Cifar10Reader.RECORDS_PER_FILE, 1);
        if (args.has("threads")) {
            org.resnet4j.kernels.Parallel.setThreads(args.integer("threads", 1, 1));
        }
        args.rejectUnknown();
        if (!Set.of("test", "val", "train").contains(split)) {
            throw new UsageException("eval: --split must be test, val or train, got '" + split + "'");
        }
        SafeTensorsFile file = WeightFiles.read(weights);
        ResNet model = modelArguments.buildFor(file, weights);
        Workload.announce(new Workload(model.architecture(), model.options(), 32, batch, false));
        TrainedWeights trained = TrainedWeights.load(model, weights, file);
        Normalization normalization = trained.normalization();
        Cifar10Reader reader = new Cifar10Reader(recordsPerFile);
        Cifar10Dataset dataset;
        if (split.equals("test")) {
            dataset = reader.readTest(data);
        } else {
            TrainValidationSplit parts = trained.split(reader.readTraining(data));
            dataset = split.equals("val") ? parts.validation() : parts.train();
            if (dataset.size() == 0) {
                throw new IllegalArgumentException(weights + ": its run trained on all " + parts.train().size()
                        + " training images and held none out, so there is no validation split to evaluate; use "
                        + "--split test or --split train");
            }
        }
        Evaluator.Result result = Evaluator.evaluate(model, Kernels.active(), dataset, normalization, batch);
        out.printf(Locale.ROOT, "accuracy=%.4f error=%.2f images=%d%n", result.accuracy(), result.error() * 100,
                result.images());
        return 0;
    }
}

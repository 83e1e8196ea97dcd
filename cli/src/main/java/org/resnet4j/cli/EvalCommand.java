package org.resnet4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.ImageFolder;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.serving.Labels;
import org.resnet4j.serving.ModelInputs;
import org.resnet4j.train.Evaluator;
import org.resnet4j.train.TrainedWeights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eval --model NAME --weights W.safetensors --data DIR [--split test|val|train] [--records-per-file 10000]
 * [--image-size S] [--resize R] [--exif apply|ignore]}: the last line is exactly {@code accuracy=<0..1> error=<percent> images=<count>}. W is
 * the final weights or a checkpoint of a run in progress. DIR is CIFAR-10 in its binary format (the normalization and
 * the validation split come from W's metadata, as {@code train} writes it; {@code --records-per-file} reads smaller
 * files in that format), or an image folder ({@code DIR/<class>/<image>}, every image scored, each class folder
 * labelled with the network's class of its name, the images prepared as {@code classify} prepares them).
 */
final class EvalCommand {
    private static final Logger LOG = LoggerFactory.getLogger(EvalCommand.class);

    private EvalCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("eval", argv, 1, ModelArguments.SWITCHES);
        ModelArguments modelArguments = ModelArguments.parse(args, "resnet20");
        Path weights = args.path("weights");
        Path data = args.path("data");
        String split = args.string("split", "test").toLowerCase(Locale.ROOT);
        OptionalInt batchOption = args.has("batch") ? OptionalInt.of(args.integer("batch", 1, 1)) : OptionalInt.empty();
        int recordsPerFile = args.integer("records-per-file", Cifar10Reader.RECORDS_PER_FILE, 1);
        ImageCrop.Options cropOptions = ImageCrop.Options.parse(args);
        Optional<ImageDecoder> exif = ExifOption.parse(args, "eval");
        if (args.has("threads")) {
            org.resnet4j.kernels.Parallel.setThreads(args.integer("threads", 1, 1, Arguments.MAX_THREADS));
        }
        args.rejectUnknown();
        if (!Set.of("test", "val", "train").contains(split)) {
            throw new UsageException("eval: --split must be test, val or train, got '" + split + "'");
        }
        boolean folder = DataDirectories.isImageFolder(data);
        // 500 small CIFAR images at once; decoded photographs (224x224 for ImageNet networks) in smaller batches.
        int batch = batchOption.orElse(folder ? 32 : 500);
        if (folder && args.has("split")) {
            throw new UsageException("eval: --split picks a part of CIFAR-10; " + data + " is an image folder, which "
                    + "is evaluated whole");
        }
        if (folder && args.has("records-per-file")) {
            throw new UsageException("eval: --records-per-file is for CIFAR-10 files; " + data + " is an image folder");
        }
        if (!folder && (cropOptions.size().isPresent() || cropOptions.resize().isPresent()
                || args.has(ExifOption.NAME))) {
            throw new UsageException("eval: --image-size, --resize and --exif prepare the images of an image folder; "
                    + data + " is CIFAR-10 data, whose 32x32 images are used as they are");
        }
        SafeTensorsFile file = WeightFiles.read(weights);
        ResNet model = modelArguments.buildFor(file, weights);
        TrainedWeights trained = TrainedWeights.load(model, weights, file);
        Dataset dataset;
        Normalization normalization;
        if (folder) {
            ImageCrop crop = cropOptions.resolve("eval", model, trained.weights());
            // The rule classify, features and serve follow: ImageNet's statistics for an ImageNet network that records
            // none, a refusal for a CIFAR one (there is no standard CIFAR normalization to assume).
            normalization = ModelInputs.normalizationFor(model, trained.weights().normalizationIfRecorded(),
                    weights.toString());
            if (normalization == null) {
                LOG.info("{} records no input normalization: using torchvision's ImageNet mean and std", weights);
                normalization = new Normalization(PixelTensors.imagenetMean(), PixelTensors.imagenetStd());
            }
            Labels labels = ClassifyCommand.recordedOrDefault(trained.weights(), model);
            List<String> names = labels.names();
            ImageFolder images = ImageFolder.scan(data)
                    .decodedBy(ExifOption.resolve(exif, trained.weights().metadata(), weights));
            if (!names.containsAll(images.classNames()) && namedByClassIndex(images.classNames(), model.classes())) {
                // Folders "0", "1", ... "999" (ImageNetV2's layout, and what a shared class name asks for): folder "10"
                // is class 10, not the third in sorted order ("0", "1", "10"), where torchvision's ImageFolder puts it.
                LOG.info("{}: class folders named by class index: folder i is class i", data);
                names = java.util.stream.IntStream.range(0, model.classes()).mapToObj(Integer::toString).toList();
            } else if (trained.weights().labelsIfRecorded() == null && !names.containsAll(images.classNames())
                    && images.classNames().size() == model.classes()) {
                // Weights that name no classes (converted from torchvision) and folders named otherwise than the
                // default names (ImageNet's WordNet ids): the folders in sorted order are the classes, as torchvision
                // numbers them.
                LOG.info("{} names no classes and the folder's are not the default names: class folder i is class i, "
                        + "in sorted order as torchvision numbers them", weights);
                names = images.classNames();
            }
            dataset = images.datasetFor(names, crop.resize(), crop.size());
            Workload.announce(new Workload(model.architecture(), model.options(), crop.size(), batch, false));
        } else {
            requireCifarImages(trained, weights);
            normalization = trained.normalization();
            Workload.announce(new Workload(model.architecture(), model.options(), 32, batch, false));
            dataset = cifar(new Cifar10Reader(recordsPerFile), data, split, trained, weights);
        }
        Evaluator.Result result = Evaluator.evaluate(model, Kernels.active(), dataset, normalization, batch);
        out.printf(Locale.ROOT, "accuracy=%.4f error=%.2f images=%d%n", result.accuracy(), result.error() * 100,
                result.images());
        return 0;
    }

    /**
     * CIFAR-10 data is scored as 32x32 images whose label i is CIFAR-10's class i: weights that record another image
     * size or other class names (fine-tuned on a folder) would be scored against classes they never learned.
     */
    private static void requireCifarImages(TrainedWeights trained, Path weights) {
        OptionalInt size = trained.weights().imageSizeIfRecorded();
        if (size.isPresent() && size.getAsInt() != 32) {
            throw new IllegalArgumentException(weights + ": the network was trained on " + size.getAsInt() + "x"
                    + size.getAsInt() + " images (its metadata '" + ModelWeights.IMAGE_SIZE + "'), and CIFAR-10's are "
                    + "32x32; evaluate it on an image folder");
        }
        List<String> names = trained.weights().labelsIfRecorded();
        if (names != null && !names.equals(Labels.CIFAR10)) {
            throw new IllegalArgumentException(weights + ": the network's classes are " + names + " (its metadata '"
                    + ModelWeights.LABELS + "'), not CIFAR-10's " + Labels.CIFAR10 + "; evaluate it on an image folder "
                    + "of its classes");
        }
    }

    private static Cifar10Dataset cifar(Cifar10Reader reader, Path data, String split, TrainedWeights trained,
            Path weights) throws IOException {
        if (split.equals("test")) {
            return reader.readTest(data);
        }
        TrainValidationSplit parts = trained.split(reader.readTraining(data));
        Cifar10Dataset dataset = split.equals("val") ? parts.validation() : parts.train();
        if (dataset.size() == 0) {
            throw new IllegalArgumentException(weights + ": its run trained on all " + parts.train().size()
                    + " training images and held none out, so there is no validation split to evaluate; use "
                    + "--split test or --split train");
        }
        return dataset;
    }

    /** Whether every folder name is a class index of the network, written plainly ("7", not "07" or "+7"). */
    static boolean namedByClassIndex(List<String> folders, int classes) {
        for (String name : folders) {
            if (!name.matches("0|[1-9][0-9]{0,8}") || Integer.parseInt(name) >= classes) {
                return false;
            }
        }
        return !folders.isEmpty();
    }
}

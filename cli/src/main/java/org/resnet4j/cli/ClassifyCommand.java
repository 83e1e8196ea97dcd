package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ResNet;
import org.resnet4j.serving.ClassScore;
import org.resnet4j.serving.Labels;
import org.resnet4j.serving.ModelInputs;
import org.resnet4j.serving.Prediction;
import org.resnet4j.tensor.Tensor;

/**
 * {@code classify --model NAME --weights W --image FILE [--image FILE ...] [--top 5] [--labels imagenet|FILE]
 * [--output logits.safetensors] [--image-size S] [--resize R] [--exif apply|ignore]}: the top classes of each image, one line per class:
 * {@code image=<file> rank=<r> index=<i> probability=<p> label=<name>}. Images are prepared as {@code features}
 * prepares them. Labels: {@code --labels}, else the class names the weights record (a {@code finetune} run), else
 * ImageNet's for 1,000 classes and CIFAR-10's for 10, else the index.
 */
final class ClassifyCommand {
    private static final int DEFAULT_TOP = 5;

    private ClassifyCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("classify", argv, 1, ModelArguments.SWITCHES, Set.of("image"));
        ModelArguments modelArguments = ModelArguments.parse(args, "resnet50");
        Path weights = args.path("weights");
        List<Path> images = args.all("image").stream().map(Path::of).toList();
        int top = args.integer("top", DEFAULT_TOP, 1);
        String labelsOption = args.string("labels", null);
        Path output = args.has("output") ? args.path("output") : null;
        ImageCrop.Options cropOptions = ImageCrop.Options.parse(args);
        Optional<ImageDecoder> exif = ExifOption.parse(args, "classify");
        args.rejectUnknown();
        SafeTensorsFile file = WeightFiles.read(weights);
        ResNet model = modelArguments.buildFor(file, weights);
        if (!args.has("top")) {
            // The default asks for no more classes than there are: a fine-tuned 2- or 3-class network has fewer than 5.
            top = Math.min(top, model.classes());
        }
        if (top > model.classes()) {
            throw new UsageException("classify: --top " + top + " is more than the model's " + model.classes()
                    + " classes");
        }
        ModelWeights trained = ModelWeights.load(model, weights, file);
        ImageCrop crop = cropOptions.resolve("classify", model, trained);
        Labels labels = labels(labelsOption, trained, model);
        Normalization normalization =
                ModelInputs.normalizationFor(model, trained.normalizationIfRecorded(), weights.toString());
        ImageDecoder decoder = ExifOption.resolve(exif, trained.metadata(), weights);
        Tensor logits = model.freeze().forward(ModelInputs.load(images, decoder, crop.resize(), normalization, crop.size()));
        int classes = model.classes();
        for (int i = 0; i < images.size(); i++) {
            float[] row = java.util.Arrays.copyOfRange(logits.data(), i * classes, (i + 1) * classes);
            List<ClassScore> scores = Prediction.of(row, labels, top).top();
            for (int rank = 0; rank < scores.size(); rank++) {
                ClassScore score = scores.get(rank);
                out.printf(Locale.ROOT, "image=%s rank=%d index=%d probability=%.4f label=%s%n", images.get(i),
                        rank + 1, score.index(), score.probability(), score.label());
            }
        }
        if (output != null) {
            SafeTensors.write(output, List.of(TensorEntry.ofFloats("logits", logits.shape().dims(), logits.data())),
                    Map.of("model", model.architecture().name()));
        }
        return 0;
    }

    private static Labels labels(String option, ModelWeights trained, ResNet model) throws java.io.IOException {
        int classes = model.classes();
        if (option != null) {
            return option.equals("imagenet") ? checked(Labels.imagenet(), classes, "imagenet")
                    : Labels.read(Path.of(option), classes);
        }
        return recordedOrDefault(trained, model);
    }

    /**
     * The labels when none are given: the class names the weights record (a {@code finetune} run), else CIFAR-10's for
     * a 10-class CIFAR network, ImageNet's for a 1,000-class ImageNet one, the index otherwise (a converted 10-class
     * ImageNet network is no CIFAR-10 classifier). {@code serve} and {@code eval} name classes the same way.
     */
    static Labels recordedOrDefault(ModelWeights trained, ResNet model) {
        int classes = model.classes();
        String recorded = trained.metadata().get(ModelWeights.LABELS);
        if (recorded != null) {
            return checked(Labels.of(recorded.lines().toList()), classes, "the weights' " + ModelWeights.LABELS);
        }
        boolean imagenet = model.architecture().family() == Architecture.Family.IMAGENET;
        if (imagenet && classes == 1000) {
            return Labels.imagenet();
        }
        return !imagenet && classes == Labels.CIFAR10.size() ? Labels.defaultFor(classes) : Labels.indices(classes);
    }

    private static Labels checked(Labels labels, int classes, String source) {
        if (labels.size() != classes) {
            throw new IllegalArgumentException(source + " names " + labels.size() + " classes, the model has "
                    + classes);
        }
        return labels;
    }
}

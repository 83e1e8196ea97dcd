package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.resnet4j.models.ResNet;
import org.resnet4j.serving.ModelInputs;
import org.resnet4j.tensor.Tensor;

/**
 * {@code features --model NAME --weights W --image FILE [--image FILE ...] --output F.safetensors [--image-size S]
 * [--resize R] [--exif apply|ignore]}:
 * the backbone features of the images, in the order given, as F32 tensors named as torchvision's
 * {@code create_feature_extractor} names them: {@code layer1} ... {@code layerK} [N, C, H, W] and {@code flatten}
 * [N, C] (the pooled embedding). The images are prepared as {@code classify} prepares them.
 */
final class FeaturesCommand {
    private FeaturesCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("features", argv, 1, ModelArguments.SWITCHES, Set.of("image"));
        ModelArguments modelArguments = ModelArguments.parse(args, "resnet50");
        Path weights = args.path("weights");
        List<Path> images = args.all("image").stream().map(Path::of).toList();
        Path output = args.path("output");
        ImageCrop.Options cropOptions = ImageCrop.Options.parse(args);
        Optional<ImageDecoder> exif = ExifOption.parse(args, "features");
        args.rejectUnknown();
        SafeTensorsFile file = WeightFiles.read(weights);
        ResNet model = modelArguments.buildFor(file, weights);
        ModelWeights trained = ModelWeights.load(model, weights, file);
        ImageCrop crop = cropOptions.resolve("features", model, trained);
        Normalization normalization =
                ModelInputs.normalizationFor(model, trained.normalizationIfRecorded(), weights.toString());
        ImageDecoder decoder = ExifOption.resolve(exif, trained.metadata(), weights);
        Tensor input = ModelInputs.load(images, decoder, crop.resize(), normalization, crop.size());
        Map<String, Tensor> features = model.freeze().features(input);
        List<TensorEntry> entries = new ArrayList<>();
        features.forEach((name, t) -> entries.add(TensorEntry.ofFloats(name, t.shape().dims(), t.data())));
        SafeTensors.write(output, entries, Map.of("model", model.architecture().name(), "images",
                String.join(",", images.stream().map(Path::toString).toList())));
        features.forEach((name, t) -> out.println(name + " " + t.shape()));
        out.println("features=" + output + " images=" + images.size());
        return 0;
    }
}

package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.io.onnx.OnnxExport;
import org.resnet4j.io.onnx.OnnxInput;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ResNet;
import org.resnet4j.serving.ModelInputs;

/**
 * {@code export --model NAME --weights W --onnx OUT.onnx [--batch N|dynamic] [--image-size S] [--classes N]}: the
 * evaluation-mode network with W's weights as an ONNX file (opset 17), input {@code input} [N, 3, S, S], output
 * {@code logits}. W is read as {@code infer} reads it: a state dict, the weights {@code train} wrote, or a checkpoint.
 * The batch is dynamic unless given; S defaults to the image size W records (fine-tuned at another size), else the
 * family's (32 for CIFAR, 224 for ImageNet). The model's metadata ({@code metadata_props}) says how to prepare the
 * input: the normalization, the side, the resize, the EXIF choice and the class names, under the weights' keys. The
 * last line is {@code onnx=<path> nodes=<n> bytes=<n>}.
 */
final class ExportCommand {
    private static final String DYNAMIC = "dynamic";

    private ExportCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("export", argv, 1, ModelArguments.SWITCHES);
        ModelArguments modelArguments = ModelArguments.parse(args, "resnet20");
        Path weights = args.path("weights");
        Path onnx = args.path("onnx");
        boolean dynamic = args.string("batch", DYNAMIC).equals(DYNAMIC);
        int batch = dynamic ? 0 : batch(args);
        OptionalInt sizeOption = args.has("image-size") ? OptionalInt.of(args.integer("image-size", 0, 1, Arguments.MAX_IMAGE_SIZE))
                : OptionalInt.empty();
        args.rejectUnknown();

        SafeTensorsFile file = WeightFiles.read(weights);
        ResNet model = modelArguments.buildFor(file, weights);
        ModelWeights trained = ModelWeights.load(model, weights, file);
        int size = sizeOption.orElse(trained.imageSizeIfRecorded().orElse(ModelInputs.defaultSize(model)));
        OnnxInput input = dynamic ? OnnxInput.dynamicBatch(size) : OnnxInput.fixedBatch(batch, size);
        OnnxExport.Summary summary = OnnxExport.write(model, input, onnx, inputMetadata(model, trained, weights, size));
        out.println("onnx=" + onnx + " nodes=" + summary.nodes() + " bytes=" + summary.bytes());
        return 0;
    }

    /**
     * What a consumer of the ONNX file alone needs to prepare its input as {@code classify} does: the normalization
     * (the recorded one, or ImageNet's for weights that record none, as classify applies), the input's side, the resize
     * before the crop, the EXIF choice and the class names, under the weights' own keys.
     */
    private static Map<String, String> inputMetadata(ResNet model, ModelWeights trained, Path weights, int size) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ModelWeights.MODEL, model.architecture().name());
        Normalization recorded = trained.normalizationIfRecorded();
        if (recorded != null) {
            metadata.putAll(NormalizationMetadata.toMetadata(recorded));
        } else if (model.architecture().family() == Architecture.Family.IMAGENET) {
            metadata.putAll(NormalizationMetadata.toMetadata(new Normalization(PixelTensors.imagenetMean(),
                    PixelTensors.imagenetStd())));
        }
        metadata.put(ModelWeights.IMAGE_SIZE, Integer.toString(size));
        trained.resizeIfRecorded().ifPresent(r -> metadata.put(ModelWeights.RESIZE, Integer.toString(r)));
        String exif = trained.metadata().get(ImageDecoder.ORIENTATION_METADATA_KEY);
        if (exif != null) {
            metadata.put(ImageDecoder.ORIENTATION_METADATA_KEY, exif);
        }
        String labels = trained.metadata().get(ModelWeights.LABELS);
        if (labels != null) {
            metadata.put(ModelWeights.LABELS, labels);
        }
        return metadata;
    }

    private static int batch(Arguments args) {
        try {
            return args.integer("batch", 1, 1);
        } catch (UsageException e) {
            throw new UsageException(e.getMessage() + " (or '" + DYNAMIC + "')");
        }
    }
}

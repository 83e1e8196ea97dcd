package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.io.onnx.OnnxExport;
import org.resnet4j.io.onnx.OnnxInput;
import org.resnet4j.models.ResNet;
import org.resnet4j.serving.ModelInputs;

/**
 * {@code export --model NAME --weights W --onnx OUT.onnx [--batch N|dynamic] [--image-size S] [--classes N]}: the
 * evaluation-mode network with W's weights as an ONNX file (opset 17), input {@code input} [N, 3, S, S], output
 * {@code logits}. W is read as {@code infer} reads it: a state dict, the weights {@code train} wrote, or a checkpoint.
 * The batch is dynamic unless given; S defaults to the image size W records (fine-tuned at another size), else the
 * family's (32 for CIFAR, 224 for ImageNet). The
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
        OnnxExport.Summary summary = OnnxExport.write(model, input, onnx);
        out.println("onnx=" + onnx + " nodes=" + summary.nodes() + " bytes=" + summary.bytes());
        return 0;
    }

    private static int batch(Arguments args) {
        try {
            return args.integer("batch", 1, 1);
        } catch (UsageException e) {
            throw new UsageException(e.getMessage() + " (or '" + DYNAMIC + "')");
        }
    }
}

package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.DType;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code infer --model NAME --weights W.safetensors --input X.safetensors --output Y.safetensors [--classes N]
 * [--normalized]}: X holds one F32 tensor {@code input} of shape [N,3,H,W]; the model runs in eval mode; Y receives F32
 * {@code logits} [N,classes]. W is a state dict (torchvision names), the weights {@code train} wrote, or one of its
 * checkpoints.
 *
 * <p>The input's meaning: when W records a normalization (as {@code train} writes it), {@code input} is RGB pixels in
 * [0, 1] (torchvision's {@code ToTensor}) and that normalization is applied here, with a warning when values fall
 * outside [0, 1]; {@code --normalized} passes the input to the network as it is. Weights that record none (a converted
 * torchvision file) take the input as it is.
 */
final class InferCommand {
    private static final Logger LOG = LoggerFactory.getLogger(InferCommand.class);

    private InferCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("infer", argv, 1, ModelArguments.switchesAnd("normalized"));
        ModelArguments modelArguments = ModelArguments.parse(args, "resnet20");
        Path weights = args.path("weights");
        Path input = args.path("input");
        Path output = args.path("output");
        boolean normalized = args.flag("normalized");
        args.rejectUnknown();
        SafeTensorsFile file = WeightFiles.read(weights);
        ResNet model = modelArguments.buildFor(file, weights);
        Normalization normalization = ModelWeights.load(model, weights, file).normalizationIfRecorded();

        SafeTensorsFile x = SafeTensors.read(input);
        TensorEntry entry = x.tensor("input");
        long[] shape = entry.shape();
        if (entry.dtype() != DType.F32 || shape.length != 4 || shape[1] != 3 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(input + ": tensor 'input' must be F32 of shape [N, 3, H, W], got "
                    + entry.dtype() + " " + Arrays.toString(shape));
        }
        Tensor images = Tensor.wrap(entry.toFloats(), entry.intShape());
        if (normalization != null && !normalized) {
            warnOutsideUnitRange(input, images.data(), weights);
            images = normalization.normalize(images);
        }
        Tensor logits = model.freeze().forward(images);
        SafeTensors.write(output, List.of(TensorEntry.ofFloats("logits", logits.shape().dims(), logits.data())),
                Map.of());
        out.println("logits " + logits.shape() + " -> " + output);
        return 0;
    }

    /** Pixels in 0..255, or an input normalized already, give confident wrong answers: say so. */
    private static void warnOutsideUnitRange(Path input, float[] pixels, Path weights) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : pixels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (min < 0 || max > 1) {
            LOG.warn("{}: input values span [{}, {}], outside [0, 1]: infer expects RGB pixels in [0, 1] and applies the "
                    + "normalization {} records; pass --normalized if the input is normalized already", input, min, max,
                    weights);
        }
    }
}

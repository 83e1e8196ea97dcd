package org.resnet4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.resnet4j.io.DType;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.train.TrainedWeights;

/**
 * {@code infer --model NAME --weights W.safetensors --input X.safetensors --output Y.safetensors [--classes N]}: X holds
 * one F32 tensor {@code input} of shape [N,3,H,W]; the model runs in eval mode; Y receives F32 {@code logits} [N,classes].
 * W is a state dict (torchvision names), the weights {@code train} wrote, or one of its checkpoints.
 */
final class InferCommand {
    private InferCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("infer", argv, 1, Set.of("stride-on-first-1x1"));
        ResNet model = ModelArguments.build(args, "resnet20");
        Path weights = args.path("weights");
        Path input = args.path("input");
        Path output = args.path("output");
        args.rejectUnknown();
        TrainedWeights.load(model, weights);

        SafeTensorsFile x = SafeTensors.read(input);
        TensorEntry entry = x.tensor("input");
        long[] shape = entry.shape();
        if (entry.dtype() != DType.F32 || shape.length != 4 || shape[1] != 3 || Arrays.stream(shape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(input + ": tensor 'input' must be F32 of shape [N, 3, H, W], got "
                    + entry.dtype() + " " + Arrays.toString(shape));
        }
        int[] dims = entry.intShape();
        Tensor images = Tensor.wrap(entry.toFloats(), dims);
        Tensor logits = model.freeze().forward(images);
        SafeTensors.write(output, List.of(TensorEntry.ofFloats("logits", logits.shape().dims(), logits.data())),
                Map.of());
        out.println("logits " + logits.shape() + " -> " + output);
        return 0;
    }
}

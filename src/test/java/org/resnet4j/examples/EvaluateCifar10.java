package org.resnet4j.examples;

import java.nio.file.Path;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.Evaluator;
import org.resnet4j.train.NormalizationMetadata;

/**
 * Loads trained ResNet-20 weights (with the input normalization in their metadata) and measures the error on the
 * CIFAR-10 test batch.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/resnet4j-cli.jar:target/test-classes \
 *     org.resnet4j.examples.EvaluateCifar10 models/resnet20-cifar10.safetensors data/cifar-10-batches-bin
 * </pre>
 */
public final class EvaluateCifar10 {
    private EvaluateCifar10() {
    }

    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args.length > 0 ? args[0] : "models/resnet20-cifar10.safetensors");
        Path data = Path.of(args.length > 1 ? args[1] : "data/cifar-10-batches-bin");

        ResNet model = ResNets.resnet20(10);
        SafeTensorsFile file = StateDicts.load(model, weights);
        Normalization normalization = NormalizationMetadata.fromMetadata(file.metadata(), weights.toString());
        Cifar10Dataset test = new Cifar10Reader().readTest(data);

        Evaluator.Result result = Evaluator.evaluate(model, Kernels.active(), test, normalization, 500);
        System.out.printf("test error %.2f%% on %d images%n", result.error() * 100, result.images());
    }
}

package org.resnet4j.examples;

import java.nio.file.Path;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.Evaluator;
import org.resnet4j.train.TrainedWeights;

/**
 * Loads trained ResNet-20 weights (or a checkpoint of a run in progress) and measures the error on the CIFAR-10 test
 * batch, or with {@code val} on the 5,000 images the training run held out.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/resnet4j-cli.jar:target/test-classes \
 *     org.resnet4j.examples.EvaluateCifar10 models/resnet20-cifar10.safetensors data/cifar-10-batches-bin [test|val]
 * </pre>
 */
public final class EvaluateCifar10 {
    private EvaluateCifar10() {
    }

    public static void main(String[] args) throws Exception {
        Path weights = Path.of(args.length > 0 ? args[0] : "models/resnet20-cifar10.safetensors");
        Path data = Path.of(args.length > 1 ? args[1] : "data/cifar-10-batches-bin");
        boolean validation = args.length > 2 && args[2].equals("val");

        ResNet model = ResNets.resnet20(10);
        TrainedWeights trained = TrainedWeights.load(model, weights);   // the metadata holds normalization and split
        Cifar10Reader reader = new Cifar10Reader();
        Cifar10Dataset images = validation ? trained.split(reader.readTraining(data)).validation() : reader.readTest(data);

        Evaluator.Result result = Evaluator.evaluate(model, Kernels.active(), images, trained.normalization(), 500);
        System.out.printf("%s error %.2f%% on %d images%n", validation ? "validation" : "test", result.error() * 100,
                result.images());
    }
}

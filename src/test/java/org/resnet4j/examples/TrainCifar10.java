package org.resnet4j.examples;

import java.nio.file.Path;
import org.resnet4j.train.Trainer;
import org.resnet4j.train.TrainingConfig;

/**
 * Trains ResNet-20 on CIFAR-10 with the paper's recipe (§4.2), then prints the validation error.
 *
 * <pre>
 * ./mvnw -q test-compile &amp;&amp; java --add-modules jdk.incubator.vector \
 *     -cp target/resnet4j-cli.jar:target/test-classes org.resnet4j.examples.TrainCifar10 data/cifar-10-batches-bin 2000
 * </pre>
 */
public final class TrainCifar10 {
    private TrainCifar10() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data/cifar-10-batches-bin");
        long iterations = args.length > 1 ? Long.parseLong(args[1]) : 64_000;

        TrainingConfig config = TrainingConfig.paper("resnet20", data, Path.of("runs/example-resnet20"))
                .withIterations(iterations)
                .withResume(true);
        Trainer.Summary summary = new Trainer(config).run();

        System.out.printf("validation error %.2f%% after %d iterations; weights in %s%n",
                summary.validationError() * 100, summary.iterations(), summary.weights());
    }
}

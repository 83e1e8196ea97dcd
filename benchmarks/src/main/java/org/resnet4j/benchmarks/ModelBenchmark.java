package org.resnet4j.benchmarks;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.train.TrainingStep;

/**
 * Whole-model workloads of the performance issue: a training step (forward, loss, backward, SGD) or an inference
 * forward, time per batch. images/s = batch / time.
 * Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ModelBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC"})
public class ModelBenchmark {

    /** model:mode:batch:imageSize. */
    @Param({"resnet20:train:128:32", "resnet56:train:128:32", "resnet20:infer:128:32", "resnet50:infer:16:224",
        "resnet50:infer:1:224", "resnet50:train:16:224", "resnet18:infer:16:224"})
    public String workload;

    @Param({"2"})
    public int threads;

    private Runnable step;
    private ResNet model;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        String[] parts = workload.split(":");
        String name = parts[0];
        boolean train = parts[1].equals("train");
        int batch = Integer.parseInt(parts[2]);
        int size = Integer.parseInt(parts[3]);
        model = ResNets.create(name, ModelOptions.defaults(ResNets.defaultClasses(name)));
        SplittableRandom random = new SplittableRandom(7);
        Tensor images = Tensor.zeros(batch, 3, size, size);
        for (int i = 0; i < images.size(); i++) {
            images.data()[i] = (float) random.nextGaussian();
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(model.classes());
        }
        if (train) {
            Map<String, org.resnet4j.nn.Parameter> params = model.namedParameters();
            TrainingStep training = new TrainingStep(model, new Sgd(Kernels.active(), params, 0.9, 1e-4, false),
                    Kernels.active(), 0f);
            step = () -> training.run(images, labels, 0.01);
        } else {
            // As the bench command and a deployment run it: batch norm folded, weights packed once.
            FrozenResNet frozen = model.freeze();
            step = () -> frozen.forward(images);
        }
    }

    @Benchmark
    public ResNet run() {
        step.run();
        return model;
    }
}

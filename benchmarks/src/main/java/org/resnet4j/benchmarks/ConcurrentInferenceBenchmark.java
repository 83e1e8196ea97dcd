package org.resnet4j.benchmarks;

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
import org.resnet4j.kernels.Parallel;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Tensor;

/**
 * One frozen network shared by several calling threads, as a service shares it: batches per second over all callers.
 * Run with JMH's thread count as the number of callers and {@code intraOpThreads} as the kernels' own threads, e.g.
 * {@code java -jar benchmarks/target/benchmarks.jar ConcurrentInferenceBenchmark -t 2 -p intraOpThreads=1}: two callers
 * on two cores against one caller ({@code -t 1}) with one or two kernel threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC"})
public class ConcurrentInferenceBenchmark {

    /** model:batch:imageSize. */
    @Param({"resnet20:1:32", "resnet20:16:32", "resnet50:1:224"})
    public String workload;

    @Param({"1", "2"})
    public int intraOpThreads;

    private FrozenResNet frozen;
    private Tensor images;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(intraOpThreads);
        String[] parts = workload.split(":");
        String name = parts[0];
        int batch = Integer.parseInt(parts[1]);
        int size = Integer.parseInt(parts[2]);
        frozen = ResNets.create(name, ModelOptions.defaults(ResNets.defaultClasses(name))).freeze();
        SplittableRandom random = new SplittableRandom(7);
        images = Tensor.zeros(batch, 3, size, size);
        for (int i = 0; i < images.size(); i++) {
            images.data()[i] = (float) random.nextGaussian();
        }
    }

    @Benchmark
    public Tensor forward() {
        return frozen.forward(images);
    }
}

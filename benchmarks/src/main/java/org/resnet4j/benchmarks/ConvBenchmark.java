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
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.ConvolutionKernels;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Parallel;

/**
 * Convolution forward, backward-data and backward-weights on the real ResNet shapes. Time per call; GFLOP/s is
 * {@code 2 * MACs / time} (benchmarks/conv_vs_pytorch.py computes it and the ratio to PyTorch).
 * Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ConvBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC"})
public class ConvBenchmark {

    @Param({"cifar_16x32x32", "cifar_32x16x16", "cifar_64x8x8", "cifar_16to32_s2", "cifar_32to64_s2",
        "imagenet_3x3_64x56x56", "imagenet_1x1_256to64x56x56", "imagenet_7x7s2_stem"})
    public String shape;

    @Param({"2"})
    public int threads;

    private ConvolutionKernels conv;
    private ConvGeometry g;
    private float[] input;
    private float[] weight;
    private float[] output;
    private float[] gradOutput;
    private float[] gradInput;
    private float[] gradWeight;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        conv = KernelProvider.simd().convolution();
        g = ConvShapes.get(shape);
        SplittableRandom random = new SplittableRandom(42);
        input = random(random, g.inputSize());
        weight = random(random, g.weightSize());
        gradOutput = random(random, g.outputSize());
        output = new float[g.outputSize()];
        gradInput = new float[g.inputSize()];
        gradWeight = new float[g.weightSize()];
    }

    private static float[] random(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    @Benchmark
    public float[] forward() {
        conv.forward(g, input, weight, null, output);
        return output;
    }

    @Benchmark
    public float[] backwardData() {
        conv.backwardData(g, gradOutput, weight, gradInput);
        return gradInput;
    }

    /** Accumulates into gradWeight: the values grow but the work per call is the same. */
    @Benchmark
    public float[] backwardWeights() {
        conv.backwardWeights(g, input, gradOutput, gradWeight, null);
        return gradWeight;
    }
}

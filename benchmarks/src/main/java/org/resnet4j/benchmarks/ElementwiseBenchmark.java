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
import org.resnet4j.kernels.ElementwiseKernels;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.Parallel;

/**
 * The memory-bound pass at the top of a residual block's backward: the output ReLU's gradient, which the branch and
 * the shortcut both take. Two passes (ReLU backward, then a copy for the shortcut) against one that writes both.
 * Lengths: a CIFAR ResNet's stage-1 and stage-3 activations at batch 128 (128x16x32x32, 128x64x8x8).
 * Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ElementwiseBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC"})
public class ElementwiseBenchmark {

    @Param({"2097152", "524288"})
    public int length;

    @Param({"2"})
    public int threads;

    private ElementwiseKernels kernels;
    private float[] y;
    private float[] gradY;
    private float[] gradX;
    private float[] copy;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        kernels = Kernels.active().elementwise();
        SplittableRandom random = new SplittableRandom(1);
        y = new float[length];
        gradY = new float[length];
        for (int i = 0; i < length; i++) {
            y[i] = (float) random.nextGaussian();
            gradY[i] = (float) random.nextGaussian();
        }
        gradX = new float[length];
        copy = new float[length];
    }

    @Benchmark
    public float reluBackwardThenCopy() {
        kernels.reluBackward(length, y, gradY, gradX);
        System.arraycopy(gradX, 0, copy, 0, length);
        return copy[length - 1];
    }

    @Benchmark
    public float reluBackwardTwice() {
        kernels.reluBackwardTwice(length, y, gradY, gradX, copy);
        return copy[length - 1];
    }
}

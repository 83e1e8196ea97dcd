package org.resnet4j.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's float32 FMA peak as the Vector API reaches it: twelve independent accumulators (enough to hide the FMA
 * latency on two FMA pipes), nothing loaded or stored in the loop. The "% of peak" columns of docs/performance.md
 * divide by this. The score is vector FMAs per microsecond per thread; GFLOP/s = score * lanes * 2 / 1000, lanes
 * being 16 with AVX-512 and 8 with AVX2 (printed at the start). Run with {@code -t 1} and {@code -t 2} (threads), and
 * with {@code -jvmArgsAppend -XX:UseAVX=2} for AVX2 on an AVX-512 machine:
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar FmaPeakBenchmark -t 2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class FmaPeakBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 1 << 16;
    private static final int ACCUMULATORS = 12;

    static {
        System.err.println("FmaPeakBenchmark: " + SPECIES.length() + " float lanes");
    }

    // Plain floats, broadcast inside the loop's method: vectors kept in fields of the state object stayed boxed
    // (about 4 ns per FMA instead of a quarter of a cycle).
    private float a = 0.999999f;
    private float b = 1e-7f;

    @Benchmark
    @OperationsPerInvocation(ITERATIONS * ACCUMULATORS)
    public float fma() {
        return chains(a, b);
    }

    private static float chains(float multiplier, float addend) {
        FloatVector x = FloatVector.broadcast(SPECIES, multiplier);
        FloatVector y = FloatVector.broadcast(SPECIES, addend);
        FloatVector c0 = y;
        FloatVector c1 = y;
        FloatVector c2 = y;
        FloatVector c3 = y;
        FloatVector c4 = y;
        FloatVector c5 = y;
        FloatVector c6 = y;
        FloatVector c7 = y;
        FloatVector c8 = y;
        FloatVector c9 = y;
        FloatVector c10 = y;
        FloatVector c11 = y;
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(x, y);
            c1 = c1.fma(x, y);
            c2 = c2.fma(x, y);
            c3 = c3.fma(x, y);
            c4 = c4.fma(x, y);
            c5 = c5.fma(x, y);
            c6 = c6.fma(x, y);
            c7 = c7.fma(x, y);
            c8 = c8.fma(x, y);
            c9 = c9.fma(x, y);
            c10 = c10.fma(x, y);
            c11 = c11.fma(x, y);
        }
        // Every accumulator reaches the result, so none of the chains is dead code.
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}

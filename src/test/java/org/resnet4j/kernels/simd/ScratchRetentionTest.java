package org.resnet4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.testing.RandomArrays;

/**
 * Work buffers stay bounded by the core count, not by how many threads ever called a kernel: a servlet pool of
 * threads that each ran one convolution and stay alive keeps no set of buffers per thread. Counted on the live heap
 * (a class histogram after a full GC), so the test holds whatever the kernels keep their buffers in.
 */
class ScratchRetentionTest {
    private static final int CORES = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final int CALLERS = Math.max(64, 4 * CORES);
    private static final ConvGeometry[] SHAPES = {
            ConvGeometry.square(12, 16, 8, 8, 32, 3, 2, 1),   // a task per image: per-task buffers
            ConvGeometry.square(1, 3, 33, 33, 16, 7, 2, 3),   // the whole batch padded: per-call buffers
            ConvGeometry.square(3, 17, 9, 9, 129, 1, 2, 0)};
    private static final String CONV_SCRATCH = "org.resnet4j.kernels.simd.ConvScratch";
    private static final String TASK_SCRATCH = "org.resnet4j.kernels.simd.ConvScratch$Task";

    @Test
    void liveThreadsThatRanAConvolutionOneAfterAnotherLeaveAtMostACoreCountOfWorkBuffers() throws Exception {
        SimdConvolution conv = new SimdConvolution();
        float[][][] data = data();
        long[] before = {instances(CONV_SCRATCH), instances(TASK_SCRATCH)};
        long[] after = afterLiveThreadsRan(() -> {
            for (int i = 0; i < SHAPES.length; i++) {
                run(conv, SHAPES[i], data[i]);
            }
        }, () -> new long[] {instances(CONV_SCRATCH), instances(TASK_SCRATCH)});
        long calls = after[0] - before[0];
        long tasks = after[1] - before[1];
        // Once every call has returned only the pools' idle sets are left: a core count's per call, twice that per
        // task (SimdConvolution says why).
        assertTrue(calls <= CORES, CALLERS + " threads left " + calls + " per-call sets (cores: " + CORES + ")");
        assertTrue(tasks <= 2 * CORES, CALLERS + " threads left " + tasks + " per-task sets (cores: " + CORES + ")");
    }

    @Test
    void liveThreadsThatRanABatchNormOneAfterAnotherLeaveAtMostACoreCountOfWorkBuffers() throws Exception {
        SimdBatchNorm batchNorm = new SimdBatchNorm();
        int channels = 1 << 16;   // a 256 KB work buffer per call, so a few dozen stand out on the heap
        float[] x = RandomArrays.uniform(new SplittableRandom(7), 2 * channels);
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        float[] zeros = new float[channels];
        float[][] outputs = new float[CALLERS][];
        for (int t = 0; t < CALLERS; t++) {
            outputs[t] = new float[x.length];
        }
        long before = arrayBytes();
        AtomicInteger next = new AtomicInteger();
        long retained = afterLiveThreadsRan(() -> batchNorm.forwardInference(2, channels, x, ones, zeros, zeros, ones,
                1e-5f, outputs[next.getAndIncrement()]), ScratchRetentionTest::arrayBytes) - before;
        long buffer = 4L * channels;
        assertTrue(retained < (CORES + 4) * buffer, CALLERS + " threads left " + retained / buffer
                + " batch-norm buffers' worth of arrays (cores: " + CORES + ")");
    }

    @Test
    void manyCallersAtOnceGetTheBitsOfALoneCall() throws Exception {
        SimdConvolution conv = new SimdConvolution();
        float[][][] data = data();
        float[][][] expected = new float[SHAPES.length][][];
        int previous = Parallel.threads();
        Parallel.setThreads(1);
        try {
            for (int i = 0; i < SHAPES.length; i++) {
                expected[i] = run(conv, SHAPES[i], data[i]);
            }
        } finally {
            Parallel.setThreads(previous);
        }
        long[] before = {instances(CONV_SCRATCH), instances(TASK_SCRATCH)};
        // More callers than the pool keeps, so sets are made, shared out and dropped while others run.
        int callers = 4 * CORES + 3;
        CyclicBarrier start = new CyclicBarrier(callers);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int first = c;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int round = 0; round < 6; round++) {
                        int i = (first + round) % SHAPES.length;
                        float[][] actual = run(conv, SHAPES[i], data[i]);
                        for (int k = 0; k < actual.length; k++) {
                            assertArrayEquals(expected[i][k], actual[k], "result " + k + " of " + SHAPES[i]);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        long calls = instances(CONV_SCRATCH) - before[0];
        long tasks = instances(TASK_SCRATCH) - before[1];
        assertTrue(calls <= CORES && tasks <= 2 * CORES, callers + " callers at once left " + calls + " per-call and "
                + tasks + " per-task sets (cores: " + CORES + ")");
    }

    /**
     * Runs {@code body} on {@link #CALLERS} threads, one after another, and returns {@code measure} taken while all of
     * them are still alive (as in a thread pool), before they are let go.
     */
    private static <T> T afterLiveThreadsRan(Runnable body, Callable<T> measure) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int t = 0; t < CALLERS; t++) {
                CountDownLatch done = new CountDownLatch(1);
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        body.run();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                    done.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                done.await();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            return measure.call();
        } finally {
            release.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static float[][][] data() {
        float[][][] data = new float[SHAPES.length][][];
        for (int i = 0; i < SHAPES.length; i++) {
            ConvGeometry g = SHAPES[i];
            SplittableRandom random = new SplittableRandom(i);
            data[i] = new float[][] {RandomArrays.uniform(random, g.inputSize()),
                    RandomArrays.uniform(random, g.weightSize()), RandomArrays.uniform(random, g.outChannels()),
                    RandomArrays.uniform(random, g.outputSize())};
        }
        return data;
    }

    private static float[][] run(SimdConvolution conv, ConvGeometry g, float[][] data) {
        float[] output = new float[g.outputSize()];
        float[] packedOutput = new float[g.outputSize()];
        float[] gradInput = new float[g.inputSize()];
        float[] gradWeight = new float[g.weightSize()];
        float[] gradBias = new float[g.outChannels()];
        conv.forward(g, data[0], data[1], data[2], output);
        conv.forwardPacked(g, data[0], conv.packForward(g, data[1]), data[2], packedOutput);
        conv.backwardData(g, data[3], data[1], gradInput);
        conv.backwardWeights(g, data[0], data[3], gradWeight, gradBias);
        return new float[][] {output, packedOutput, gradInput, gradWeight, gradBias};
    }

    /** Live instances of a class, after the full GC the histogram runs first. */
    private static long instances(String className) throws Exception {
        return histogramColumn(className, 1);
    }

    /** Bytes of live float and double arrays. */
    private static long arrayBytes() throws Exception {
        return histogramColumn("[F", 2) + histogramColumn("[D", 2);
    }

    private static long histogramColumn(String className, int column) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        for (String line : histogram.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && fields[3].equals(className)) {
                return Long.parseLong(fields[column]);
            }
        }
        return 0;
    }
}

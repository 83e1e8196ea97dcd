package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.resnet4j.testing.RandomArrays;

/**
 * One kernel set called from several threads at once, on different shapes (so each caller's work buffers grow and
 * are reused), while another thread keeps changing the thread count: every call gives the bits a lone call gives.
 */
class ConvConcurrencyTest {

    @Test
    void concurrentCallersGetTheBitsOfALoneCallWhileTheThreadCountChanges() throws Exception {
        int previous = Parallel.threads();
        Kernels kernels = KernelProvider.simd();
        ConvGeometry[] shapes = {
                ConvGeometry.square(1, 3, 33, 33, 16, 7, 2, 3),
                ConvGeometry.square(12, 16, 8, 8, 32, 3, 2, 1),   // a task per image at low thread counts
                ConvGeometry.square(2, 65, 5, 7, 33, 3, 1, 1),
                ConvGeometry.square(3, 17, 9, 9, 129, 1, 2, 0),
                ConvGeometry.square(1, 512, 3, 3, 512, 3, 1, 1)};
        float[][][] data = new float[shapes.length][][];
        float[][][] expected = new float[shapes.length][][];
        Parallel.setThreads(1);
        for (int i = 0; i < shapes.length; i++) {
            ConvGeometry g = shapes[i];
            SplittableRandom random = new SplittableRandom(i);
            data[i] = new float[][] {RandomArrays.uniform(random, g.inputSize()),
                    RandomArrays.uniform(random, g.weightSize()), RandomArrays.uniform(random, g.outChannels()),
                    RandomArrays.uniform(random, g.outputSize())};
            expected[i] = run(kernels, g, data[i]);
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        AtomicBoolean done = new AtomicBoolean();
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int first = c;
                callers.add(threads.submit(() -> {
                    for (int round = 0; round < 30; round++) {
                        int i = (first + round) % shapes.length;
                        float[][] actual = run(kernels, shapes[i], data[i]);
                        for (int k = 0; k < actual.length; k++) {
                            assertArrayEquals(expected[i][k], actual[k], "result " + k + " of " + shapes[i]
                                    + " in round " + round);
                        }
                    }
                    return null;
                }));
            }
            Future<?> changer = threads.submit(() -> {
                for (int t = 0; !done.get(); t++) {
                    Parallel.setThreads(1 + t % 6);
                    Thread.sleep(2);
                }
                return null;
            });
            for (Future<?> caller : callers) {
                caller.get(5, TimeUnit.MINUTES);
            }
            done.set(true);
            changer.get(1, TimeUnit.MINUTES);
        } finally {
            done.set(true);
            threads.shutdownNow();
            Parallel.setThreads(previous);
        }
    }

    private static float[][] run(Kernels kernels, ConvGeometry g, float[][] data) {
        float[] output = new float[g.outputSize()];
        float[] packedOutput = new float[g.outputSize()];
        float[] gradInput = new float[g.inputSize()];
        float[] gradWeight = new float[g.weightSize()];
        float[] gradBias = new float[g.outChannels()];
        kernels.convolution().forward(g, data[0], data[1], data[2], output);
        kernels.convolution().forwardPacked(g, data[0], kernels.convolution().packForward(g, data[1]), data[2],
                packedOutput);
        kernels.convolution().backwardData(g, data[3], data[1], gradInput);
        kernels.convolution().backwardWeights(g, data[0], data[3], gradWeight, gradBias);
        return new float[][] {output, packedOutput, gradInput, gradWeight, gradBias};
    }
}

package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizationTest {
    private static final int N = 300;
    private final Cifar10Dataset data = Cifar10Fixtures.randomDataset(N, 11);

    @Test
    void perChannelStatisticsMatchATwoPassComputation() {
        Normalization norm = Normalization.perChannel(data);
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < 1024; p++) {
                    sum += pixel(i, c, p) / 255.0;
                }
            }
            double mean = sum / (N * 1024);
            double squares = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < 1024; p++) {
                    double d = pixel(i, c, p) / 255.0 - mean;
                    squares += d * d;
                }
            }
            assertEquals(mean, norm.mean()[c], 1e-6, "mean of channel " + c);
            assertEquals(Math.sqrt(squares / (N * 1024)), norm.std()[c], 1e-6, "std of channel " + c);
        }
    }

    /**
     * A cancelled caller (its thread interrupted, as a job server's cancel(true) does) stops the pass over every image,
     * on one thread or several, and keeps its interrupt flag. Reads after the interrupt are slowed, so that a pass
     * that went on regardless would read far more than the bound, however the threads are scheduled.
     */
    @Test
    void anInterruptedCallerStopsThePassOverTheImages() {
        for (int round = 0; round < 6; round++) {
            int threads = 1 + round % 2;
            ArrayDataset images = ArrayDataset.redOrBlue(400, 4, 1);
            Thread caller = Thread.currentThread();
            AtomicInteger read = new AtomicInteger();
            Dataset interrupting = watched(images, () -> {
                int n = read.incrementAndGet();
                if (n == 10) {
                    caller.interrupt();
                } else if (n > 10) {
                    LockSupport.parkNanos(2_000_000);
                }
            });
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Normalization.perChannel(interrupting, threads));
                assertTrue(e.getMessage().startsWith("interrupted while computing the normalization statistics"),
                        e.getMessage());
                assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set");
            } finally {
                Thread.interrupted();
            }
            assertTrue(read.get() < 200, threads + " threads read " + read.get() + " of 400 images");
        }
    }

    /**
     * The images are read on as many threads as asked, in a pool of their own (one thread: the caller's), never on
     * the common pool, which --threads does not bound; the figures are the same bits whatever the count.
     */
    @Test
    void statisticsReadOnTheThreadsAskedAndGiveTheSameBits() {
        for (NormalizationKind kind : NormalizationKind.values()) {
            Normalization everyCore = kind.of(data);
            for (int threads : new int[] {1, 2, 3}) {
                java.util.Set<Thread> readers = java.util.concurrent.ConcurrentHashMap.newKeySet();
                Dataset watched = watched(data, () -> readers.add(Thread.currentThread()));
                Normalization norm = kind.of(watched, threads);
                assertEquals(everyCore, norm, kind + " on " + threads + " threads");
                assertTrue(readers.size() <= threads, readers + " for " + threads);
                assertTrue(readers.stream().noneMatch(t -> t.getName().contains("commonPool")), readers.toString());
                if (threads == 1) {
                    assertEquals(java.util.Set.of(Thread.currentThread()), readers);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Normalization.perChannel(data, 0));
    }

    @Test
    void perChannelNormalizedInputsHaveMeanZeroAndStdOne() {
        Normalization norm = Normalization.perChannel(data);
        float[] out = normalizeAll(norm);
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < N; i++) {
                for (int p = 0; p < 1024; p++) {
                    double v = out[i * 3072 + c * 1024 + p];
                    sum += v;
                    squares += v * v;
                }
            }
            double mean = sum / (N * 1024);
            assertEquals(0, mean, 1e-5, "normalized mean of channel " + c);
            assertEquals(1, Math.sqrt(squares / (N * 1024) - mean * mean), 1e-5, "normalized std of channel " + c);
        }
    }

    @Test
    void perPixelMeanLeavesAZeroMeanImage() {
        Normalization norm = Normalization.perPixelMean(data);
        assertTrue(norm.perPixel());
        assertArrayEquals(new float[] {1, 1, 1}, norm.std());
        float[] out = normalizeAll(norm);
        for (int j = 0; j < 3072; j++) {
            double sum = 0;
            long raw = 0;
            for (int i = 0; i < N; i++) {
                sum += out[i * 3072 + j];
                raw += data.pixels()[i * 3072 + j] & 0xFF;
            }
            assertEquals(raw / (255.0 * N), norm.mean()[j], 1e-7, "mean image value " + j);
            assertEquals(0, sum / N, 1e-6, "normalized mean at " + j);
        }
    }

    @Test
    void layoutsAndTheScalarFormulaAgree() {
        for (Normalization norm : new Normalization[] {Normalization.perChannel(data), Normalization.perPixelMean(data)}) {
            float[] nchw = new float[3072];
            float[] nhwc = new float[3072];
            norm.apply(data.pixels(), Cifar10Dataset.offset(17), nchw, 0, 1024, 1);
            norm.apply(data.pixels(), Cifar10Dataset.offset(17), nhwc, 0, 1, 3);
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) {
                    float expected = norm.apply(c, p, pixel(17, c, p));
                    assertEquals(expected, nchw[c * 1024 + p]);
                    assertEquals(expected, nhwc[p * 3 + c]);
                    double m = norm.perPixel() ? norm.mean()[c * 1024 + p] : norm.mean()[c];
                    assertEquals((pixel(17, c, p) / 255.0 - m) / norm.std()[c], expected, 1e-6);
                }
            }
        }
    }

    @Test
    void savedArraysRestoreTheSameNormalization() {
        for (Normalization norm : new Normalization[] {Normalization.perChannel(data), Normalization.perPixelMean(data)}) {
            Map<String, float[]> stored = new HashMap<>(norm.toMap());
            stored.put("fc.weight", new float[] {1, 2});

            assertEquals(norm, Normalization.fromMap(stored));
            assertEquals(stored.get(Normalization.MEAN_KEY).length, shapeSize(norm.shapes().get(Normalization.MEAN_KEY)));
        }
        assertArrayEquals(new int[] {3, 32, 32}, Normalization.perPixelMean(data).shapes().get(Normalization.MEAN_KEY));
        assertArrayEquals(new int[] {3}, Normalization.perChannel(data).shapes().get(Normalization.STD_KEY));
    }

    /** Sums gathered elsewhere (Spark's executors) give the statistics only from a complete set of them. */
    @Test
    void statisticsFromSumsNeedCompleteSums() {
        IllegalArgumentException channel = assertThrows(IllegalArgumentException.class,
                () -> Normalization.perChannel(new long[3], new long[2], 10));
        assertTrue(channel.getMessage().contains("got 3, 2, 10"), channel.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Normalization.perChannel(new long[3], new long[3], 0));
        IllegalArgumentException pixel = assertThrows(IllegalArgumentException.class,
                () -> Normalization.perPixelMean(new long[3 * 32 * 32 - 1], 5));
        assertTrue(pixel.getMessage().contains("3071 sums and 5 images"), pixel.getMessage());
        long[] sums = new long[3 * 2 * 2];
        java.util.Arrays.fill(sums, 2 * 51);
        assertEquals(0.2f, Normalization.perPixelMean(sums, 2).mean()[7]);
    }

    @Test
    void badArraysAreRejectedWithTheReason() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Normalization.fromMap(Map.of(Normalization.MEAN_KEY, new float[3])));
        assertTrue(missing.getMessage().contains("'normalization.std' is missing"), missing.getMessage());

        IllegalArgumentException units = assertThrows(IllegalArgumentException.class,
                () -> new Normalization(new float[] {125.3f, 123f, 113.9f}, new float[] {63f, 62f, 66.7f}));
        assertTrue(units.getMessage().contains("0..255 units"), units.getMessage());

        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> new Normalization(new float[4], new float[] {1, 1, 1}));
        assertTrue(length.getMessage().contains("got 4"), length.getMessage());

        Cifar10Dataset constant = new Cifar10Dataset(new byte[2 * 3072], new byte[2], Cifar10Fixtures.CLASS_NAMES);
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                () -> Normalization.perChannel(constant));
        assertTrue(flat.getMessage().contains("constant"), flat.getMessage());
    }

    private float[] normalizeAll(Normalization norm) {
        float[] out = new float[N * 3072];
        for (int i = 0; i < N; i++) {
            norm.apply(data.pixels(), Cifar10Dataset.offset(i), out, i * 3072, 1024, 1);
        }
        return out;
    }

    private int pixel(int image, int channel, int p) {
        return data.pixels()[image * 3072 + channel * 1024 + p] & 0xFF;
    }

    private static int shapeSize(int[] shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        return size;
    }

    /** Pixels in [0, 1] normalize to what the byte path gives for the same bytes, per channel and per pixel. */
    @Test
    void normalizingUnitPixelsMatchesTheBytePath() {
        float[] image = new float[3 * 1024];
        for (int i = 0; i < image.length; i++) {
            image[i] = (i * 37 % 256) / 255f;
        }
        float[] meanImage = new float[3072];
        for (int i = 0; i < meanImage.length; i++) {
            meanImage[i] = (i % 97) / 97f;
        }
        for (Normalization n : new Normalization[] {
            new Normalization(new float[] {0.49f, 0.48f, 0.45f}, new float[] {0.25f, 0.24f, 0.26f}),
            new Normalization(meanImage, new float[] {1, 1, 1})}) {
            org.resnet4j.tensor.Tensor out = n.normalize(org.resnet4j.tensor.Tensor.wrap(image.clone(), 1, 3, 32, 32));
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) {
                    float expected = n.apply(c, p, (c * 1024 + p) * 37 % 256);
                    assertEquals(expected, out.data()[c * 1024 + p], Math.ulp(expected) * 2 + 1e-6f, n + " " + c + "," + p);
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Normalization(meanImage,
                new float[] {1, 1, 1}).normalize(org.resnet4j.tensor.Tensor.zeros(1, 3, 16, 16)));
        assertTrue(e.getMessage().contains("a per-pixel mean image is 32x32, the pixels are 16x16"), e.getMessage());
    }

    /** {@code data}, running {@code beforeRead} on the reading thread before each image is read. */
    private static Dataset watched(Dataset data, Runnable beforeRead) {
        return new Dataset() {
            @Override
            public int size() {
                return data.size();
            }

            @Override
            public int imageSize() {
                return data.imageSize();
            }

            @Override
            public java.util.List<String> classNames() {
                return data.classNames();
            }

            @Override
            public int label(int index) {
                return data.label(index);
            }

            @Override
            public void readImage(int index, byte[] out, int offset) {
                beforeRead.run();
                data.readImage(index, out, offset);
            }
        };
    }
}

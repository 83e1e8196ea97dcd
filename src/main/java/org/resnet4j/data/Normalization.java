package org.resnet4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * How raw pixels become network inputs: {@code x = (raw / 255 - mean[.]) / std[c]}, computed in double and rounded to
 * float, with {@code raw} the byte value 0..255 and {@code c} its channel. Mean and std are in 0..1 units (raw / 255),
 * as in torchvision's {@code ToTensor()} then {@code Normalize(mean, std)}, so constants move between the two as they
 * are.
 *
 * <p>Two kinds ({@link NormalizationKind}): per channel ({@code mean} has 3 values, one per channel; the usual CIFAR
 * recipe) or the paper's per-pixel mean subtraction ({@code mean} is the {@code [3][S][S]} mean image of S x S images,
 * 3072 values for CIFAR-10, and {@code std} is {1, 1, 1}). {@code std} always has 3 values. Both are computed from the
 * training split only, so no validation image leaks into the inputs' statistics. Immutable; safe to share between
 * threads.
 *
 * <p>A model needs its normalization at inference time, so it travels with the weights: {@link #toMap()} gives the
 * arrays under {@value #MEAN_KEY} (shape [3] or [3, S, S]) and {@value #STD_KEY} (shape [3]), {@link #fromMap}
 * restores them.
 *
 * @param mean 3 values, or 3 * S * S (S >= 2) for a mean image, each in [0, 1]
 * @param std  3 values in (0, 1]
 */
public record Normalization(float[] mean, float[] std) {
    public static final String MEAN_KEY = "normalization.mean";
    public static final String STD_KEY = "normalization.std";
    private static final int C = Cifar10Dataset.CHANNELS;

    public Normalization {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != C && side(mean.length) == 0) {
            throw new IllegalArgumentException(MEAN_KEY + " must have 3 values (per channel) or 3 * S * S (a 3xSxS mean "
                    + "image, 3072 for CIFAR-10's 32x32), got " + mean.length);
        }
        if (std.length != C) {
            throw new IllegalArgumentException(STD_KEY + " must have 3 values, one per channel, got " + std.length);
        }
        for (int i = 0; i < mean.length; i++) {
            if (!(mean[i] >= 0 && mean[i] <= 1)) {
                throw new IllegalArgumentException(MEAN_KEY + "[" + i + "] is " + mean[i] + ", must be in [0, 1] "
                        + "(units of raw / 255; was it given in 0..255 units?)");
            }
        }
        for (int c = 0; c < C; c++) {
            if (!(std[c] > 0 && std[c] <= 1)) {
                throw new IllegalArgumentException(STD_KEY + "[" + c + "] is " + std[c] + ", must be in (0, 1] "
                        + "(units of raw / 255; was it given in 0..255 units, or is the channel constant?)");
            }
        }
    }

    /** The side S of a {@code 3 * S * S}-value mean image (S >= 2), or 0 when {@code values} is no such count. */
    private static int side(int values) {
        int s = (int) Math.round(Math.sqrt(values / 3.0));
        return s >= 2 && 3 * s * s == values ? s : 0;
    }

    /** Per-channel mean and (population) standard deviation of {@code train}'s pixels, read on every core. */
    public static Normalization perChannel(Dataset train) {
        return perChannel(train, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Per-channel mean and (population) standard deviation of {@code train}'s pixels, read on {@code threads} threads
     * of a pool of their own (not the common pool, so a caller's thread bound holds). The figures do not depend on it.
     */
    public static Normalization perChannel(Dataset train, int threads) {
        int plane = train.imageSize() * train.imageSize();
        // Integer sums are exact (below 2^63 up to 10^14 pixels), so the statistics do not depend on summation order,
        // and the images can be read on several threads (decoding an image folder's files is the slow part).
        long[] totals = sumImages(train, threads, 2 * C, (pixels, acc) -> {
            for (int c = 0; c < C; c++) {
                for (int p = c * plane; p < (c + 1) * plane; p++) {
                    int v = pixels[p] & 0xFF;
                    acc[c] += v;
                    acc[C + c] += v * v;
                }
            }
        });
        return perChannel(Arrays.copyOfRange(totals, 0, C), Arrays.copyOfRange(totals, C, 2 * C),
                (long) train.size() * plane);
    }

    /** Adds each image's bytes into a sum array of {@code length} longs; one array per thread, added at the end. */
    private interface ImageSums {
        void add(byte[] pixels, long[] sums);
    }

    private static long[] sumImages(Dataset data, int threads, int length, ImageSums sums) {
        if (threads < 1) {
            throw new IllegalArgumentException("normalization statistics: threads must be >= 1, got " + threads);
        }
        int parts = Math.max(1, Math.min(data.size(), 4 * threads));
        // A pass over an image folder decodes every file (minutes for a large one): a cancelled caller (its thread
        // interrupted, as a job server's cancel(true) does) stops it at the next image on every thread.
        Thread caller = Thread.currentThread();
        AtomicBoolean stop = new AtomicBoolean();
        IntFunction<long[]> sumPart = part -> {
            byte[] pixels = new byte[data.imageBytes()];
            long[] acc = new long[length];
            long from = (long) data.size() * part / parts;
            long to = (long) data.size() * (part + 1) / parts;
            for (int image = (int) from; image < to; image++) {
                if (stop.get() || Thread.currentThread() == caller && caller.isInterrupted()) {
                    throw new CancellationException();
                }
                data.readImage(image, pixels, 0);
                sums.add(pixels, acc);
            }
            return acc;
        };
        long[] total = new long[length];
        if (threads == 1) {
            try {
                for (int part = 0; part < parts; part++) {
                    add(total, sumPart.apply(part));
                }
                return total;
            } catch (CancellationException e) {
                throw interrupted(data);
            }
        }
        // A pool of exactly the threads asked for, its own (the common pool would ignore the bound). The caller waits
        // in Future.get, which sees its interrupt; the pool's threads are told by the flag.
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "resnet4j-statistics-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<long[]>> results = new ArrayList<>(parts);
            for (int part = 0; part < parts; part++) {
                int p = part;
                results.add(pool.submit(() -> sumPart.apply(p)));
            }
            for (Future<long[]> result : results) {
                add(total, result.get()); // exact integer sums: the order of the parts changes no bit
            }
            return total;
        } catch (InterruptedException e) {
            stop.set(true);
            Thread.currentThread().interrupt();
            throw interrupted(data);
        } catch (ExecutionException e) {
            stop.set(true);
            // What a read threw (an image file that does not decode), as it was thrown.
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void add(long[] total, long[] part) {
        for (int i = 0; i < total.length; i++) {
            total[i] += part[i];
        }
    }

    /** The caller's interrupt status stays set, for whoever cancelled it. */
    private static IllegalStateException interrupted(Dataset data) {
        return new IllegalStateException("interrupted while computing the normalization statistics of " + data.size()
                + " images");
    }

    /**
     * Per-channel mean and (population) standard deviation from exact integer sums of byte values (0..255) and of
     * their squares over {@code count} pixels of each channel: what {@link #perChannel(Dataset)} computes, for sums
     * gathered elsewhere (by Spark's executors), so that the same pixels give the same bits.
     */
    public static Normalization perChannel(long[] sums, long[] sumsOfSquares, long count) {
        if (sums.length != C || sumsOfSquares.length != C || count < 1) {
            throw new IllegalArgumentException("per-channel statistics need 3 sums, 3 sums of squares and a count >= 1, "
                    + "got " + sums.length + ", " + sumsOfSquares.length + ", " + count);
        }
        float[] mean = new float[C];
        float[] std = new float[C];
        for (int c = 0; c < C; c++) {
            double m = sums[c] / (double) count;
            double variance = Math.max(0, sumsOfSquares[c] / (double) count - m * m);
            mean[c] = (float) (m / 255);
            std[c] = (float) (Math.sqrt(variance) / 255);
        }
        return new Normalization(mean, std);
    }

    /** The paper's per-pixel mean subtraction: the mean image of {@code train}, std 1, read on every core. */
    public static Normalization perPixelMean(Dataset train) {
        return perPixelMean(train, Runtime.getRuntime().availableProcessors());
    }

    /** The mean image of {@code train}, std 1, read on {@code threads} threads (see {@link #perChannel(Dataset, int)}). */
    public static Normalization perPixelMean(Dataset train, int threads) {
        long[] sums = sumImages(train, threads, train.imageBytes(), (pixels, acc) -> {
            for (int i = 0; i < acc.length; i++) {
                acc[i] += pixels[i] & 0xFF;
            }
        });
        return perPixelMean(sums, train.size());
    }

    /**
     * The per-pixel mean image from exact integer sums of each byte value ({@code [3][S][S]}) over {@code images}
     * images: what {@link #perPixelMean(Dataset)} computes, for sums gathered elsewhere.
     */
    public static Normalization perPixelMean(long[] sums, long images) {
        if (side(sums.length) == 0 || images < 1) {
            throw new IllegalArgumentException("a per-pixel mean needs 3 x S x S sums and an image count >= 1, got "
                    + sums.length + " sums and " + images + " images");
        }
        float[] mean = new float[sums.length];
        for (int i = 0; i < sums.length; i++) {
            mean[i] = (float) (sums[i] / ((double) images * 255));
        }
        return new Normalization(mean, new float[] {1, 1, 1});
    }

    /** True for the paper's per-pixel mean image, false for per-channel statistics. */
    public boolean perPixel() {
        return mean.length != C;
    }

    /** The side S of the per-pixel mean image (32 for CIFAR-10's), or 0 for per-channel statistics. */
    public int meanImageSize() {
        return perPixel() ? side(mean.length) : 0;
    }

    /** The normalized value of byte {@code raw} (0..255) at {@code channel}, {@code pixel = y * S + x}. */
    public float apply(int channel, int pixel, int raw) {
        double m = perPixel() ? mean[channel * (mean.length / C) + pixel] : mean[channel];
        return (float) ((raw / 255.0 - m) / std[channel]);
    }

    /**
     * Normalizes one 32x32 image (CIFAR-10's): {@link #apply(byte[], int, int, float[], int, int, int)} with
     * {@code imageSize} 32.
     */
    public void apply(byte[] image, int imageOffset, float[] out, int outOffset, int channelStride, int pixelStride) {
        apply(image, imageOffset, Cifar10Dataset.HEIGHT, out, outOffset, channelStride, pixelStride);
    }

    /**
     * Normalizes one image: reads {@code [3][S][S]} bytes of {@code image} from {@code imageOffset}, writes value
     * (c, p) to {@code out[outOffset + c * channelStride + p * pixelStride]} (NCHW: strides S * S, 1; NHWC: 1, 3).
     *
     * @param imageSize S; a per-pixel mean image must be of this side
     */
    public void apply(byte[] image, int imageOffset, int imageSize, float[] out, int outOffset, int channelStride,
                      int pixelStride) {
        boolean perPixel = perPixel();
        if (perPixel && meanImageSize() != imageSize) {
            throw new IllegalArgumentException("normalize: the per-pixel mean image is " + meanImageSize() + "x"
                    + meanImageSize() + ", the image " + imageSize + "x" + imageSize);
        }
        int plane = imageSize * imageSize;
        for (int c = 0; c < C; c++) {
            double s = std[c];
            int to = outOffset + c * channelStride;
            int from = imageOffset + c * plane;
            for (int p = 0; p < plane; p++) {
                double m = perPixel ? mean[c * plane + p] : mean[c];
                out[to + p * pixelStride] = (float) (((image[from + p] & 0xFF) / 255.0 - m) / s);
            }
        }
    }

    /**
     * A new tensor of {@code pixels} normalized: {@code (x - mean) / std} per value, where {@code pixels} is
     * {@code [N, 3, H, W]} RGB in [0, 1] (torchvision's {@code ToTensor} convention), in either layout. A per-pixel
     * mean image applies to images of its own size only. Computed in double and rounded to float, as {@link #apply} does for
     * bytes, so a byte {@code b} given as {@code b / 255f} normalizes to within one float rounding of it.
     */
    public Tensor normalize(Tensor pixels) {
        Shape shape = pixels.shape().requireRank(4, "normalize: pixels");
        int n = shape.dim(0);
        int h = shape.dim(2);
        int w = shape.dim(3);
        if (shape.dim(1) != C) {
            throw new IllegalArgumentException("normalize: pixels " + shape + " must have 3 channels (RGB)");
        }
        if (perPixel() && (h != meanImageSize() || w != meanImageSize())) {
            throw new IllegalArgumentException("normalize: a per-pixel mean image is " + meanImageSize() + "x"
                    + meanImageSize() + ", the pixels are " + h + "x" + w);
        }
        Tensor nchw = pixels.toLayout(Layout.NCHW);
        float[] in = nchw.data();
        float[] out = new float[in.length];
        int plane = h * w;
        for (int image = 0; image < n; image++) {
            for (int c = 0; c < C; c++) {
                double s = std[c];
                int base = (image * C + c) * plane;
                for (int p = 0; p < plane; p++) {
                    double m = perPixel() ? mean[c * plane + p] : mean[c];
                    out[base + p] = (float) ((in[base + p] - m) / s);
                }
            }
        }
        return Tensor.wrap(out, shape, Layout.NCHW);
    }

    /** The arrays to store with a model: {@value #MEAN_KEY} and {@value #STD_KEY} (copies). */
    public Map<String, float[]> toMap() {
        Map<String, float[]> map = new LinkedHashMap<>();
        map.put(MEAN_KEY, mean.clone());
        map.put(STD_KEY, std.clone());
        return map;
    }

    /** The tensor shapes of {@link #toMap()}'s arrays: mean [3] or [3, S, S], std [3]. */
    public Map<String, int[]> shapes() {
        Map<String, int[]> map = new LinkedHashMap<>();
        map.put(MEAN_KEY, perPixel() ? new int[] {C, meanImageSize(), meanImageSize()} : new int[] {C});
        map.put(STD_KEY, new int[] {C});
        return map;
    }

    /**
     * The normalization stored in {@code arrays} under {@value #MEAN_KEY} and {@value #STD_KEY}; other keys (the
     * model's weights) are ignored.
     */
    public static Normalization fromMap(Map<String, float[]> arrays) {
        float[] mean = arrays.get(MEAN_KEY);
        float[] std = arrays.get(STD_KEY);
        if (mean == null || std == null) {
            throw new IllegalArgumentException("no normalization stored: expected arrays '" + MEAN_KEY + "' and '"
                    + STD_KEY + "', " + (mean == null ? "'" + MEAN_KEY + "'" : "'" + STD_KEY + "'") + " is missing");
        }
        return new Normalization(mean, std);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return perPixel()
                ? "Normalization[per-pixel mean image, std " + Arrays.toString(std) + "]"
                : "Normalization[mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }
}

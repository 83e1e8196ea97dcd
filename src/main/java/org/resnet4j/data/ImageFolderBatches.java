package org.resnet4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.RgbImage;
import org.resnet4j.images.TrainingTransform;
import org.resnet4j.tensor.Layout;

/**
 * Batches of image files, as {@link Cifar10Batches} makes them from CIFAR-10's bytes: epoch {@code e} visits the
 * samples in the order of a permutation drawn from (seed, e) when shuffling; each image is decoded and transformed
 * (augmented by a draw from (seed, e, image) when training), so a batch is a pure function of (epoch, batch) and a
 * resumed loader repeats a run exactly. The images of one batch are decoded on {@code decodeThreads} threads of the
 * source's own pool; each writes only its slot.
 */
final class ImageFolderBatches implements BatchSource {
    private final List<ImageFolder.Sample> samples;
    private final TrainingTransform training;
    private final EvaluationTransform evaluation;
    private final int batchSize;
    private final long seed;
    private final Layout layout;
    private final int size;
    private final int[] order;
    private int orderEpoch = -1;
    private final ImageDecoder decoder = ImageDecoder.standard();
    private final ForkJoinPool pool;

    /** Exactly one of {@code training} and {@code evaluation} is given: it says the kind. */
    ImageFolderBatches(List<ImageFolder.Sample> samples, TrainingTransform training, EvaluationTransform evaluation,
                       int batchSize, long seed, Layout layout, int decodeThreads) {
        if ((training == null) == (evaluation == null)) {
            throw new IllegalArgumentException("give a training or an evaluation transform");
        }
        this.samples = List.copyOf(samples);
        this.training = training;
        this.evaluation = evaluation;
        this.batchSize = batchSize;
        this.seed = seed;
        this.layout = layout;
        this.size = training != null ? training.size() : evaluation.crop();
        this.order = training != null ? new int[samples.size()] : null;
        this.pool = new ForkJoinPool(Math.max(1, decodeThreads));
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public int batchesPerEpoch() {
        int n = samples.size();
        return training != null ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public int batchLength(int batch) {
        return Math.min(batchSize, samples.size() - batch * batchSize);
    }

    @Override
    public void fill(int epoch, int batch, Batch out) {
        if (training != null && orderEpoch != epoch) {
            Seeds.permutation(order, Seeds.random(seed, Seeds.SHUFFLE, epoch, 0));
            orderEpoch = epoch;
        }
        int start = batch * batchSize;
        int length = batchLength(batch);
        out.prepare(length, epoch, batch);
        float[] images = out.images();
        int[] labels = out.labels();
        int values = 3 * size * size;
        try {
            pool.submit(() -> IntStream.range(0, length).parallel().forEach(k -> {
                int index = training != null ? order[start + k] : start + k;
                ImageFolder.Sample sample = samples.get(index);
                float[] chw = new float[values];
                try {
                    RgbImage image = decoder.decode(sample.file());
                    if (training != null) {
                        SplittableRandom random = Seeds.random(seed, Seeds.AUGMENT, epoch, index);
                        training.write(image, random, chw, 0);
                    } else {
                        org.resnet4j.images.PixelTensors.write(evaluation.geometry(image), evaluation.mean(),
                                evaluation.std(), chw, 0);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                place(chw, images, k * values);
                labels[k] = sample.label();
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding batch " + batch + " of epoch " + epoch, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException io ? io.getCause() : e.getCause();
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** Copies one CHW image into the batch at {@code offset}, transposed to HWC when the batch is NHWC. */
    private void place(float[] chw, float[] batch, int offset) {
        if (layout == Layout.NCHW) {
            System.arraycopy(chw, 0, batch, offset, chw.length);
            return;
        }
        int plane = size * size;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                batch[offset + p * 3 + c] = chw[c * plane + p];
            }
        }
    }
}

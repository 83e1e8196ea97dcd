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

/**
 * Batches of image files under torchvision's transforms, which work on each decoded image at its own size (a
 * {@link Dataset}'s images are all of one): epoch {@code e} visits the
 * samples in the order of a permutation drawn from (seed, e) when shuffling; each image is decoded and transformed
 * (augmented by a draw from (seed, e, image) when training), so a batch is a pure function of (epoch, batch) and a
 * resumed loader repeats a run exactly. The images of one batch are decoded on {@code decodeThreads} threads of the
 * source's own pool; each writes only its slot.
 */
final class ImageFolderBatches implements BatchSource, AutoCloseable {
    private final List<ImageFolder.Sample> samples;
    private final TrainingTransform training;
    private final EvaluationTransform evaluation;
    private final int batchSize;
    private final long seed;
    private final int size;
    private final int[] order;
    private int orderEpoch = -1;
    private final ImageDecoder decoder;
    private final ForkJoinPool pool;

    /** Exactly one of {@code training} and {@code evaluation} is given: it says the kind. */
    ImageFolderBatches(List<ImageFolder.Sample> samples, ImageDecoder decoder, TrainingTransform training,
                       EvaluationTransform evaluation, int batchSize, long seed, int decodeThreads) {
        if ((training == null) == (evaluation == null)) {
            throw new IllegalArgumentException("give a training or an evaluation transform");
        }
        this.samples = List.copyOf(samples);
        this.decoder = decoder;
        this.training = training;
        this.evaluation = evaluation;
        this.batchSize = batchSize;
        this.seed = seed;
        this.size = training != null ? training.size() : evaluation.crop();
        this.order = training != null ? new int[samples.size()] : null;
        this.pool = new ForkJoinPool(Math.max(1, decodeThreads));
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public int batchesPerEpoch() {
        int n = samples.size();
        return training != null ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    @Override
    public void fill(int epoch, int batch, Batch out) {
        if (training != null && orderEpoch != epoch) {
            Seeds.permutation(order, Seeds.random(seed, Seeds.SHUFFLE, epoch, 0));
            orderEpoch = epoch;
        }
        int start = batch * batchSize;
        int length = out.size();
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
                        RgbImage prepared = evaluation.geometry(image, sample.file().toString());
                        org.resnet4j.images.PixelTensors.write(prepared, evaluation.mean(), evaluation.std(), chw, 0);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                out.put(k, chw, 0, sample.label());
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding batch " + batch + " of epoch " + epoch, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException io ? io.getCause() : e.getCause();
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

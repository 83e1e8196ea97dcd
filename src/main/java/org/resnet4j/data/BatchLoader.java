package org.resnet4j.data;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.TrainingTransform;
import org.resnet4j.tensor.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out batches of normalized images of any {@link Dataset} (CIFAR-10's, an image folder's, yours), of image files
 * under torchvision's transforms, or of a {@link BatchSource} of yours, prepared a few batches ahead on a background
 * thread.
 *
 * <p>Two kinds, from the paper's §4.2 recipe. {@link #training}: each epoch visits the images in a fresh random order
 * drawn from (seed, epoch), each image augmented by a draw from (seed, epoch, image) (the paper's pad, crop and flip
 * unless {@link Builder#augmentation} says otherwise), and the last incomplete batch of an epoch is dropped (so every
 * step sees B images, and batch-norm statistics never come from a handful); it runs for ever unless
 * {@link Builder#epochs} says otherwise. {@link #evaluation}: the images in the data set's order, unaugmented, the last
 * batch kept short so every image counts once; one epoch by default.
 *
 * <p>Resuming: {@link #state()} says which batch comes next; a loader built with {@link Builder#resumeFrom} hands out
 * exactly the batches that would have followed, because nothing but (seed, epoch, image) feeds the randomness.
 *
 * <p>Threads and memory: one background thread prepares batches in order, reading the images of each batch on
 * {@link Builder#threads} threads, at most {@code prefetch} batches ahead of the caller, so memory is bounded whatever
 * the data set's size. Each batch {@link #next()} returns is the caller's: no later call changes it. A failure on
 * the background thread is rethrown by {@link #next()}, after the batches completed before it. One consumer thread;
 * {@link #close()} stops the background thread.
 */
public final class BatchLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Put in the ready queue to wake the consumer when the worker fails or the loader closes. */
    private static final Batch WAKE_UP = new Batch(0, Layout.NCHW);

    private final BatchSource source;
    private final int endEpoch;
    // Permits for batches prepared but not yet handed out: the worker takes one per batch, next() gives it back.
    private final Semaphore ahead;
    private final BlockingQueue<Batch> ready;
    private final int imageSize;
    private final Layout layout;
    private final Thread worker;
    private LoaderState next;
    private volatile Throwable failure;
    private volatile boolean closed;

    /** A loader for training: shuffled, augmented, last incomplete batch dropped, unlimited epochs. */
    public static Builder training(Dataset dataset, Normalization normalization) {
        return new Builder(dataset, normalization, true);
    }

    /** A loader for evaluation: the data set's order, unaugmented, every image exactly once per epoch, one epoch. */
    public static Builder evaluation(Dataset dataset, Normalization normalization) {
        return new Builder(dataset, normalization, false);
    }

    /**
     * A loader over a source of yours, handing out {@code epochs} epochs of it (counted from epoch 0) from
     * {@code resumeFrom}, or from the first batch when that is null, in batches of the given layout (NHWC is what the
     * kernels use). The state to resume from must have been saved by a loader over the same seed, batch size and
     * size.
     */
    public static BatchLoader of(BatchSource source, Layout layout, LoaderState resumeFrom, int epochs) {
        if (resumeFrom != null && resumeFrom.seed() != source.seed() || epochs < 1) {
            closeSource(source);
            throw new IllegalArgumentException(epochs < 1 ? "epochs must be >= 1, got " + epochs
                    : "cannot resume: the state was saved by a loader of seed " + resumeFrom.seed() + ", the source "
                    + "has seed " + source.seed());
        }
        return new BatchLoader(source, resumeFrom != null ? resumeFrom
                : new LoaderState(source.seed(), 0, 0, source.batchSize(), source.size()), epochs, 2, layout);
    }

    /**
     * A training loader over image files: shuffled by (seed, epoch), each image decoded and augmented by
     * {@code transform} with the draw for (seed, epoch, image), last incomplete batch dropped, unlimited epochs; images
     * of a batch decoded on {@code decodeThreads} threads, JPEGs turned upright by their EXIF orientation. {@code resumeFrom} (or null) continues a saved
     * {@link #state()} exactly.
     */
    public static BatchLoader imageFolderTraining(List<ImageFolder.Sample> samples, TrainingTransform transform,
                                                  int batchSize, long seed, LoaderState resumeFrom, Layout layout,
                                                  int decodeThreads) {
        return imageFolderTraining(samples, ImageDecoder.standard(), transform, batchSize, seed, resumeFrom, layout,
                decodeThreads);
    }

    /** As above, the images decoded by {@code decoder} (the folder's {@link ImageFolder#decoder()}, say). */
    public static BatchLoader imageFolderTraining(List<ImageFolder.Sample> samples, ImageDecoder decoder,
                                                  TrainingTransform transform, int batchSize, long seed,
                                                  LoaderState resumeFrom, Layout layout, int decodeThreads) {
        LoaderState start = resumeFrom != null ? resumeFrom : new LoaderState(seed, 0, 0, batchSize, samples.size());
        return new BatchLoader(new ImageFolderBatches(samples, Objects.requireNonNull(decoder, "decoder"), transform,
                null, batchSize, start.seed(), decodeThreads), start, Integer.MAX_VALUE, 2, layout);
    }

    /**
     * An evaluation loader over image files: in the given order, {@code transform} only, every image once; JPEGs
     * turned upright by their EXIF orientation ({@link ImageDecoder#standard()}).
     */
    public static BatchLoader imageFolderEvaluation(List<ImageFolder.Sample> samples, EvaluationTransform transform,
                                                    int batchSize, Layout layout, int decodeThreads) {
        return imageFolderEvaluation(samples, ImageDecoder.standard(), transform, batchSize, layout, decodeThreads);
    }

    /** As above, the images decoded by {@code decoder}. */
    public static BatchLoader imageFolderEvaluation(List<ImageFolder.Sample> samples, ImageDecoder decoder,
                                                    EvaluationTransform transform, int batchSize, Layout layout,
                                                    int decodeThreads) {
        return new BatchLoader(new ImageFolderBatches(samples, Objects.requireNonNull(decoder, "decoder"), null,
                transform, batchSize, 0, decodeThreads), new LoaderState(0, 0, 0, batchSize, samples.size()), 1, 2,
                layout);
    }

    BatchLoader(BatchSource source, LoaderState start, int endEpoch, int prefetch, Layout layout) {
        try {
            if (start.batchSize() != source.batchSize() || start.datasetSize() != source.size()) {
                throw new IllegalArgumentException("cannot resume: the state was saved by a loader of batch size "
                        + start.batchSize() + " over " + start.datasetSize() + " images, this one has batch size "
                        + source.batchSize() + " over " + source.size() + " images");
            }
            if (source.batchesPerEpoch() < 1) {
                throw new IllegalArgumentException("a dataset of " + start.datasetSize() + " images gives no full batch "
                        + "of " + start.batchSize() + "; use a smaller batch size");
            }
            if (start.batch() >= source.batchesPerEpoch()) {
                throw new IllegalArgumentException("resume position: batch " + start.batch() + " is past the end of an "
                        + "epoch of " + source.batchesPerEpoch() + " batches");
            }
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch must be >= 1 batch, got " + prefetch);
            }
        } catch (IllegalArgumentException e) {
            closeSource(source);
            throw e;
        }
        this.source = source;
        this.next = start;
        this.endEpoch = endEpoch;
        this.ahead = new Semaphore(prefetch);
        // Room for every batch ahead and the wake-up marker, so neither the worker's put nor its offer ever waits.
        this.ready = new ArrayBlockingQueue<>(prefetch + 1);
        this.imageSize = source.imageSize();
        this.layout = layout;
        this.worker = Thread.ofPlatform().daemon().name("resnet4j-batch-loader-" + THREADS.incrementAndGet())
                .unstarted(this::produce);
        worker.start();
    }

    private void produce() {
        int epoch = next.epoch();
        int batch = next.batch();
        try {
            while (epoch < endEpoch && !closed) {
                ahead.acquire();
                Batch prepared = new Batch(source.batchLength(batch), imageSize, imageSize, layout, epoch, batch);
                source.fill(epoch, batch, prepared);
                ready.put(prepared);
                if (++batch == source.batchesPerEpoch()) {
                    batch = 0;
                    epoch++;
                }
            }
        } catch (InterruptedException e) {
            // close() interrupts a worker that waits for the caller to catch up: a normal end. Any other interrupt is a
            // failure.
            if (!closed) {
                fail(epoch, batch, e);
            }
        } catch (Throwable t) {
            fail(epoch, batch, t);
        }
    }

    private void fail(int epoch, int batch, Throwable t) {
        failure = new IllegalStateException("batch loader: preparing batch " + batch + " of epoch " + epoch
                + " failed: " + (t.getMessage() != null ? t.getMessage() : t.toString()), t);
        ready.offer(WAKE_UP);
    }

    /** Whether {@link #next()} has another batch (false after the last configured epoch). */
    public boolean hasNext() {
        return next.epoch() < endEpoch;
    }

    /**
     * The next batch, waiting for it if it is not ready: a batch of its own arrays, the caller's to keep.
     *
     * @throws NoSuchElementException after the last configured epoch
     * @throws IllegalStateException  when preparing the batch failed (the cause attached) or the loader is closed
     */
    public Batch next() {
        if (closed) {
            throw new IllegalStateException("batch loader is closed");
        }
        if (!hasNext()) {
            throw new NoSuchElementException("batch loader: all " + endEpoch + " epochs have been handed out");
        }
        Batch batch = awaitReady();
        if (batch == WAKE_UP) {
            ready.offer(WAKE_UP);
            if (closed) {
                throw new IllegalStateException("batch loader is closed");
            }
            throw new IllegalStateException(failure.getMessage(), failure.getCause());
        }
        ahead.release();
        int following = next.batch() + 1;
        next = following == source.batchesPerEpoch() ? next.at(next.epoch() + 1, 0) : next.at(next.epoch(), following);
        return batch;
    }

    private Batch awaitReady() {
        try {
            while (true) {
                Batch batch = ready.poll(1, TimeUnit.SECONDS);
                if (batch != null) {
                    return batch;
                }
                // The worker always signals its end, but if it died in a way it could not report, fail rather than hang.
                if (!worker.isAlive()) {
                    batch = ready.poll();
                    if (batch != null) {
                        return batch;
                    }
                    throw new IllegalStateException("batch loader: the background thread " + worker.getName()
                            + " ended without preparing batch " + next.batch() + " of epoch " + next.epoch());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        }
    }

    /** Batches per epoch: floor(N / B) for training (last partial batch dropped), ceil(N / B) for evaluation. */
    public int batchesPerEpoch() {
        return source.batchesPerEpoch();
    }

    /** The position of the batch the next call to {@link #next()} returns: save it to resume there. */
    public LoaderState state() {
        return next;
    }

    /** For tests: whether the background thread is still running. */
    boolean workerAlive() {
        return worker.isAlive();
    }

    /** Stops the background thread and waits for it; idempotent. Batches handed out stay as they are. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.interrupt();
        ready.offer(WAKE_UP);
        // A cancelled caller (a job server's cancel(true)) closes with its interrupt flag set, which would end the
        // join at once and leave the source open: the flag is set aside while waiting, and restored after.
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long left = deadline - System.nanoTime();
        while (worker.isAlive() && left > 0) {
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            left = deadline - System.nanoTime();
        }
        if (worker.isAlive()) {
            // Its source is closed all the same (a source of files or sockets, a decoding pool): the thread is a
            // daemon stuck in the source's own code, and whatever it does next with a closed source is discarded.
            LOG.warn("batch loader thread {} did not stop within 10 s; closing its source under it", worker.getName());
        }
        closeSource(source);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeSource(BatchSource source) {
        if (source instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing the batch source {} failed: {}", source, e.toString());
            }
        }
    }

    /**
     * Configures a {@link BatchLoader}. Not safe to share between threads: its setters write plain fields, so one
     * thread builds; each loader it builds takes the settings as they were then.
     */
    public static final class Builder {
        private final Dataset dataset;
        private final Normalization normalization;
        private final boolean training;
        private int batchSize = 128;
        private long seed;
        private LoaderState resumeFrom;
        private int epochs;
        private int prefetch = 2;
        private Layout layout = Layout.NCHW;
        private Augmentation augmentation = Augmentation.PAD_CROP_FLIP;
        private int threads = 1;

        private Builder(Dataset dataset, Normalization normalization, boolean training) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            this.normalization = Objects.requireNonNull(normalization, "normalization");
            if (dataset.size() < 1) {
                throw new IllegalArgumentException("batch loader: the data set " + dataset + " has no images");
            }
            this.training = training;
            this.epochs = training ? Integer.MAX_VALUE : 1;
        }

        /** Images per batch; 128 by default (the paper's mini-batch size). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The seed of the shuffling and augmentation; 0 by default. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Start where a loader's {@link BatchLoader#state()} said, with its seed (which replaces {@link #seed}). The
         * batch size and dataset size must be the ones it was saved with.
         */
        public Builder resumeFrom(LoaderState state) {
            this.resumeFrom = Objects.requireNonNull(state, "state");
            return this;
        }

        /** Hand out batches until this many epochs (counted from epoch 0) are done. */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Batches prepared ahead of the consumer; 2 by default. */
        public Builder prefetch(int batches) {
            this.prefetch = batches;
            return this;
        }

        /** The layout of {@link Batch#images()}: NCHW by default; NHWC is what the kernels use. */
        public Builder layout(Layout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return this;
        }

        /** The augmentation of a training loader: the paper's {@link Augmentation#PAD_CROP_FLIP} by default. */
        public Builder augmentation(Augmentation augmentation) {
            Objects.requireNonNull(augmentation, "augmentation");
            if (!training && augmentation != Augmentation.NONE) {
                throw new IllegalArgumentException("augmentation " + augmentation + ": an evaluation loader never "
                        + "augments");
            }
            this.augmentation = augmentation;
            return this;
        }

        /**
         * Threads that read (and augment and normalize) the images of one batch; 1 by default, which keeps up with
         * training on an in-memory data set. More pay off where a read decodes a file ({@link ImageFolder#dataset}).
         * The batches are the same for any count.
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Starts the background thread: close the loader when done. */
        public BatchLoader build() {
            LoaderState start = resumeFrom != null ? resumeFrom : new LoaderState(seed, 0, 0, batchSize, dataset.size());
            BatchSource source = new DatasetBatches(dataset, normalization, training ? augmentation : null, batchSize,
                    start.seed(), layout, threads);
            return new BatchLoader(source, start, epochs, prefetch, layout);
        }
    }
}

package org.resnet4j.train;

import java.time.Duration;
import java.util.Locale;
import org.resnet4j.data.Batch;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a model in evaluation mode over every image of a dataset, unaugmented, through its frozen (folded) form.
 *
 * <p>Holds no state: evaluations may run on several threads at once, of one model too (each runs its own frozen copy),
 * but not while another thread trains the model or loads its weights.
 */
public final class Evaluator {
    /** Mean loss, error fraction and image count. Immutable; safe to share between threads. */
    public record Result(double loss, double error, int images) {
        public double accuracy() {
            return 1 - error;
        }
    }

    /** Seconds between progress lines of a long evaluation (a large image folder: minutes). */
    static final long PROGRESS_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    private Evaluator() {
    }

    private static void logProgress(int batches, int totalBatches, int images, long correct, double seconds) {
        double perSecond = images / seconds;
        long left = (long) ((totalBatches - batches) * (images / (double) batches) / perSecond);
        LOG.info(String.format(Locale.ROOT, "evaluation: batch %d/%d  %d images  accuracy so far %.2f%%  %.0f images/s"
                + "  ETA %s", batches, totalBatches, images, 100.0 * correct / images, perSecond,
                Progress.format(Duration.ofSeconds(left))));
    }

    /**
     * The model's loss and error over every image of {@code dataset}, normalized by {@code normalization}, in batches
     * of {@code batchSize}, on the active kernels. Reads the model only; not while another thread trains it.
     */
    public static Result evaluate(ResNet model, Dataset dataset, Normalization normalization, int batchSize) {
        return evaluate(model, Kernels.active(), dataset, normalization, batchSize);
    }

    /** As {@link #evaluate(ResNet, Dataset, Normalization, int)} on the given kernels. */
    public static Result evaluate(ResNet model, Kernels kernels, Dataset dataset, Normalization normalization,
                                  int batchSize) {
        // A model with more outputs than the data has classes scores every image without complaint, against classes
        // it may not share: the figures would mean nothing. (Fewer outputs fail in the loss, on the first label.)
        if (model.classes() != dataset.classNames().size()) {
            throw new IllegalArgumentException("evaluation: the model " + model.architecture().name() + " has "
                    + model.classes() + " classes, the data set " + dataset + " " + dataset.classNames().size()
                    + " classes");
        }
        try (BatchLoader loader = BatchLoader.evaluation(dataset, normalization).batchSize(batchSize)
                .layout(Layout.NHWC).build()) {
            return evaluate(model, kernels, loader);
        }
    }

    /**
     * Runs {@code model}'s frozen form over every batch {@code loader} hands out (an evaluation loader: one epoch). An
     * evaluation that runs longer than {@value #PROGRESS_SECONDS} s logs its progress every as many seconds.
     *
     * @throws IllegalStateException when the network gives a NaN or infinite logit (its weights or statistics hold
     *                               one, or overflow): no accuracy of such a network means anything
     */
    public static Result evaluate(ResNet model, Kernels kernels, BatchLoader loader) {
        return evaluate(model, kernels, loader, true);
    }

    /**
     * A training run's validation: a network diverging as it trains may overflow in evaluation mode first (on its
     * running statistics) while its training loss is still finite; its figures are then NaN, not an error, and the
     * run goes on to its own divergence check.
     */
    static Result validate(ResNet model, Kernels kernels, BatchLoader loader) {
        return evaluate(model, kernels, loader, false);
    }

    private static Result evaluate(ResNet model, Kernels kernels, BatchLoader loader, boolean refuseNonFinite) {
        double lossSum = 0;
        long correct = 0;
        int images = 0;
        float[] probabilities = new float[0];
        FrozenResNet frozen = model.freeze();
        long start = System.nanoTime();
        long lastLog = start;
        int batches = 0;
        while (loader.hasNext()) {
            Batch batch = loader.next();
            Tensor logits = frozen.forward(batch.tensor());
            int n = batch.size();
            int classes = logits.shape().dim(1);
            if (!allFinite(logits.data())) {
                if (refuseNonFinite) {
                    throw nonFinite(logits.data(), images, classes);
                }
                return new Result(Double.NaN, Double.NaN, images + n);
            }
            if (probabilities.length != logits.size()) {
                probabilities = new float[logits.size()];
            }
            lossSum += n * kernels.loss().softmaxCrossEntropyForward(n, classes, logits.data(), batch.labels(), 0f,
                    probabilities);
            correct += Evaluation.countCorrect(logits.data(), batch.labels(), n, classes);
            images += n;
            batches++;
            long now = System.nanoTime();
            if (now - lastLog > PROGRESS_SECONDS * 1_000_000_000L && loader.hasNext()) {
                lastLog = now;
                logProgress(batches, loader.batchesPerEpoch(), images, correct, (now - start) / 1e9);
            }
        }
        if (images == 0) {
            throw new IllegalArgumentException("evaluation: the dataset has no images");
        }
        return new Result(lossSum / images, 1 - correct / (double) images, images);
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A NaN logit compares false with every other, so the argmax would pick some class and the accuracy would look like
     * a figure: weights holding a NaN or an infinity are refused instead.
     */
    private static IllegalStateException nonFinite(float[] logits, int imagesBefore, int classes) {
        int i = 0;
        while (Float.isFinite(logits[i])) {
            i++;
        }
        return new IllegalStateException("the network gave logit " + logits[i] + " for image "
                + (imagesBefore + i / classes) + " of the evaluation: its weights or batch-norm statistics hold a NaN "
                + "or an infinity, or overflow");
    }
}

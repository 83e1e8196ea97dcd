package org.resnet4j.train;

import org.resnet4j.data.Batch;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ResNet;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Tensor;

/** Runs a model in evaluation mode over every image of a dataset, unaugmented, through its frozen (folded) form. */
public final class Evaluator {
    /** Mean loss, error fraction and image count. */
    public record Result(double loss, double error, int images) {
        public double accuracy() {
            return 1 - error;
        }
    }

    private Evaluator() {
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

    /** Runs {@code model}'s frozen form over every batch {@code loader} hands out (an evaluation loader: one epoch). */
    public static Result evaluate(ResNet model, Kernels kernels, BatchLoader loader) {
        double lossSum = 0;
        long correct = 0;
        int images = 0;
        float[] probabilities = new float[0];
        FrozenResNet frozen = model.freeze();
        while (loader.hasNext()) {
            Batch batch = loader.next();
            Tensor logits = frozen.forward(batch.tensor());
            int n = batch.size();
            int classes = logits.shape().dim(1);
            if (probabilities.length != logits.size()) {
                probabilities = new float[logits.size()];
            }
            lossSum += n * kernels.loss().softmaxCrossEntropyForward(n, classes, logits.data(), batch.labels(), 0f,
                    probabilities);
            correct += Evaluation.countCorrect(logits.data(), batch.labels(), n, classes);
            images += n;
        }
        if (images == 0) {
            throw new IllegalArgumentException("evaluation: the dataset has no images");
        }
        return new Result(lossSum / images, 1 - correct / (double) images, images);
    }
}

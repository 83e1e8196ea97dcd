package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.resnet4j.data.Batch;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.optim.LearningRateSchedule;
import org.resnet4j.optim.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every training run shares, {@code train}'s and {@code finetune}'s: steps from the checkpoint's position to
 * the total, progress lines, evaluations into the metrics, checkpoints. What differs between runs (the data, the
 * model, the recipe) is set up by the caller and passed in.
 *
 * @param recipe           the run's settings as asked now (checkpoints record it; its schedule gives the rates)
 * @param validation       the validation result at an evaluation, or null for a run without a validation split
 * @param checkpointEvery  iterations between checkpoints (and one at the end)
 * @param runSettings      checkpoint metadata beyond the recipe: settings a resume must match (fine-tuning's), the
 *                         validation split (training's)
 */
record TrainingLoop(ResNet model, String modelName, Sgd sgd, Kernels kernels, Recipe recipe,
                    long iterations, int batchSize, Path directory, MetricsLog metrics,
                    Supplier<Evaluator.Result> validation, long checkpointEvery, long evalEvery, long logEvery,
                    List<TrainingListener> listeners, Map<String, String> runSettings) {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** Where the loop ended: the last evaluation's figures (NaN and null where there were none). */
    record End(long iteration, double lastTrainError, Evaluator.Result validation, double elapsedSeconds) {
    }

    End run(Checkpoint.State start, BatchLoader loader) throws IOException {
        TrainingStep step = new TrainingStep(model, sgd, kernels, 0f);
        LearningRateSchedule schedule = recipe.learningRates();
        Progress progress = new Progress(start.iteration(), iterations, batchSize, start.elapsedSeconds());
        long iteration = start.iteration();
        double lossSum = start.lossSum();
        long correct = start.correct();
        long images = start.images();
        Evaluator.Result result = null;
        double lastTrainError = Double.NaN;
        while (iteration < iterations) {
            Batch batch = loader.next();
            double lr = schedule.rate(iteration);
            TrainingStep.Result stepResult = step.run(batch.tensor(), batch.labels(), lr);
            if (!Double.isFinite(stepResult.loss())) {
                throw new TrainingDivergedException(iteration, stepResult.loss());
            }
            iteration++;
            lossSum += stepResult.loss() * stepResult.images();
            correct += stepResult.correct();
            images += stepResult.images();
            progress.stepDone();
            for (TrainingListener listener : listeners) {
                listener.onStep(iteration, stepResult.loss());
            }
            if (iteration % logEvery == 0) {
                progress.log(iteration, batch.epoch(), lossSum / images, 1 - correct / (double) images, lr);
            }
            boolean last = iteration == iterations;
            boolean evaluate = iteration % evalEvery == 0 || last;
            boolean checkpoint = iteration % checkpointEvery == 0 || last;
            if (evaluate || checkpoint) {
                // The loss was finite before this step's update; the update itself may still have overflowed, and
                // neither a validation figure nor a checkpoint of such weights means anything.
                FiniteState.require(model, sgd, iteration - 1);
            }
            if (evaluate) {
                result = validation == null ? null : validation.get();
                MetricsRow row = new MetricsRow(iteration, batch.epoch(), lr, lossSum / images,
                        1 - correct / (double) images, result == null ? Double.NaN : result.loss(),
                        result == null ? Double.NaN : result.error(), progress.imagesPerSecond(),
                        progress.elapsedSeconds());
                metrics.add(row);
                lastTrainError = row.trainError();
                if (row.validated()) {
                    LOG.info("iteration {}: validation error {}% (loss {}), training error {}% since the last "
                                    + "evaluation", iteration, percent(row.validationError()),
                            String.format("%.4f", row.validationLoss()), percent(row.trainError()));
                } else {
                    LOG.info("iteration {}: training error {}% (loss {}) since the last evaluation", iteration,
                            percent(row.trainError()), String.format("%.4f", row.trainLoss()));
                }
                lossSum = 0;
                correct = 0;
                images = 0;
                for (TrainingListener listener : listeners) {
                    listener.onEvaluation(row);
                }
            }
            if (checkpoint) {
                Checkpoint.write(directory, modelName, model, sgd, new Checkpoint.State(iteration, loader.state(),
                        start.normalization(), lossSum, correct, images, progress.elapsedSeconds(), recipe),
                        runSettings);
                for (TrainingListener listener : listeners) {
                    listener.onCheckpoint(iteration, Checkpoint.path(directory));
                }
            }
        }
        if (Double.isNaN(lastTrainError) && !metrics.rows().isEmpty()) {
            lastTrainError = metrics.rows().getLast().trainError(); // a finished run resumed: its last evaluation
        }
        if (result == null && validation != null) {
            result = validation.get(); // a finished run resumed: nothing was trained, so measure what it reports
        }
        return new End(iteration, lastTrainError, result, progress.elapsedSeconds());
    }

    private static String percent(double fraction) {
        return String.format("%.2f", fraction * 100);
    }
}

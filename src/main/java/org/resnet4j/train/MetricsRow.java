package org.resnet4j.train;

/**
 * One evaluation point of a run: training loss and error averaged over the iterations since the previous point, and
 * the validation loss and error. Errors are fractions in [0, 1].
 */
public record MetricsRow(long iteration, int epoch, double learningRate, double trainLoss, double trainError,
                         double validationLoss, double validationError, double imagesPerSecond, double elapsedSeconds) {

    static final String HEADER = "iteration,epoch,learning_rate,train_loss,train_error,val_loss,val_error,"
            + "images_per_second,elapsed_seconds";

    String csv() {
        return iteration + "," + epoch + "," + learningRate + "," + trainLoss + "," + trainError + ","
                + validationLoss + "," + validationError + "," + imagesPerSecond + "," + elapsedSeconds;
    }

    static MetricsRow parse(String line) {
        String[] f = line.split(",");
        if (f.length != 9) {
            throw new IllegalArgumentException("metrics row needs 9 fields, got " + f.length + ": '" + line + "'");
        }
        return new MetricsRow(Long.parseLong(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                Double.parseDouble(f[7]), Double.parseDouble(f[8]));
    }
}

package org.resnet4j.train;

/**
 * One evaluation point of a run: training loss and error averaged over the iterations since the previous point, and
 * the validation loss and error. Errors are fractions in [0, 1]. A run without a validation split has NaN there, written
 * as an empty field in the CSV.
 *
 * <p>Immutable; safe to share between threads.
 */
public record MetricsRow(long iteration, int epoch, double learningRate, double trainLoss, double trainError,
                         double validationLoss, double validationError, double imagesPerSecond, double elapsedSeconds) {

    static final String HEADER = "iteration,epoch,learning_rate,train_loss,train_error,val_loss,val_error,"
            + "images_per_second,elapsed_seconds";

    String csv() {
        return iteration + "," + epoch + "," + learningRate + "," + trainLoss + "," + trainError + ","
                + field(validationLoss) + "," + field(validationError) + "," + imagesPerSecond + "," + elapsedSeconds;
    }

    /** Whether the row has validation figures (a run with a validation split). */
    public boolean validated() {
        return Double.isFinite(validationError);
    }

    private static String field(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "";
    }

    /** An empty field is a value the run did not measure; "NaN" is how files before this read it. */
    private static double number(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }

    static MetricsRow parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 9) {
            throw new IllegalArgumentException("metrics row needs 9 fields, got " + f.length + ": '" + line + "'");
        }
        return new MetricsRow(Long.parseLong(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), number(f[5]), number(f[6]),
                Double.parseDouble(f[7]), Double.parseDouble(f[8]));
    }
}

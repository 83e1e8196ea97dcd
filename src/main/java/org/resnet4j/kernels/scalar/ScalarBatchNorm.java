package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.BatchNormKernels;

/**
 * Batch normalization in plain loops over {@code x [rows][channels]} (NHWC with {@code rows = N*H*W}). The batch
 * statistics are summed in double with the two-pass variance (mean first, then squared deviations), so no
 * cancellation: this is the reference the SIMD version is held to.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class ScalarBatchNorm implements BatchNormKernels {

    @Override
    public void forwardTraining(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps,
                                float momentum, float[] runningMean, float[] runningVar, float[] y,
                                float[] saveMean, float[] saveInvStd) {
        double[] mean = new double[channels];
        double[] squares = new double[channels];
        for (int r = 0; r < rows; r++) {
            int row = r * channels;
            for (int c = 0; c < channels; c++) {
                mean[c] += x[row + c];
            }
        }
        for (int c = 0; c < channels; c++) {
            mean[c] /= rows;
        }
        for (int r = 0; r < rows; r++) {
            int row = r * channels;
            for (int c = 0; c < channels; c++) {
                double d = x[row + c] - mean[c];
                squares[c] += d * d;
            }
        }
        for (int c = 0; c < channels; c++) {
            double biasedVar = squares[c] / rows;
            saveMean[c] = (float) mean[c];
            saveInvStd[c] = (float) (1.0 / Math.sqrt(biasedVar + eps));
            // PyTorch feeds the running variance the unbiased estimate, while normalizing with the biased one.
            double unbiasedVar = squares[c] / (rows - 1);
            runningMean[c] = (float) ((1.0 - momentum) * runningMean[c] + momentum * mean[c]);
            runningVar[c] = (float) ((1.0 - momentum) * runningVar[c] + momentum * unbiasedVar);
        }
        normalize(rows, channels, x, gamma, beta, saveMean, saveInvStd, y);
    }

    @Override
    public void forwardInference(int rows, int channels, float[] x, float[] gamma, float[] beta, float[] runningMean,
                                 float[] runningVar, float eps, float[] y) {
        float[] invStd = new float[channels];
        for (int c = 0; c < channels; c++) {
            invStd[c] = (float) (1.0 / Math.sqrt((double) runningVar[c] + eps));
        }
        normalize(rows, channels, x, gamma, beta, runningMean, invStd, y);
    }

    /** {@code y = (x - mean) * (gamma * invStd) + beta}, row by row. */
    private static void normalize(int rows, int channels, float[] x, float[] gamma, float[] beta, float[] mean,
                                  float[] invStd, float[] y) {
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = gamma[c] * invStd[c];
        }
        for (int r = 0; r < rows; r++) {
            int row = r * channels;
            for (int c = 0; c < channels; c++) {
                y[row + c] = (x[row + c] - mean[c]) * scale[c] + beta[c];
            }
        }
    }

    @Override
    public void backward(int rows, int channels, float[] x, float[] gradY, float[] gamma, float[] saveMean,
                         float[] saveInvStd, float[] gradX, float[] gradGamma, float[] gradBeta) {
        // sumDy = sum gradY; sumDyXmu = sum gradY * (x - mean), per channel.
        double[] sumDy = new double[channels];
        double[] sumDyXmu = new double[channels];
        for (int r = 0; r < rows; r++) {
            int row = r * channels;
            for (int c = 0; c < channels; c++) {
                double dy = gradY[row + c];
                sumDy[c] += dy;
                sumDyXmu[c] += dy * (x[row + c] - saveMean[c]);
            }
        }
        double[] meanDy = new double[channels];
        double[] meanDyXhat = new double[channels];
        for (int c = 0; c < channels; c++) {
            double invStd = saveInvStd[c];
            gradBeta[c] += (float) sumDy[c];
            gradGamma[c] += (float) (sumDyXmu[c] * invStd);
            meanDy[c] = sumDy[c] / rows;
            meanDyXhat[c] = sumDyXmu[c] * invStd / rows;
        }
        for (int r = 0; r < rows; r++) {
            int row = r * channels;
            for (int c = 0; c < channels; c++) {
                double invStd = saveInvStd[c];
                double xhat = (x[row + c] - saveMean[c]) * invStd;
                // term 1: the direct path; term 2: through the mean; term 3: through the variance.
                gradX[row + c] = (float) (gamma[c] * invStd * (gradY[row + c] - meanDy[c] - xhat * meanDyXhat[c]));
            }
        }
    }
}

package org.resnet4j.kernels;

/**
 * Batch normalization over the rows of an NHWC activation seen as a {@code [rows][channels]} matrix, where
 * {@code rows = N*H*W}. PyTorch semantics: normalization with the biased batch variance, running statistics updated
 * as {@code running = (1 - momentum) * running + momentum * batchStat} with the unbiased variance
 * ({@code * rows/(rows-1)}).
 *
 * <p>Implementations must be safe to call from several threads at once, on output arrays that no other call writes (see
 * {@link Kernels}).
 */
public interface BatchNormKernels {

    /**
     * Training forward: {@code y = gamma * (x - mean) * invStd + beta} with the batch mean and
     * {@code invStd = 1/sqrt(var + eps)}. Writes {@code y}, {@code saveMean[channels]}, {@code saveInvStd[channels]}
     * (kept for backward) and updates {@code runningMean}, {@code runningVar} in place.
     */
    void forwardTraining(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps, float momentum,
                         float[] runningMean, float[] runningVar, float[] y, float[] saveMean, float[] saveInvStd);

    /** Inference forward with the running statistics: {@code y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta}. */
    void forwardInference(int rows, int channels, float[] x, float[] gamma, float[] beta, float[] runningMean,
                          float[] runningVar, float eps, float[] y);

    /**
     * Training backward. With {@code xhat = (x - mean) * invStd}:
     * {@code gradBeta += sum gradY}; {@code gradGamma += sum gradY * xhat};
     * {@code gradX = gamma * invStd * (gradY - mean(gradY) - xhat * mean(gradY * xhat))} (overwritten). {@code gradX}
     * may be {@code gradY}: the sums read all of {@code gradY} first, then each element is rewritten where it is.
     */
    void backward(int rows, int channels, float[] x, float[] gradY, float[] gamma, float[] saveMean,
                  float[] saveInvStd, float[] gradX, float[] gradGamma, float[] gradBeta);

    /**
     * {@code y = max(batchNorm(x), 0)}: {@link #forwardTraining} and then the ReLU after it (PyTorch's
     * {@code relu(bn(x))}), by definition (and here) those two in turn; an implementation that fuses them gives the
     * same bits in one pass fewer.
     */
    default void forwardTrainingRelu(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps,
                                     float momentum, float[] runningMean, float[] runningVar, float[] y,
                                     float[] saveMean, float[] saveInvStd) {
        forwardTraining(rows, channels, x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean,
                saveInvStd);
        reluInPlace(y, rows * channels);
    }

    /** {@link #forwardInference} and then the ReLU after it, as {@link #forwardTrainingRelu}. */
    default void forwardInferenceRelu(int rows, int channels, float[] x, float[] gamma, float[] beta,
                                      float[] runningMean, float[] runningVar, float eps, float[] y) {
        forwardInference(rows, channels, x, gamma, beta, runningMean, runningVar, eps, y);
        reluInPlace(y, rows * channels);
    }

    /**
     * The backward of {@link #forwardTrainingRelu}, whose output was {@code y}: by definition the ReLU's gradient
     * ({@code gradY} where {@code y > 0}, else 0) and then {@link #backward} of it. An implementation may find the
     * mask from {@code x}, {@code gamma}, {@code beta} and the saved statistics instead of reading {@code y}, if it
     * recomputes the forward's {@code y} exactly. {@code gradX} may be {@code gradY}.
     */
    default void backwardRelu(int rows, int channels, float[] x, float[] y, float[] gradY, float[] gamma,
                              float[] beta, float[] saveMean, float[] saveInvStd, float[] gradX, float[] gradGamma,
                              float[] gradBeta) {
        float[] masked = new float[rows * channels];
        for (int i = 0; i < masked.length; i++) {
            masked[i] = y[i] > 0f ? gradY[i] : 0f;
        }
        backward(rows, channels, x, masked, gamma, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
    }

    /** {@code y = max(y, 0)} over the first {@code n} values: the ReLU of the fused defaults (keeps NaN, as ReLU does). */
    private static void reluInPlace(float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.max(y[i], 0f);
        }
    }
}

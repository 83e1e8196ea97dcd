package org.resnet4j.kernels;

/**
 * Batch normalization over the rows of an NHWC activation seen as a {@code [rows][channels]} matrix, where
 * {@code rows = N*H*W}. PyTorch semantics: normalization with the biased batch variance, running statistics updated
 * as {@code running = (1 - momentum) * running + momentum * batchStat} with the unbiased variance
 * ({@code * rows/(rows-1)}).
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
}

package org.resnet4j.kernels;

import static org.resnet4j.kernels.KernelChecks.require;
import static org.resnet4j.kernels.KernelChecks.requirePositive;

import java.util.function.Supplier;

/** {@link BatchNormKernels} with every array checked against {@code rows x channels}, then the implementation. */
final class CheckedBatchNorm implements BatchNormKernels {
    private final BatchNormKernels kernels;

    private CheckedBatchNorm(BatchNormKernels kernels) {
        this.kernels = kernels;
    }

    static BatchNormKernels wrap(BatchNormKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("the batch norm kernels are null");
        }
        return kernels instanceof CheckedBatchNorm ? kernels : new CheckedBatchNorm(kernels);
    }

    @Override
    public void forwardTraining(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps,
                                float momentum, float[] runningMean, float[] runningVar, float[] y,
                                float[] saveMean, float[] saveInvStd) {
        checkForwardTraining("batch norm forwardTraining", rows, channels, x, gamma, beta, runningMean, runningVar,
                y, saveMean, saveInvStd);
        kernels.forwardTraining(rows, channels, x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean,
                saveInvStd);
    }

    private static void checkForwardTraining(String kernel, int rows, int channels, float[] x, float[] gamma,
                                             float[] beta, float[] runningMean, float[] runningVar, float[] y,
                                             float[] saveMean, float[] saveInvStd) {
        requirePositive(kernel, "channels", channels);
        // PyTorch refuses training statistics from a single value per channel (and the unbiased variance divides
        // by rows - 1); so do we.
        if (rows < 2) {
            throw new IllegalArgumentException(kernel + ": needs more than 1 value per channel, got " + rows
                    + " row(s) of " + channels + " channels");
        }
        Supplier<String> sizes = () -> sizes(rows, channels);
        require(kernel, "x", x, (long) rows * channels, sizes);
        require(kernel, "gamma", gamma, channels, sizes);
        require(kernel, "beta", beta, channels, sizes);
        require(kernel, "runningMean", runningMean, channels, sizes);
        require(kernel, "runningVar", runningVar, channels, sizes);
        require(kernel, "y", y, (long) rows * channels, sizes);
        require(kernel, "saveMean", saveMean, channels, sizes);
        require(kernel, "saveInvStd", saveInvStd, channels, sizes);
    }

    @Override
    public void forwardInference(int rows, int channels, float[] x, float[] gamma, float[] beta, float[] runningMean,
                                 float[] runningVar, float eps, float[] y) {
        checkForwardInference("batch norm forwardInference", rows, channels, x, gamma, beta, runningMean, runningVar,
                y);
        kernels.forwardInference(rows, channels, x, gamma, beta, runningMean, runningVar, eps, y);
    }

    private static void checkForwardInference(String kernel, int rows, int channels, float[] x, float[] gamma,
                                              float[] beta, float[] runningMean, float[] runningVar, float[] y) {
        requirePositive(kernel, "rows", rows);
        requirePositive(kernel, "channels", channels);
        Supplier<String> sizes = () -> sizes(rows, channels);
        require(kernel, "x", x, (long) rows * channels, sizes);
        require(kernel, "gamma", gamma, channels, sizes);
        require(kernel, "beta", beta, channels, sizes);
        require(kernel, "runningMean", runningMean, channels, sizes);
        require(kernel, "runningVar", runningVar, channels, sizes);
        require(kernel, "y", y, (long) rows * channels, sizes);
    }

    @Override
    public void forwardTrainingRelu(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps,
                                    float momentum, float[] runningMean, float[] runningVar, float[] y,
                                    float[] saveMean, float[] saveInvStd) {
        checkForwardTraining("batch norm forwardTrainingRelu", rows, channels, x, gamma, beta, runningMean,
                runningVar, y, saveMean, saveInvStd);
        kernels.forwardTrainingRelu(rows, channels, x, gamma, beta, eps, momentum, runningMean, runningVar, y,
                saveMean, saveInvStd);
    }

    @Override
    public void forwardInferenceRelu(int rows, int channels, float[] x, float[] gamma, float[] beta,
                                     float[] runningMean, float[] runningVar, float eps, float[] y) {
        checkForwardInference("batch norm forwardInferenceRelu", rows, channels, x, gamma, beta, runningMean,
                runningVar, y);
        kernels.forwardInferenceRelu(rows, channels, x, gamma, beta, runningMean, runningVar, eps, y);
    }

    @Override
    public void backwardRelu(int rows, int channels, float[] x, float[] y, float[] gradY, float[] gamma,
                             float[] beta, float[] saveMean, float[] saveInvStd, float[] gradX, float[] gradGamma,
                             float[] gradBeta) {
        String kernel = "batch norm backwardRelu";
        checkBackward(kernel, rows, channels, x, gradY, gamma, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
        Supplier<String> sizes = () -> sizes(rows, channels);
        require(kernel, "y", y, (long) rows * channels, sizes);
        require(kernel, "beta", beta, channels, sizes);
        kernels.backwardRelu(rows, channels, x, y, gradY, gamma, beta, saveMean, saveInvStd, gradX, gradGamma,
                gradBeta);
    }

    @Override
    public void backward(int rows, int channels, float[] x, float[] gradY, float[] gamma, float[] saveMean,
                         float[] saveInvStd, float[] gradX, float[] gradGamma, float[] gradBeta) {
        checkBackward("batch norm backward", rows, channels, x, gradY, gamma, saveMean, saveInvStd, gradX, gradGamma,
                gradBeta);
        kernels.backward(rows, channels, x, gradY, gamma, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
    }

    private static void checkBackward(String kernel, int rows, int channels, float[] x, float[] gradY, float[] gamma,
                                      float[] saveMean, float[] saveInvStd, float[] gradX, float[] gradGamma,
                                      float[] gradBeta) {
        requirePositive(kernel, "rows", rows);
        requirePositive(kernel, "channels", channels);
        Supplier<String> sizes = () -> sizes(rows, channels);
        require(kernel, "x", x, (long) rows * channels, sizes);
        require(kernel, "gradY", gradY, (long) rows * channels, sizes);
        require(kernel, "gamma", gamma, channels, sizes);
        require(kernel, "saveMean", saveMean, channels, sizes);
        require(kernel, "saveInvStd", saveInvStd, channels, sizes);
        require(kernel, "gradX", gradX, (long) rows * channels, sizes);
        require(kernel, "gradGamma", gradGamma, channels, sizes);
        require(kernel, "gradBeta", gradBeta, channels, sizes);
    }

    private static String sizes(int rows, int channels) {
        return rows + " rows x " + channels + " channels";
    }
}

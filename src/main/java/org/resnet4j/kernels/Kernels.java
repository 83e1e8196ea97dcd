package org.resnet4j.kernels;

/**
 * One complete set of kernels, all from the same implementation.
 *
 * @param name        {@code "scalar"} or {@code "simd"}
 * @param vectorBits  the SIMD register width the kernels use, 0 for the scalar set
 */
public record Kernels(String name, int vectorBits, ConvolutionKernels convolution, BatchNormKernels batchNorm,
                      ElementwiseKernels elementwise, PoolingKernels pooling, LinearKernels linear,
                      LossKernels loss, ShortcutKernels shortcut) {

    /** The kernels chosen for this JVM by {@link KernelProvider}. */
    public static Kernels active() {
        return KernelProvider.active();
    }
}

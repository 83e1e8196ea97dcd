package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.Kernels;

/**
 * Factory for the Vector API kernel set; loaded by name from {@link org.resnet4j.kernels.KernelProvider}.
 *
 * <p>Safe to call from several threads at once; each call builds a new set.
 */
public final class SimdKernels {
    private SimdKernels() {
    }

    public static Kernels create() {
        return new Kernels("simd", VectorConstants.SPECIES.vectorBitSize(), new SimdConvolution(),
                new SimdBatchNorm(), new SimdElementwise(), new SimdPooling(), new SimdLinear(), new SimdLoss(),
                new SimdShortcut());
    }
}

package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.Kernels;

/** Factory for the Vector API kernel set; loaded by name from {@link org.resnet4j.kernels.KernelProvider}. */
public final class SimdKernels {
    private SimdKernels() {
    }

    public static Kernels create() {
        return new Kernels("simd", VectorConstants.SPECIES.vectorBitSize(), new SimdConvolution(),
                new SimdBatchNorm(), new SimdElementwise(), new SimdPooling(), new SimdLinear(), new SimdLoss(),
                new SimdShortcut());
    }
}

package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.Kernels;

/** Factory for the scalar kernel set. Safe to call from several threads at once; each call builds a new set. */
public final class ScalarKernels {
    private ScalarKernels() {
    }

    public static Kernels create() {
        return new Kernels("scalar", 0, new ScalarConvolution(), new ScalarBatchNorm(), new ScalarElementwise(),
                new ScalarPooling(), new ScalarLinear(), new ScalarLoss(), new ScalarShortcut());
    }
}

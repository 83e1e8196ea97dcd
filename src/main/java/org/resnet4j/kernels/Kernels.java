package org.resnet4j.kernels;

/**
 * One complete set of kernels, all from the same implementation, behind the one layer that checks their arguments.
 *
 * <p>The constructor wraps each family in a checked facade (as Lucene's {@code VectorUtil} fronts its scalar and
 * Panama implementations): every call checks its sizes, array lengths against them, nulls, labels and the
 * shortcut's channel rule once, with a message naming the kernel and the argument, and then runs the
 * implementation, which checks nothing. So the scalar kernels read as the specification, and neither implementation
 * calls the other for validation. The checks are O(1) per call except the loss's pass over its labels. Families
 * already checked are kept as they are, so a set rebuilt from another set's families is not checked twice.
 *
 * <p>Immutable and safe to share between threads: every kernel may be called from several threads at once, on
 * output arrays that no other call writes (the SIMD kernels borrow their work buffers per call from bounded pools).
 *
 * @param name        {@code "scalar"} or {@code "simd"}
 * @param vectorBits  the SIMD register width the kernels use, 0 for the scalar set
 */
public record Kernels(String name, int vectorBits, ConvolutionKernels convolution, BatchNormKernels batchNorm,
                      ElementwiseKernels elementwise, PoolingKernels pooling, LinearKernels linear,
                      LossKernels loss, ShortcutKernels shortcut) {

    public Kernels {
        convolution = CheckedConvolution.wrap(convolution);
        batchNorm = CheckedBatchNorm.wrap(batchNorm);
        elementwise = CheckedElementwise.wrap(elementwise);
        pooling = CheckedPooling.wrap(pooling);
        linear = CheckedLinear.wrap(linear);
        loss = CheckedLoss.wrap(loss);
        shortcut = CheckedShortcut.wrap(shortcut);
    }

    /** The kernels chosen for this JVM by {@link KernelProvider}. */
    public static Kernels active() {
        return KernelProvider.active();
    }
}

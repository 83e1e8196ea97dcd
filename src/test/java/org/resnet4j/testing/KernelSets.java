package org.resnet4j.testing;

import java.util.function.Function;
import java.util.stream.Stream;
import org.resnet4j.kernels.BatchNormKernels;
import org.resnet4j.kernels.ElementwiseKernels;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.LinearKernels;
import org.resnet4j.kernels.LossKernels;
import org.resnet4j.kernels.PoolingKernels;
import org.resnet4j.kernels.ShortcutKernels;

/**
 * The two implementations of each kernel family, scalar first, as JUnit method sources: a test names the family it
 * checks, {@code @MethodSource("org.resnet4j.testing.KernelSets#loss")}, instead of listing the classes itself.
 */
public final class KernelSets {
    private KernelSets() {
    }

    private static <K> Stream<K> each(Function<Kernels, K> family) {
        return Stream.of(KernelProvider.scalar(), KernelProvider.simd()).map(family);
    }

    public static Stream<BatchNormKernels> batchNorm() {
        return each(Kernels::batchNorm);
    }

    public static Stream<ElementwiseKernels> elementwise() {
        return each(Kernels::elementwise);
    }

    public static Stream<PoolingKernels> pooling() {
        return each(Kernels::pooling);
    }

    public static Stream<LinearKernels> linear() {
        return each(Kernels::linear);
    }

    public static Stream<LossKernels> loss() {
        return each(Kernels::loss);
    }

    public static Stream<ShortcutKernels> shortcut() {
        return each(Kernels::shortcut);
    }
}

package org.resnet4j.testing;

import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.resnet4j.kernels.BatchNormKernels;
import org.resnet4j.kernels.ConvolutionKernels;
import org.resnet4j.kernels.ElementwiseKernels;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.LinearKernels;
import org.resnet4j.kernels.LossKernels;
import org.resnet4j.kernels.PoolingKernels;
import org.resnet4j.kernels.ShortcutKernels;
import org.resnet4j.kernels.scalar.ScalarBatchNorm;
import org.resnet4j.kernels.scalar.ScalarConvolution;
import org.resnet4j.kernels.scalar.ScalarElementwise;
import org.resnet4j.kernels.scalar.ScalarLinear;
import org.resnet4j.kernels.scalar.ScalarLoss;
import org.resnet4j.kernels.scalar.ScalarPooling;
import org.resnet4j.kernels.scalar.ScalarShortcut;
import org.resnet4j.kernels.simd.SimdBatchNorm;
import org.resnet4j.kernels.simd.SimdConvolution;
import org.resnet4j.kernels.simd.SimdElementwise;
import org.resnet4j.kernels.simd.SimdLinear;
import org.resnet4j.kernels.simd.SimdLoss;
import org.resnet4j.kernels.simd.SimdPooling;
import org.resnet4j.kernels.simd.SimdShortcut;

/**
 * The scalar and SIMD kernels for tests, scalar first, so that no test lists the implementations itself.
 *
 * <p>The family methods are JUnit method sources ({@code @MethodSource("org.resnet4j.testing.KernelSets#loss")})
 * giving the two implementations themselves, without the checking facade of {@link Kernels}: a kernel test runs the
 * code it names. {@link #both()} and {@link #named} give the sets as the library hands them out, checked, for tests
 * of the argument checks and of layers and networks.
 */
public final class KernelSets {
    private KernelSets() {
    }

    /** The two sets behind the checking facade, as {@link KernelProvider} hands them out. */
    public static Stream<Kernels> both() {
        return Stream.of(KernelProvider.scalar(), KernelProvider.simd());
    }

    /**
     * The set called {@code "scalar"} or {@code "simd"}, behind the checking facade. The SIMD set is skipped, not
     * failed, in a JVM without {@code jdk.incubator.vector}.
     */
    public static Kernels named(String name) {
        return switch (name) {
            case "scalar" -> KernelProvider.scalar();
            case "simd" -> {
                Assumptions.assumeTrue(KernelProvider.vectorModulePresent(), "jdk.incubator.vector is not in this JVM");
                yield KernelProvider.simd();
            }
            default -> throw new IllegalArgumentException("no kernel set '" + name + "': 'scalar' or 'simd'");
        };
    }

    public static Stream<ConvolutionKernels> convolution() {
        return Stream.of(new ScalarConvolution(), new SimdConvolution());
    }

    public static Stream<BatchNormKernels> batchNorm() {
        return Stream.of(new ScalarBatchNorm(), new SimdBatchNorm());
    }

    public static Stream<ElementwiseKernels> elementwise() {
        return Stream.of(new ScalarElementwise(), new SimdElementwise());
    }

    public static Stream<PoolingKernels> pooling() {
        return Stream.of(new ScalarPooling(), new SimdPooling());
    }

    public static Stream<LinearKernels> linear() {
        return Stream.of(new ScalarLinear(), new SimdLinear());
    }

    public static Stream<LossKernels> loss() {
        return Stream.of(new ScalarLoss(), new SimdLoss());
    }

    public static Stream<ShortcutKernels> shortcut() {
        return Stream.of(new ScalarShortcut(), new SimdShortcut());
    }
}

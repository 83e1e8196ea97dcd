package org.resnet4j.kernels;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.resnet4j.kernels.scalar.ScalarKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the kernel implementation once per JVM: the Vector API set when {@code jdk.incubator.vector} is readable,
 * the scalar set otherwise (with one WARN line saying how to enable SIMD). {@code -Dresnet4j.kernels=scalar|simd}
 * forces one. The SIMD classes are loaded by name only after the module check, so nothing here touches the
 * incubator module when it is absent.
 *
 * <p>Safe to call from several threads at once: the active set is chosen once, when first asked for, and every set is
 * safe to share (see {@link Kernels}).
 */
public final class KernelProvider {
    private static final Logger LOG = LoggerFactory.getLogger(KernelProvider.class);
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String SIMD_FACTORY = "org.resnet4j.kernels.simd.SimdKernels";

    private KernelProvider() {
    }

    private static final class Holder {
        static final Kernels ACTIVE = choose();
    }

    /** The kernels for this JVM, chosen on first use. */
    public static Kernels active() {
        return Holder.ACTIVE;
    }

    /** The plain-loop reference kernels. */
    public static Kernels scalar() {
        return ScalarKernels.create();
    }

    /** True when this JVM can run the Vector API kernels. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * The Vector API kernels.
     *
     * @throws IllegalStateException when {@code jdk.incubator.vector} is not readable
     */
    public static Kernels simd() {
        if (!vectorModulePresent()) {
            throw new IllegalStateException("the SIMD kernels need the Vector API: run java with --add-modules "
                    + VECTOR_MODULE);
        }
        try {
            return (Kernels) Class.forName(SIMD_FACTORY).getMethod("create").invoke(null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("could not create the SIMD kernels: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not load " + SIMD_FACTORY + ": " + e, e);
        }
    }

    private static Kernels choose() {
        String forced = System.getProperty("resnet4j.kernels", "").trim().toLowerCase(Locale.ROOT);
        Kernels kernels = switch (forced) {
            case "scalar" -> scalar();
            case "simd" -> simd();
            case "" -> {
                if (vectorModulePresent()) {
                    yield simd();
                }
                LOG.warn("jdk.incubator.vector is not available: using the scalar kernels, about 150 times slower "
                        + "(ResNet-20 training, measured). Run java with --add-modules jdk.incubator.vector to enable "
                        + "the SIMD kernels.");
                yield scalar();
            }
            default -> throw new IllegalArgumentException(
                    "-Dresnet4j.kernels must be 'scalar' or 'simd', got '" + forced + "'");
        };
        if (kernels.vectorBits() > 0) {
            LOG.info("resnet4j kernels: {} ({}-bit vectors), {} threads", kernels.name(), kernels.vectorBits(),
                    Parallel.threads());
        } else {
            LOG.info("resnet4j kernels: {}, {} threads", kernels.name(), Parallel.threads());
        }
        return kernels;
    }
}

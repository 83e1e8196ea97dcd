package org.resnet4j.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.Architecture.BlockType;
import org.resnet4j.models.Architecture.Family;

/**
 * The builders: each network of the paper by name, from its table row. ImageNet family (Table 1), CIFAR family
 * (§4.2, 6n+2 layers) and the plain twins the paper compares against.
 *
 * <p>Safe to call from several threads at once: the table of architectures is filled once, when the class loads, and
 * only read after; each call that creates a network builds a new one.
 */
public final class ResNets {
    private static final Map<String, Architecture> ARCHITECTURES = new LinkedHashMap<>();

    static {
        imagenet("resnet18", BlockType.BASIC, 2, 2, 2, 2);
        imagenet("resnet34", BlockType.BASIC, 3, 4, 6, 3);
        imagenet("resnet50", BlockType.BOTTLENECK, 3, 4, 6, 3);
        imagenet("resnet101", BlockType.BOTTLENECK, 3, 4, 23, 3);
        imagenet("resnet152", BlockType.BOTTLENECK, 3, 8, 36, 3);
        for (int n : new int[] {3, 5, 7, 9, 18, 200}) {
            cifar("resnet" + (6 * n + 2), n, false);
        }
        register(new Architecture("plain18", Family.IMAGENET, BlockType.BASIC, new int[] {2, 2, 2, 2}, true));
        register(new Architecture("plain34", Family.IMAGENET, BlockType.BASIC, new int[] {3, 4, 6, 3}, true));
        for (int n : new int[] {3, 5, 7, 9, 18}) {
            cifar("plain" + (6 * n + 2), n, true);
        }
    }

    private ResNets() {
    }

    private static void imagenet(String name, BlockType block, int... stages) {
        register(new Architecture(name, Family.IMAGENET, block, stages, false));
    }

    private static void cifar(String name, int n, boolean plain) {
        register(new Architecture(name, Family.CIFAR, BlockType.BASIC, new int[] {n, n, n}, plain));
    }

    private static void register(Architecture architecture) {
        ARCHITECTURES.put(architecture.name(), architecture);
    }

    /** Every model name, in the order above. */
    public static List<String> names() {
        return List.copyOf(ARCHITECTURES.keySet());
    }

    public static Architecture architecture(String name) {
        Architecture architecture = ARCHITECTURES.get(name);
        if (architecture == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", names()));
        }
        return architecture;
    }

    /** The classes a family is usually trained on: 10 for CIFAR, 1000 for ImageNet. */
    public static int defaultClasses(String name) {
        return architecture(name).family() == Family.CIFAR ? 10 : 1000;
    }

    /** The network {@code name} with the family's default classes and shortcut, on the active kernels. */
    public static ResNet create(String name) {
        return create(name, ModelOptions.defaults(defaultClasses(name)));
    }

    public static ResNet create(String name, ModelOptions options) {
        return create(Kernels.active(), name, options);
    }

    public static ResNet create(Kernels kernels, String name, ModelOptions options) {
        return new ResNet(kernels, architecture(name), options);
    }

    public static ResNet resnet18(int classes) {
        return create("resnet18", ModelOptions.defaults(classes));
    }

    public static ResNet resnet34(int classes) {
        return create("resnet34", ModelOptions.defaults(classes));
    }

    public static ResNet resnet50(int classes) {
        return create("resnet50", ModelOptions.defaults(classes));
    }

    public static ResNet resnet101(int classes) {
        return create("resnet101", ModelOptions.defaults(classes));
    }

    public static ResNet resnet152(int classes) {
        return create("resnet152", ModelOptions.defaults(classes));
    }

    public static ResNet resnet20(int classes) {
        return create("resnet20", ModelOptions.defaults(classes));
    }

    public static ResNet resnet32(int classes) {
        return create("resnet32", ModelOptions.defaults(classes));
    }

    public static ResNet resnet44(int classes) {
        return create("resnet44", ModelOptions.defaults(classes));
    }

    public static ResNet resnet56(int classes) {
        return create("resnet56", ModelOptions.defaults(classes));
    }

    public static ResNet resnet110(int classes) {
        return create("resnet110", ModelOptions.defaults(classes));
    }

    public static ResNet resnet1202(int classes) {
        return create("resnet1202", ModelOptions.defaults(classes));
    }
}

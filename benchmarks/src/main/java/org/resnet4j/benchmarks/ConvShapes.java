package org.resnet4j.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.kernels.ConvGeometry;

/** The convolution shapes ResNets spend their time in, by name (the names are the benchmarks' parameter values). */
public final class ConvShapes {
    private static final Map<String, ConvGeometry> SHAPES = new LinkedHashMap<>();

    static {
        // CIFAR ResNet-20/56/110 at batch 128: the three stages and the two stride-2 transitions.
        SHAPES.put("cifar_16x32x32", ConvGeometry.square(128, 16, 32, 32, 16, 3, 1, 1));
        SHAPES.put("cifar_32x16x16", ConvGeometry.square(128, 32, 16, 16, 32, 3, 1, 1));
        SHAPES.put("cifar_64x8x8", ConvGeometry.square(128, 64, 8, 8, 64, 3, 1, 1));
        SHAPES.put("cifar_16to32_s2", ConvGeometry.square(128, 16, 32, 32, 32, 3, 2, 1));
        SHAPES.put("cifar_32to64_s2", ConvGeometry.square(128, 32, 16, 16, 64, 3, 2, 1));
        // ImageNet ResNet-50 at batch 16: the 3x3 of layer1, its 1x1 reduce, and the 7x7 stem.
        SHAPES.put("imagenet_3x3_64x56x56", ConvGeometry.square(16, 64, 56, 56, 64, 3, 1, 1));
        SHAPES.put("imagenet_1x1_256to64x56x56", ConvGeometry.square(16, 256, 56, 56, 64, 1, 1, 0));
        SHAPES.put("imagenet_7x7s2_stem", ConvGeometry.square(16, 3, 224, 224, 64, 7, 2, 3));
    }

    private ConvShapes() {
    }

    public static ConvGeometry get(String name) {
        ConvGeometry g = SHAPES.get(name);
        if (g == null) {
            throw new IllegalArgumentException("unknown shape " + name + "; known: " + SHAPES.keySet());
        }
        return g;
    }

    public static Map<String, ConvGeometry> all() {
        return SHAPES;
    }
}

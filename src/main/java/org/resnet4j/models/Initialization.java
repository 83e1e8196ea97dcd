package org.resnet4j.models;

import java.util.SplittableRandom;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.Linear;
import org.resnet4j.nn.Module;

/**
 * The one place weights are initialized, as torchvision's ResNet does: convolutions Kaiming normal with fan-out and
 * ReLU gain ({@code std = sqrt(2 / (out * k * k))}, He et al. 2015), batch norm gamma 1 and beta 0, the classifier
 * with PyTorch's {@code nn.Linear} default (uniform in {@code +-1/sqrt(in)} for weight and bias). Deterministic for a
 * seed: modules are visited in registration order.
 *
 * <p>Holds no state: it may run on several threads at once on different networks; it writes the weights of the network
 * it is given, which no other thread may use meanwhile.
 */
public final class Initialization {
    private Initialization() {
    }

    public static void apply(Module model, long seed, boolean zeroInitResidual) {
        SplittableRandom random = new SplittableRandom(seed);
        visit(model, random);
        if (zeroInitResidual && model instanceof ResNet resnet) {
            // Goyal et al. 2017: each residual block then starts as the identity, which helps large-batch training.
            resnet.blocks().forEach(block -> {
                BatchNorm2d last = block instanceof BasicBlock basic ? basic.lastBatchNorm()
                        : ((Bottleneck) block).lastBatchNorm();
                last.weight().value().fill(0f);
            });
        }
    }

    private static void visit(Module module, SplittableRandom random) {
        switch (module) {
            case Conv2d conv -> {
                double std = Math.sqrt(2.0 / (conv.outChannels() * conv.kernel() * conv.kernel()));
                fillGaussian(conv.weight().value().data(), std, random);
                if (conv.bias() != null) {
                    conv.bias().value().fill(0f);
                }
            }
            case BatchNorm2d bn -> {
                bn.weight().value().fill(1f);
                bn.bias().value().fill(0f);
            }
            case Linear linear -> {
                double bound = 1.0 / Math.sqrt(linear.inFeatures());
                fillUniform(linear.weight().value().data(), bound, random);
                fillUniform(linear.bias().value().data(), bound, random);
            }
            default -> {
            }
        }
        for (Module child : module.children().values()) {
            visit(child, random);
        }
    }

    private static void fillGaussian(float[] values, double std, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
    }

    private static void fillUniform(float[] values, double bound, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
    }
}

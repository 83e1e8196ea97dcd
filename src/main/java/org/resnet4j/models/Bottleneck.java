package org.resnet4j.models;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.ReLU;
import org.resnet4j.nn.ResidualBlock;

/**
 * 1x1 reduce, 3x3, 1x1 expand by 4 (the paper's Figure 5 right): the block of ResNet-50/101/152.
 *
 * <p>Where the stride goes: by default on the 3x3 convolution, torchvision's "v1.5", which is about 0.5 % more
 * accurate on ImageNet because a strided 1x1 convolution discards three quarters of its input. With
 * {@code strideOnFirst1x1} the stride sits on the first 1x1 convolution, as in the paper's original "v1".
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps what each layer's backward needs (see {@link Module}).
 */
public final class Bottleneck extends ResidualBlock {
    public static final int EXPANSION = 4;

    private final BatchNorm2d bn3;

    public Bottleneck(Kernels kernels, int inPlanes, int planes, int stride, ShortcutOption option, boolean plain,
                      boolean strideOnFirst1x1) {
        super(kernels);
        int out = planes * EXPANSION;
        Conv2d conv1 = child("conv1", new Conv2d(kernels, inPlanes, planes, 1, strideOnFirst1x1 ? stride : 1, 0, false));
        BatchNorm2d bn1 = child("bn1", new BatchNorm2d(kernels, planes));
        ReLU relu1 = child("relu1", new ReLU(kernels, true));

        Conv2d conv2 = child("conv2", new Conv2d(kernels, planes, planes, 3, strideOnFirst1x1 ? 1 : stride, 1, false));
        BatchNorm2d bn2 = child("bn2", new BatchNorm2d(kernels, planes));
        ReLU relu2 = child("relu2", new ReLU(kernels, true));

        Conv2d conv3 = child("conv3", new Conv2d(kernels, planes, out, 1, 1, 0, false));
        bn3 = child("bn3", new BatchNorm2d(kernels, out));

        ShortcutKind kind = Shortcuts.kind(option, plain, stride != 1 || inPlanes != out);
        Module shortcut = kind == ShortcutKind.MODULE
                ? child(Shortcuts.name(option), Shortcuts.module(kernels, option, inPlanes, out, stride))
                : null;
        ReLU relu3 = child("relu3", new ReLU(kernels, true));
        wire(List.of(conv1, bn1, relu1, conv2, bn2, relu2, conv3, bn3), kind, shortcut, relu3);
    }

    /** The last batch norm of the residual branch, which zero-initialization sets to gamma = 0. */
    public BatchNorm2d lastBatchNorm() {
        return bn3;
    }
}

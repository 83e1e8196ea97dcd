package org.resnet4j.models;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.ReLU;
import org.resnet4j.nn.ResidualBlock;

/**
 * Two 3x3 convolutions (the paper's Figure 5 left): the block of ResNet-18/34 and of every CIFAR network.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps what each layer's backward needs (see {@link Module}).
 */
public final class BasicBlock extends ResidualBlock {
    public static final int EXPANSION = 1;

    private final BatchNorm2d bn2;

    public BasicBlock(Kernels kernels, int inPlanes, int planes, int stride, ShortcutOption option, boolean plain) {
        super(kernels);
        Conv2d conv1 = child("conv1", new Conv2d(kernels, inPlanes, planes, 3, stride, 1, false));
        BatchNorm2d bn1 = child("bn1", new BatchNorm2d(kernels, planes));
        ReLU relu1 = child("relu1", new ReLU(kernels, true));

        Conv2d conv2 = child("conv2", new Conv2d(kernels, planes, planes, 3, 1, 1, false));
        bn2 = child("bn2", new BatchNorm2d(kernels, planes));

        ShortcutKind kind = Shortcuts.kind(option, plain, stride != 1 || inPlanes != planes * EXPANSION);
        Module shortcut = kind == ShortcutKind.MODULE
                ? child(Shortcuts.name(option), Shortcuts.module(kernels, option, inPlanes, planes * EXPANSION, stride))
                : null;
        ReLU relu2 = child("relu2", new ReLU(kernels, true));
        wire(List.of(conv1, bn1, relu1, conv2, bn2), kind, shortcut, relu2);
    }

    /** The last batch norm of the residual branch, which zero-initialization sets to gamma = 0. */
    public BatchNorm2d lastBatchNorm() {
        return bn2;
    }
}

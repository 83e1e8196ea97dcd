package org.resnet4j.models;

import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.ResidualBlock.ShortcutKind;
import org.resnet4j.nn.Sequential;
import org.resnet4j.nn.ZeroPadSubsample;

/** Chooses a block's shortcut from the option, the plain flag and whether the block changes dimensions. */
final class Shortcuts {
    private Shortcuts() {
    }

    static ShortcutKind kind(ShortcutOption option, boolean plain, boolean dimensionsChange) {
        if (plain) {
            return ShortcutKind.NONE;
        }
        return option == ShortcutOption.C || dimensionsChange ? ShortcutKind.MODULE : ShortcutKind.IDENTITY;
    }

    /** torchvision's {@code downsample}: 1x1 convolution (stride, no bias) then batch norm. */
    static Sequential projection(Kernels kernels, int in, int out, int stride) {
        return new Sequential(new Conv2d(kernels, in, out, 1, stride, 0, false), new BatchNorm2d(kernels, out));
    }

    /** The module a block registers for {@link ShortcutKind#MODULE}: a projection, or option A's zero padding. */
    static Module module(Kernels kernels, ShortcutOption option, int in, int out, int stride) {
        return option == ShortcutOption.A ? new ZeroPadSubsample(kernels, in, out, stride)
                : projection(kernels, in, out, stride);
    }

    /** PyTorch's state_dict name for the shortcut: {@code downsample} for projections, {@code shortcut} for option A. */
    static String name(ShortcutOption option) {
        return option == ShortcutOption.A ? "shortcut" : "downsample";
    }
}

package org.resnet4j.models;

import java.util.Arrays;

/**
 * One row of the paper's architecture tables: the family (stem and stage widths), the block type, blocks per stage,
 * and whether the network is plain (no shortcuts).
 *
 * <p>Immutable (the stage arrays are copied in and out); safe to share between threads.
 */
public record Architecture(String name, Family family, BlockType block, int[] blocksPerStage, boolean plain) {

    /** The stem and stage widths. Immutable ({@link #planes()} hands out a copy); safe to share between threads. */
    public enum Family {
        /** 7x7/2 convolution with 64 filters, 3x3/2 max pool, stages of 64/128/256/512 planes (paper Table 1). */
        IMAGENET(new int[] {64, 128, 256, 512}, ShortcutOption.B, 224),
        /** 3x3 convolution with 16 filters, stages of 16/32/64 filters (paper §4.2), option A by default. */
        CIFAR(new int[] {16, 32, 64}, ShortcutOption.A, 32);

        private final int[] planes;
        private final ShortcutOption defaultShortcut;
        private final int imageSize;

        Family(int[] planes, ShortcutOption defaultShortcut, int imageSize) {
            this.planes = planes;
            this.defaultShortcut = defaultShortcut;
            this.imageSize = imageSize;
        }

        /**
         * The side of the images the family's networks take unless their weights record another (ImageNet's 224,
         * CIFAR-10's 32): what inference prepares images at by default.
         */
        public int imageSize() {
            return imageSize;
        }

        public int[] planes() {
            return planes.clone();
        }

        public ShortcutOption defaultShortcut() {
            return defaultShortcut;
        }
    }

    /** BasicBlock (two 3x3) or Bottleneck (1x1, 3x3, 1x1 x4). Immutable; safe to share between threads. */
    public enum BlockType {
        BASIC(BasicBlock.EXPANSION), BOTTLENECK(Bottleneck.EXPANSION);

        private final int expansion;

        BlockType(int expansion) {
            this.expansion = expansion;
        }

        public int expansion() {
            return expansion;
        }
    }

    public Architecture {
        if (blocksPerStage.length != family.planes.length) {
            throw new IllegalArgumentException(name + ": " + family + " has " + family.planes.length
                    + " stages, got " + Arrays.toString(blocksPerStage));
        }
        blocksPerStage = blocksPerStage.clone();
    }

    @Override
    public int[] blocksPerStage() {
        return blocksPerStage.clone();
    }

    /** Equal rows are equal by value: a record compares an array component by identity otherwise. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Architecture a && name.equals(a.name) && family == a.family && block == a.block
                && Arrays.equals(blocksPerStage, a.blocksPerStage) && plain == a.plain;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + family.hashCode()) * 31 + block.hashCode()) * 31
                + Arrays.hashCode(blocksPerStage) * 2 + (plain ? 1 : 0);
    }

    @Override
    public String toString() {
        return "Architecture[name=" + name + ", family=" + family + ", block=" + block + ", blocksPerStage="
                + Arrays.toString(blocksPerStage) + ", plain=" + plain + "]";
    }

    /** Weighted layers: convolutions on the main path plus the classifier (6n+2 for CIFAR, 18/34/50... for ImageNet). */
    public int depth() {
        int convsPerBlock = block == BlockType.BASIC ? 2 : 3;
        return Arrays.stream(blocksPerStage).sum() * convsPerBlock + 2;
    }

    /** The width of the features the last stage gives the classifier: its planes times the block's expansion. */
    public int features() {
        return family.planes[family.planes.length - 1] * block.expansion();
    }
}

package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the convolution passes cut their work for the vector registers of this CPU: the one place that knows the
 * register tiles, which channel blocks a kernel call pairs, the slack a tile may read past its data, and the
 * arithmetic of blocks of {@code L = LANES} channels.
 *
 * <p>The register count is 32 with 512-bit vectors (AVX-512) and 16 below (AVX2); {@code -Dresnet4j.vectorRegisters}
 * overrides it. A tile's accumulators plus its weight vectors and one broadcast must fit them.
 *
 * <p><b>No tiling changes a sum.</b> Forward and backward-data give each output its own accumulator, started from the
 * bias and advanced by one FMA per step of the same offset table, whatever pixels and blocks share a kernel call; the
 * weight gradient gives each (block, e) its own accumulator over a band's pixels in pixel order, added to the chunk's
 * partial sums once per band, and the bands do not depend on the tile. So every tiling gives the same bits (tested),
 * and a tiling may be chosen per shape by timing ({@link ConvTuner}) without touching exact resume or thread-count
 * independence.
 */
final class ConvTiling {
    /**
     * Vector registers the tiles may fill: 32 with AVX-512 and on AArch64 (NEON and SVE have 32 whatever their
     * width), 16 with AVX2 or SSE.
     */
    static final int REGISTERS = Integer.getInteger("resnet4j.vectorRegisters",
            VectorConstants.SPECIES.vectorBitSize() >= 512 || "aarch64".equals(System.getProperty("os.arch")) ? 32
                    : 16);

    private ConvTiling() {
    }

    /**
     * A forward / backward-data register tile: {@code pixels} output pixels by up to {@code maxBlocks} channel blocks
     * per micro-kernel call ({@link ConvTiles} lists the calls). Named after its largest call, blocks x pixels.
     */
    enum PixelTile {
        /** 2 x 6 calls (1 x 6 for an odd last block): the 16-register tile for two or more blocks. */
        P2X6(6, 2),
        /** 1 x 12 calls: the 16-register tile for a single block. */
        P1X12(12, 1),
        /** 4 x 6 calls (2 x 6, 1 x 6 for the last blocks): 32 registers, four or more blocks. */
        P4X6(6, 4),
        /** 2 x 12 calls (1 x 12 for an odd last block): 32 registers, two or three blocks. */
        P2X12(12, 2),
        /** 1 x 24 calls: 32 registers, one block (CIFAR's 16 channels at 16 lanes). */
        P1X24(24, 1),
        /** 1 x 16 calls, fastest where the 16 pixels are one run of a row ({@link ConvRowKernels}): 32 registers. */
        P1X16(16, 1),
        /** 2 x 8 calls (1 x 8 for an odd last block), fastest on runs of a row ({@link ConvRowKernels}). */
        P2X8(8, 2);

        final int pixels;
        final int maxBlocks;

        PixelTile(int pixels, int maxBlocks) {
            this.pixels = pixels;
            this.maxBlocks = maxBlocks;
        }

        /** Blocks of the next kernel call when {@code remaining} are left: the calls take 4, 2 or 1 blocks. */
        int group(int remaining) {
            int b = Math.min(maxBlocks, remaining);
            return b == 3 ? 2 : b;
        }

        /** Accumulators plus weight vectors plus one broadcast. */
        int registers() {
            return pixels * maxBlocks + maxBlocks + 1;
        }
    }

    /**
     * A weight-gradient register tile: up to {@code maxBlocks} output-channel blocks per call, and for a call of
     * {@code b} blocks {@code width(b)} consecutive (kw, ci) values {@code e}.
     */
    enum WeightTile {
        /** 2 blocks x 5 e (1 x 10 for an odd last block): the 16-register tile. */
        W2X5(2, 10, 5, 0),
        /** 4 x 6 (2 x 12, 1 x 24 for the last blocks): 32 registers, four or more blocks. */
        W4X6(4, 24, 12, 6),
        /** 2 x 12 (1 x 24 for an odd last block): 32 registers. */
        W2X12(2, 24, 12, 0),
        /** 1 x 24: 32 registers, one block at a time. */
        W1X24(1, 24, 0, 0);

        final int maxBlocks;
        private final int width1;
        private final int width2;
        private final int width4;

        WeightTile(int maxBlocks, int width1, int width2, int width4) {
            this.maxBlocks = maxBlocks;
            this.width1 = width1;
            this.width2 = width2;
            this.width4 = width4;
        }

        /** Blocks of the next call when {@code remaining} are left: the calls take 4, 2 or 1 blocks. */
        int group(int remaining) {
            int b = Math.min(maxBlocks, remaining);
            return b == 3 ? 2 : b;
        }

        /** The e values of a call of {@code blocks} (1, 2 or 4) blocks. */
        int width(int blocks) {
            return blocks == 1 ? width1 : blocks == 2 ? width2 : width4;
        }

        /** The widest call: a tile reads up to {@code maxWidth() - 1} floats past the last e it keeps. */
        int maxWidth() {
            return Math.max(width1, Math.max(width2, width4));
        }

        /** Accumulators plus gradOutput vectors plus one broadcast, of its largest call. */
        int registers() {
            return width(maxBlocks) * maxBlocks + maxBlocks + 1;
        }
    }

    /**
     * Floats a weight-gradient buffer keeps after its data: a call reads {@code width} consecutive e values from
     * where it starts even when fewer are left in the row, so the last row of a buffer needs this many spare floats.
     */
    static int slack(WeightTile tile) {
        return tile.maxWidth() - 1;
    }

    /** How many blocks of {@code LANES} channels cover {@code channels}. */
    static int blocks(int channels) {
        return ceilDiv(channels, LANES);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * The pixel tile for {@code blocks} channel blocks when none is timed. With 32 registers, 4x6 for four blocks
     * or more (it beat 2x6 on every 64-channel forward and backward-data shape measured, busy machine), 2x8 for two
     * or three and 1x16 for one (their runs of a row need no offset registers, {@link ConvRowKernels}); otherwise the
     * 16-register tiles, which the wide ones with more pixels did not beat: a tile keeps one offset per pixel in a
     * general-purpose register, x86-64 has 16 of them, and at 12 or 24 pixels C2 runs short.
     */
    static PixelTile defaultPixelTile(int blocks) {
        if (REGISTERS >= 32 && blocks >= 4) {
            return PixelTile.P4X6;
        }
        if (REGISTERS >= 32 && blocks == 1) {
            return PixelTile.P1X16;
        }
        if (REGISTERS >= 32 && blocks >= 2) {
            return PixelTile.P2X8;
        }
        return blocks == 1 ? PixelTile.P1X12 : PixelTile.P2X6;
    }

    /**
     * The weight-gradient tile when none is timed: 2x5 everywhere. With 32 registers 4x6 won on ImageNet's 56x56
     * layers (1.5x) and lost on CIFAR's 8x8 ones (0.65x), so only timing picks it.
     */
    static WeightTile defaultWeightTile(int blocks) {
        return WeightTile.W2X5;
    }

    /**
     * The pixel tiles worth timing for {@code blocks} blocks, the default first: those that fit the registers, keep
     * at least 12 accumulators busy and cover two blocks per call where there are two, one per distinct sequence of
     * kernel calls. The 16-register tiles stay candidates on 32 registers: where they win, timing keeps them.
     */
    static List<PixelTile> pixelCandidates(int blocks) {
        List<PixelTile> tiles = new ArrayList<>(List.of(defaultPixelTile(blocks)));
        Set<List<Integer>> seen = new HashSet<>(List.of(calls(defaultPixelTile(blocks), blocks)));
        for (PixelTile tile : PixelTile.values()) {
            int group = tile.group(blocks);
            if (tile.registers() <= REGISTERS && group * tile.pixels >= 12 && group >= Math.min(blocks, 2)
                    && seen.add(calls(tile, blocks))) {
                tiles.add(tile);
            }
        }
        return tiles;
    }

    /** The weight-gradient tiles worth timing for {@code blocks} blocks, by the same rules (10 accumulators). */
    static List<WeightTile> weightCandidates(int blocks) {
        List<WeightTile> tiles = new ArrayList<>(List.of(defaultWeightTile(blocks)));
        Set<List<Integer>> seen = new HashSet<>(List.of(calls(defaultWeightTile(blocks), blocks)));
        for (WeightTile tile : WeightTile.values()) {
            int group = tile.group(blocks);
            if (tile.registers() <= REGISTERS && group * tile.width(group) >= 10 && group >= Math.min(blocks, 2)
                    && seen.add(calls(tile, blocks))) {
                tiles.add(tile);
            }
        }
        return tiles;
    }

    /** The kernel calls (blocks x pixels) a pixel tile makes across {@code blocks} blocks. */
    private static List<Integer> calls(PixelTile tile, int blocks) {
        List<Integer> calls = new ArrayList<>();
        for (int b = 0, group; b < blocks; b += group) {
            group = tile.group(blocks - b);
            calls.add(group * 100 + tile.pixels);
        }
        return calls;
    }

    /** The kernel calls (blocks x e) a weight tile makes across {@code blocks} blocks. */
    private static List<Integer> calls(WeightTile tile, int blocks) {
        List<Integer> calls = new ArrayList<>();
        for (int b = 0, group; b < blocks; b += group) {
            group = tile.group(blocks - b);
            calls.add(group * 100 + tile.width(group));
        }
        return calls;
    }
}

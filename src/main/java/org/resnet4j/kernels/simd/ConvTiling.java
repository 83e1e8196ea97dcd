package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;

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
 * and a tiling may be chosen per shape without touching exact resume or thread-count independence.
 */
final class ConvTiling {
    /** Vector registers the tiles may fill. */
    static final int REGISTERS = Integer.getInteger("resnet4j.vectorRegisters",
            VectorConstants.SPECIES.vectorBitSize() >= 512 ? 32 : 16);

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
        P1X12(12, 1);

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
        W2X5(2, 10, 5);

        final int maxBlocks;
        private final int width1;
        private final int width2;

        WeightTile(int maxBlocks, int width1, int width2) {
            this.maxBlocks = maxBlocks;
            this.width1 = width1;
            this.width2 = width2;
        }

        /** Blocks of the next call when {@code remaining} are left: the calls take 4, 2 or 1 blocks. */
        int group(int remaining) {
            int b = Math.min(maxBlocks, remaining);
            return b == 3 ? 2 : b;
        }

        /** The e values of a call of {@code blocks} blocks. */
        int width(int blocks) {
            return blocks == 1 ? width1 : width2;
        }

        /** The widest call: a tile reads up to {@code maxWidth() - 1} floats past the last e it keeps. */
        int maxWidth() {
            return Math.max(width1, width2);
        }

        int registers() {
            return width2 * maxBlocks + maxBlocks + 1;
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

    /** The pixel tile this register file uses for {@code blocks} channel blocks unless timing says otherwise. */
    static PixelTile defaultPixelTile(int blocks) {
        return blocks == 1 ? PixelTile.P1X12 : PixelTile.P2X6;
    }

    /** The weight-gradient tile this register file uses for {@code blocks} output-channel blocks. */
    static WeightTile defaultWeightTile(int blocks) {
        return WeightTile.W2X5;
    }
}

package org.resnet4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.resnet4j.kernels.ConvGeometry;

/** Convolution shapes chosen to hit every vector tail and code path, shared by the convolution tests. */
public final class ConvTestShapes {
    private ConvTestShapes() {
    }

    /**
     * The parity shapes: batch 1 and odd batches; channels 3 to 96 (1 to 6 blocks at 16 lanes, 1 to 12 at 8, so
     * every grouping of blocks into kernel calls); sizes 1 to 33; stride 1 to 3; padding 0 to 3; 1x1, 3x3, 7x7 and
     * rectangular kernels; more weights than input; batches with a task per image. Small enough for the scalar
     * reference.
     */
    public static List<ConvGeometry> parity() {
        List<ConvGeometry> shapes = new ArrayList<>(List.of(
                ConvGeometry.square(1, 3, 7, 7, 16, 3, 1, 1),
                ConvGeometry.square(3, 13, 8, 8, 17, 3, 2, 1),
                ConvGeometry.square(2, 16, 33, 33, 13, 3, 1, 1),
                ConvGeometry.square(1, 64, 8, 8, 64, 3, 1, 1),
                ConvGeometry.square(2, 17, 32, 32, 3, 1, 2, 0),
                ConvGeometry.square(1, 3, 33, 33, 64, 7, 2, 3),   // the ImageNet stem, odd size
                ConvGeometry.square(3, 64, 1, 1, 16, 3, 1, 1),
                ConvGeometry.square(1, 16, 8, 8, 64, 1, 2, 0),    // projection shortcut
                ConvGeometry.square(2, 32, 16, 16, 64, 3, 2, 1),
                ConvGeometry.square(5, 13, 7, 7, 13, 3, 1, 0),
                ConvGeometry.square(1, 16, 32, 32, 16, 3, 1, 1),
                ConvGeometry.square(1, 16, 32, 32, 32, 3, 2, 1),  // CIFAR's downsampling: phase rows of 16 pixels
                ConvGeometry.square(1, 32, 16, 16, 32, 3, 1, 1),  // CIFAR's second stage: rows of 16 at 32 channels
                ConvGeometry.square(3, 17, 33, 33, 17, 3, 2, 1),
                ConvGeometry.square(1, 64, 7, 7, 48, 1, 1, 0),    // odd number of co blocks
                ConvGeometry.square(2, 3, 8, 8, 3, 1, 1, 0),      // everything smaller than a vector
                ConvGeometry.square(1, 16, 1, 1, 16, 1, 2, 0),
                ConvGeometry.square(1, 13, 7, 7, 17, 7, 2, 3),
                new ConvGeometry(1, 17, 7, 33, 17, 3, 3, 1, 1, 1, 1),
                new ConvGeometry(2, 5, 9, 8, 19, 3, 1, 2, 1, 1, 0),
                new ConvGeometry(1, 13, 8, 7, 16, 1, 3, 1, 2, 0, 1),
                // Batches large enough for one task per image (each pads its own image).
                ConvGeometry.square(9, 16, 8, 8, 16, 3, 2, 1),
                ConvGeometry.square(8, 13, 7, 7, 17, 3, 1, 1),
                ConvGeometry.square(11, 17, 5, 5, 3, 1, 2, 0),
                // More weights than input pixels: channel-block pairs outer (odd block counts, strided, 1x1 direct).
                ConvGeometry.square(1, 64, 3, 3, 40, 3, 1, 1),
                ConvGeometry.square(2, 48, 2, 2, 72, 1, 1, 0),
                ConvGeometry.square(1, 32, 5, 5, 33, 3, 2, 1),
                ConvGeometry.square(1, 96, 6, 6, 80, 3, 1, 1)));   // 6 and 5 blocks at 16 lanes
        // A few more drawn at random from the tail-hitting sizes, capped so the scalar reference stays fast.
        int[] channels = {3, 13, 16, 17, 64};
        int[] sizes = {1, 7, 8, 32, 33};
        int[][] kernels = {{1, 1, 0}, {1, 2, 0}, {3, 1, 1}, {3, 2, 1}, {3, 1, 0}, {7, 2, 3}};
        SplittableRandom random = new SplittableRandom(20261126);
        while (shapes.size() < 36) {
            int[] k = kernels[random.nextInt(kernels.length)];
            int size = sizes[random.nextInt(sizes.length)];
            if (size + 2 * k[2] < k[0]) {
                continue;
            }
            ConvGeometry g = ConvGeometry.square(1 + random.nextInt(3), channels[random.nextInt(channels.length)],
                    size, size, channels[random.nextInt(channels.length)], k[0], k[1], k[2]);
            if (g.multiplyAdds() <= 3_000_000) {
                shapes.add(g);
            }
        }
        return List.copyOf(shapes);
    }
}

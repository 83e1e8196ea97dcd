package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomCropFlipTest {
    /** Random pixels in 1..255, so a 0 in the output can only be padding. */
    private static byte[] image(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] image = new byte[3072];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (1 + random.nextInt(255));
        }
        return image;
    }

    /** torchvision's steps literally: zero-pad to 40x40, crop 32x32 at (4 + dy, 4 + dx), then mirror the columns. */
    private static byte[] reference(byte[] in, int dy, int dx, boolean flip) {
        byte[] padded = new byte[3 * 40 * 40];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    padded[(c * 40 + y + 4) * 40 + x + 4] = in[(c * 32 + y) * 32 + x];
                }
            }
        }
        byte[] cropped = new byte[3072];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    cropped[(c * 32 + y) * 32 + x] = padded[(c * 40 + y + 4 + dy) * 40 + x + 4 + dx];
                }
            }
        }
        if (!flip) {
            return cropped;
        }
        byte[] flipped = new byte[3072];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    flipped[(c * 32 + y) * 32 + x] = cropped[(c * 32 + y) * 32 + 31 - x];
                }
            }
        }
        return flipped;
    }

    @Test
    void everyOffsetAndFlipMatchesPadCropFlipDoneLiterally() {
        byte[] in = image(1);
        byte[] out = new byte[3072 + 5];
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                for (boolean flip : new boolean[] {false, true}) {
                    new RandomCropFlip(dy, dx, flip).apply(in, 0, out, 5);
                    assertArrayEquals(reference(in, dy, dx, flip), Arrays.copyOfRange(out, 5, 3077),
                            "dy " + dy + ", dx " + dx + ", flip " + flip);
                }
            }
        }
    }

    @Test
    void outputPixelsAreInputPixelsExceptTheZeroBorder() {
        byte[] in = image(2);
        byte[] out = new byte[3072];
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            RandomCropFlip draw = RandomCropFlip.draw(random);
            draw.apply(in, 0, out, 0);
            int zeros = 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int sy = y + draw.dy();
                        int sx = (draw.flip() ? 31 - x : x) + draw.dx();
                        byte value = out[(c * 32 + y) * 32 + x];
                        if (sy >= 0 && sy < 32 && sx >= 0 && sx < 32) {
                            assertEquals(in[(c * 32 + sy) * 32 + sx], value, draw + " at " + c + "," + y + "," + x);
                        } else {
                            assertEquals(0, value, draw + " padding at " + c + "," + y + "," + x);
                        }
                        zeros += value == 0 ? 1 : 0;
                    }
                }
            }
            assertEquals(3 * (1024 - (32 - Math.abs(draw.dy())) * (32 - Math.abs(draw.dx()))), zeros, draw.toString());
        }
    }

    @Test
    void flippingTwiceRestoresTheImage() {
        byte[] in = image(4);
        byte[] once = new byte[3072];
        byte[] twice = new byte[3072];
        RandomCropFlip flip = new RandomCropFlip(0, 0, true);
        flip.apply(in, 0, once, 0);
        flip.apply(once, 0, twice, 0);

        assertTrue(!Arrays.equals(in, once));
        assertArrayEquals(in, twice);
        assertEquals(in[5], once[31 - 5]);
        RandomCropFlip.NONE.apply(in, 0, once, 0);
        assertArrayEquals(in, once);
    }

    @Test
    void seededDrawsCoverEveryOffsetAndBothFlipsAndRepeat() {
        int[] dyCounts = new int[9];
        int[] dxCounts = new int[9];
        int flips = 0;
        int differentNextEpoch = 0;
        for (int image = 0; image < 2000; image++) {
            RandomCropFlip draw = RandomCropFlip.forImage(99, 3, image);
            assertEquals(draw, RandomCropFlip.forImage(99, 3, image));
            dyCounts[draw.dy() + 4]++;
            dxCounts[draw.dx() + 4]++;
            flips += draw.flip() ? 1 : 0;
            differentNextEpoch += draw.equals(RandomCropFlip.forImage(99, 4, image)) ? 0 : 1;
        }
        for (int k = 0; k < 9; k++) {
            // 2000 / 9 = 222 expected, binomial sd about 14.
            assertTrue(dyCounts[k] > 150 && dyCounts[k] < 300, "dy " + (k - 4) + ": " + dyCounts[k]);
            assertTrue(dxCounts[k] > 150 && dxCounts[k] < 300, "dx " + (k - 4) + ": " + dxCounts[k]);
        }
        assertTrue(flips > 900 && flips < 1100, "flips: " + flips);
        // Two independent draws coincide with probability 1/162.
        assertTrue(differentNextEpoch > 1900, "draws that differ in the next epoch: " + differentNextEpoch);
    }

    @Test
    void offsetsBeyondThePaddingAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandomCropFlip(5, 0, false));
        assertTrue(e.getMessage().contains("(5, 0)"), e.getMessage());
    }
}

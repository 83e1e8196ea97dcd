package org.resnet4j.data;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A data set as a user would write one: images held in a byte array, implementing {@link Dataset} through its public
 * methods only. Public for the training tests.
 *
 * @param side   the side S of every image
 * @param pixels {@code [N][3][S][S]} bytes
 * @param labels {@code [N]} class indices
 */
public record ArrayDataset(int side, byte[] pixels, int[] labels, List<String> classNames) implements Dataset {
    public ArrayDataset {
        if (pixels.length != labels.length * 3 * side * side) {
            throw new IllegalArgumentException(labels.length + " images of " + side + "x" + side + " need "
                    + labels.length * 3 * side * side + " bytes, got " + pixels.length);
        }
        classNames = List.copyOf(classNames);
    }

    /**
     * {@code n} learnable images of side {@code side} in two classes, {@code i % 2}: "red" images (red plane about
     * 200, blue about 50) and "blue" ones (the reverse), each pixel plus noise of +-30, so that crops, flips and
     * shifts keep the class.
     */
    public static ArrayDataset redOrBlue(int n, int side, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int plane = side * side;
        byte[] pixels = new byte[n * 3 * plane];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int[] levels = labels[i] == 0 ? new int[] {200, 120, 50} : new int[] {50, 120, 200};
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    pixels[(i * 3 + c) * plane + p] = (byte) (levels[c] + random.nextInt(-30, 31));
                }
            }
        }
        return new ArrayDataset(side, pixels, labels, List.of("red", "blue"));
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int imageSize() {
        return side;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void readImage(int index, byte[] out, int offset) {
        int bytes = imageBytes();
        System.arraycopy(pixels, Objects.checkIndex(index, size()) * bytes, out, offset, bytes);
    }

    @Override
    public String toString() {
        return "ArrayDataset[" + labels.length + " images of " + side + "x" + side + "]";
    }
}

package org.resnet4j.images;

import java.util.SplittableRandom;

/**
 * torchvision's training augmentation {@code RandomResizedCrop(size, scale, ratio) -> RandomHorizontalFlip()}, drawn
 * from a random source the caller seeds (so a data loader can make it depend only on seed, epoch and image), then
 * {@code ToTensor} and {@code Normalize}. The crop's area is a uniform fraction of the image's in {@code [minScale,
 * maxScale]}, its aspect ratio log-uniform in {@code [minRatio, maxRatio]}, ten tries, then torchvision's central
 * fallback. Immutable; safe to share between threads (each call brings its own random source).
 */
public record TrainingTransform(int size, double minScale, double maxScale, double minRatio, double maxRatio,
                                float[] mean, float[] std) {

    public TrainingTransform {
        if (size < 1 || !(minScale > 0) || maxScale < minScale || maxScale > 1 || !(minRatio > 0)
                || maxRatio < minRatio) {
            throw new IllegalArgumentException("training transform: need size >= 1, 0 < minScale <= maxScale <= 1, "
                    + "0 < minRatio <= maxRatio; got size " + size + " scale [" + minScale + ", " + maxScale
                    + "] ratio [" + minRatio + ", " + maxRatio + "]");
        }
        PixelTensors.checkNormalization("training transform", size, mean, std);
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
    }

    /** The normalization's mean (3 values, or a mean image), or null: a copy, the caller's. */
    @Override
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    /** The normalization's 3 standard deviations, or null: a copy, the caller's. */
    @Override
    public float[] std() {
        return std == null ? null : std.clone();
    }

    /** Equal transforms are equal by value (a record compares array components by identity otherwise). */
    @Override
    public boolean equals(Object other) {
        return other instanceof TrainingTransform t && size == t.size && minScale == t.minScale
                && maxScale == t.maxScale && minRatio == t.minRatio && maxRatio == t.maxRatio
                && java.util.Arrays.equals(mean, t.mean) && java.util.Arrays.equals(std, t.std);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(size, minScale, maxScale, minRatio, maxRatio, java.util.Arrays.hashCode(mean),
                java.util.Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "TrainingTransform[size=" + size + ", scale=[" + minScale + ", " + maxScale + "], ratio=[" + minRatio
                + ", " + maxRatio + "], mean=" + (mean == null ? "none" : mean.length + " values") + ", std="
                + java.util.Arrays.toString(std) + "]";
    }

    /** torchvision's defaults: scale (0.08, 1), ratio (3/4, 4/3), ImageNet's mean and std. */
    public static TrainingTransform imagenet(int size) {
        return new TrainingTransform(size, 0.08, 1.0, 3.0 / 4, 4.0 / 3, PixelTensors.imagenetMean(),
                PixelTensors.imagenetStd());
    }

    /** The augmented image: a random crop resized to {@code size x size}, mirrored half of the time. */
    public RgbImage geometry(RgbImage image, SplittableRandom random) {
        int[] box = cropBox(image.width(), image.height(), random);
        RgbImage cropped = Resize.to(image.crop(box[0], box[1], box[2], box[3]), size, size);
        return random.nextBoolean() ? cropped.flipHorizontally() : cropped;
    }

    /** Writes the augmented, normalized image as CHW floats into {@code out} from {@code offset}. */
    public void write(RgbImage image, SplittableRandom random, float[] out, int offset) {
        PixelTensors.write(geometry(image, random), mean, std, out, offset);
    }

    /** {@code {left, top, width, height}} of the crop, as torchvision's {@code RandomResizedCrop.get_params}. */
    int[] cropBox(int width, int height, SplittableRandom random) {
        double area = (double) width * height;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * (minScale + (maxScale - minScale) * random.nextDouble());
            double aspect = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new int[] {left, top, w, h};
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < minRatio) {
            w = width;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = height;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = width;
            h = height;
        }
        return new int[] {(width - w) / 2, (height - h) / 2, w, h};
    }
}

package org.resnet4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.resnet4j.data.Augmentation;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.serving.Labels;
import org.resnet4j.serving.Prediction;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.train.FineTuner;
import org.resnet4j.train.Schedule;
import org.resnet4j.train.TrainedWeights;
import org.resnet4j.train.Trainer;
import org.resnet4j.train.Training;
import org.resnet4j.train.TrainingListener;

/**
 * Training on data of your own, through the public API only: images already in memory become a {@link Dataset} by
 * implementing five methods, and {@link Training} trains a network on them with checkpoints, metrics and a weights
 * file that records everything needed to use it.
 */
public final class TrainOnYourData {
    private TrainOnYourData() {
    }

    /**
     * Your images: {@code [N][3][side][side]} bytes (0..255, red plane, green plane, blue plane) and a label each.
     * Never changed once made, so the loader may read it from several threads at once.
     */
    record InMemoryImages(int side, byte[] pixels, int[] labels, List<String> classNames) implements Dataset {
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
            System.arraycopy(pixels, index * imageBytes(), out, offset, imageBytes());
        }
    }

    public static void main(String[] args) throws IOException {
        Dataset train = stripes(96, 1);
        Dataset validation = stripes(32, 2);

        // A CIFAR-style ResNet-20 with one output per class; the recipe's defaults are the paper's, shortened here.
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(train.classNames().size()).withSeed(7));
        Path run = Files.createTempDirectory("resnet4j-your-data");
        Trainer.Summary summary = Training.of(model, train)
                .validation(validation)
                .iterations(30)
                .batchSize(16)
                .learningRate(0.01)
                .schedule(Schedule.COSINE)
                .augmentation(Augmentation.FLIP)          // a 4-pixel shift would cut into 16x16 stripes
                .evaluateEvery(10)
                .checkpointDirectory(run)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(long iteration, double loss) {
                        if (iteration == 1 || iteration % 5 == 0) {
                            System.out.printf("step %d: loss %.4f%n", iteration, loss);
                        }
                    }
                })
                .run();
        System.out.printf("trained on your data: %d iterations, validation error %.1f %%, weights %s%n",
                summary.iterations(), summary.validationError() * 100, summary.weights());

        // The weights file records the model, the normalization and the class names: nothing else is needed.
        ResNet loaded = ResNets.create("resnet20", ModelOptions.defaults(2));
        TrainedWeights weights = TrainedWeights.load(loaded, summary.weights());
        Labels labels = Labels.of(List.of(weights.metadata().get(FineTuner.LABELS).split("\n")));
        Tensor input = weights.normalization().normalize(pixels(validation, 0));
        System.out.println("image 0 of the validation set (" + validation.classNames().get(validation.label(0))
                + "): " + Prediction.of(loaded.freeze().forward(input).data(), labels, 2).top());
    }

    /** Image {@code index} as the network's kind of input before normalization: [1, 3, S, S], values in [0, 1]. */
    private static Tensor pixels(Dataset data, int index) {
        byte[] bytes = new byte[data.imageBytes()];
        data.readImage(index, bytes, 0);
        float[] values = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = (bytes[i] & 0xFF) / 255f;
        }
        return Tensor.wrap(values, 1, 3, data.imageSize(), data.imageSize());
    }

    /** {@code n} 16x16 images with horizontal or vertical stripes (labels alternate), plus noise. */
    private static Dataset stripes(int n, long seed) {
        int size = 16;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 3 * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int line = labels[i] == 0 ? y : x;
                        int value = (line / 2) % 2 == 0 ? 200 : 60;
                        pixels[((i * 3 + c) * size + y) * size + x] = (byte) (value + random.nextInt(-40, 41));
                    }
                }
            }
        }
        return new InMemoryImages(size, pixels, labels, List.of("horizontal", "vertical"));
    }
}

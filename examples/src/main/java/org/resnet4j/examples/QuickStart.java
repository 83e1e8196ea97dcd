package org.resnet4j.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.RgbImage;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.FrozenResNet;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.serving.Labels;
import org.resnet4j.serving.Prediction;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.train.FineTuner;
import org.resnet4j.train.FineTuning;
import org.resnet4j.train.Trainer;

/**
 * What a user's program does with resnet4j, through its public API only: classify an image with trained weights,
 * fine-tune them on a folder of labelled images, use the weights the fine-tuning wrote, and train a network on images
 * of one's own ({@link TrainOnYourData}).
 *
 * <p>Arguments: the shipped ResNet-20 weights, and an image to classify.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) throws IOException {
        Path weights = Path.of(args[0]);
        Path image = Path.of(args[1]);

        // 1. Predict: weights that record their normalization need nothing else.
        ResNet model = ResNets.create("resnet20");
        ModelWeights trained = ModelWeights.load(model, weights);
        FrozenResNet frozen = model.freeze();                      // safe to share between threads
        Tensor input = input(image, trained.normalizationIfRecorded());
        Prediction prediction = Prediction.of(frozen.forward(input).data(), Labels.defaultFor(10), 3);
        System.out.println("predicted " + image.getFileName() + ": " + prediction.top());

        // 2. Fine-tune on an image folder: two classes of made-up images, the backbone frozen, one epoch.
        Path work = Files.createTempDirectory("resnet4j-example");
        Path folder = writeFolder(work.resolve("shapes"));
        FineTuning recipe = new FineTuning("resnet20", weights, folder, 1, 8, 0.01, 0, true, 0.25, 7L,
                work.resolve("run"), false, 0);
        Trainer.Summary summary = new FineTuner(recipe).run();
        System.out.println("fine-tuned: " + summary.iterations() + " iterations, validation error "
                + String.format("%.1f %%", summary.validationError() * 100) + ", weights " + summary.weights());

        // 3. Use the weights it wrote: a two-class ResNet-20 that names the folder's classes.
        ResNet tuned = ResNets.create("resnet20", ModelOptions.defaults(2));
        ModelWeights tunedWeights = ModelWeights.load(tuned, summary.weights());
        Labels classes = Labels.of(tunedWeights.labelsIfRecorded());
        Tensor tunedInput = input(folder.resolve("bright").resolve("0.png"), tunedWeights.normalizationIfRecorded());
        System.out.println("fine-tuned model on bright/0.png: "
                + Prediction.of(tuned.freeze().forward(tunedInput).data(), classes, 2).top());

        // Saving is one call, and the file records what it needs to be loaded back.
        StateDicts.save(tuned, work.resolve("copy.safetensors"), Map.of(ModelWeights.MODEL, "resnet20"));

        // 4. Train a network on data of your own, held in memory: see TrainOnYourData.
        TrainOnYourData.main(new String[0]);
        System.out.println("example done");
    }

    /** An image file as the network's input: the 32x32 image, pixels in [0, 1], then the recorded normalization. */
    private static Tensor input(Path file, Normalization normalization) throws IOException {
        RgbImage image = ImageDecoder.standard().decode(file);
        Tensor pixels = new EvaluationTransform(32, 32, null, null).apply(image);
        return normalization.normalize(pixels);
    }

    /** {@code root/bright/*.png} and {@code root/dark/*.png}, 12 images each. */
    private static Path writeFolder(Path root) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        for (String label : new String[] {"bright", "dark"}) {
            Files.createDirectories(root.resolve(label));
            for (int i = 0; i < 12; i++) {
                BufferedImage picture = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                int base = label.equals("bright") ? 170 : 20;
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int v = base + random.nextInt(60);
                        picture.setRGB(x, y, v << 16 | v << 8 | v);
                    }
                }
                ImageIO.write(picture, "png", root.resolve(label).resolve(i + ".png").toFile());
            }
        }
        return root;
    }
}

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.train.TrainedWeights;

/**
 * The image folders of the fine-tuning demonstration (README, "Fine-tuning, measured"), a source program run
 * with the CLI jar on the class path (no build step):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/resnet4j-cli.jar benchmarks/finetune/CifarFolder.java MODE ...
 *   folders --data CIFAR_DIR --weights W --out DIR [--train-per-class 100]
 *       the CIFAR-10 training images W's run held out (the split its metadata records, the one `eval --split val`
 *       reads), as 32x32 PNG files, not resized: DIR/train/&lt;class&gt;/&lt;n&gt;.png, the first K of each class
 *       in file order, and DIR/val/&lt;class&gt;/&lt;n&gt;.png, the rest; n is the image's position among the 50,000
 *   scratch --like W --out F [--seed 1]
 *       freshly initialized weights of W's model (resnet4j's own initialization: nothing trained) that record W's
 *       model name and normalization, so `finetune` starts from them as it starts from pretrained weights
 * </pre>
 */
public final class CifarFolder {
    private CifarFolder() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        switch (args.length == 0 ? "" : args[0]) {
            case "folders" -> folders(Path.of(options.get("data")), Path.of(options.get("weights")),
                    Path.of(options.get("out")), Integer.parseInt(options.getOrDefault("train-per-class", "100")));
            case "scratch" -> scratch(Path.of(options.get("like")), Path.of(options.get("out")),
                    Long.parseLong(options.getOrDefault("seed", "1")));
            default -> throw new IllegalArgumentException("usage: CifarFolder folders|scratch --option value ...");
        }
    }

    static void folders(Path data, Path weights, Path out, int trainPerClass) throws IOException {
        TrainedWeights trained = TrainedWeights.load(ResNets.create(modelOf(weights)), weights);
        Cifar10Dataset all = new Cifar10Reader().readTraining(data);
        TrainValidationSplit split = trained.split(all);
        int[] heldOut = split.validationIndices();
        List<String> classes = all.classNames();
        int[] written = new int[classes.size()];
        int[] train = new int[classes.size()];
        for (int index : heldOut) {
            int label = all.label(index);
            boolean forTraining = written[label]++ < trainPerClass;
            if (forTraining) {
                train[label]++;
            }
            Path folder = out.resolve(forTraining ? "train" : "val").resolve(classes.get(label));
            Files.createDirectories(folder);
            ImageIO.write(image(all.pixels(), Cifar10Dataset.offset(index)), "png",
                    folder.resolve(String.format("%05d.png", index)).toFile());
        }
        StringBuilder counts = new StringBuilder();
        for (int c = 0; c < classes.size(); c++) {
            counts.append(c == 0 ? "" : " ").append(classes.get(c)).append('=').append(train[c]).append('/')
                    .append(written[c] - train[c]);
        }
        System.out.println("held_out=" + heldOut.length + " train=" + java.util.Arrays.stream(train).sum()
                + " val=" + (heldOut.length - java.util.Arrays.stream(train).sum()) + " per_class(train/val): "
                + counts);
    }

    private static String modelOf(Path weights) throws IOException {
        String model = WeightFiles.read(weights).metadata().get(ModelWeights.MODEL);
        if (model == null) {
            throw new IllegalArgumentException(weights + " does not record its model");
        }
        return model;
    }

    /** A CIFAR-10 record's planes (R, G, B; 32x32 each) as an RGB image. */
    private static BufferedImage image(byte[] pixels, int offset) {
        int side = Cifar10Dataset.WIDTH;
        int plane = Cifar10Dataset.PLANE;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        for (int p = 0; p < plane; p++) {
            int r = pixels[offset + p] & 0xFF;
            int g = pixels[offset + plane + p] & 0xFF;
            int b = pixels[offset + 2 * plane + p] & 0xFF;
            image.setRGB(p % side, p / side, r << 16 | g << 8 | b);
        }
        return image;
    }

    static void scratch(Path like, Path out, long seed) throws IOException {
        String model = modelOf(like);
        ModelWeights pretrained = ModelWeights.load(ResNets.create(model), like);
        ResNet fresh = ResNets.create(model, ModelOptions.defaults(ResNets.defaultClasses(model)).withSeed(seed));
        Map<String, String> metadata = new LinkedHashMap<>(
                NormalizationMetadata.toMetadata(pretrained.normalization()));
        metadata.put(ModelWeights.MODEL, model);
        metadata.put("note", "initialized, not trained (seed " + seed + "): the from-scratch start of a demonstration");
        StateDicts.save(fresh, out, metadata);
        System.out.println("scratch=" + out + " model=" + model + " seed=" + seed);
    }
}

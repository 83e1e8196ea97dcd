import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.serving.ClassScore;
import org.resnet4j.serving.ImageRejectedException;
import org.resnet4j.serving.Labels;
import org.resnet4j.serving.Prediction;
import org.resnet4j.serving.Predictor;

/** The images a load test sends, and the answer each must get, computed by the library one image at a time. */
final class Workload {
    static final String EXPECTED = "expected.tsv";
    static final int TOP = 5;

    private Workload() {
    }

    /** An image file and the expected answer: class indices and probabilities, best first. */
    record Item(byte[] bytes, int[] indices, float[] probabilities) {
    }

    static void prepare(String model, Path weights, Path out, int count, String format, Path cifar)
            throws IOException, ImageRejectedException {
        ResNet network = ResNets.create(model == null ? "resnet20" : model);
        Normalization normalization = ModelWeights.load(network, weights).normalizationIfRecorded();
        Predictor predictor = new Predictor(network, normalization, Labels.defaultFor(network.classes()));
        int size = predictor.imageSize();
        byte[] records = cifar != null && size == 32 ? Files.readAllBytes(cifar.resolve("data_batch_1.bin")) : null;
        Files.createDirectories(out.resolve("images"));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < count; i++) {
            byte[] planes = records != null ? cifarImage(records, i) : synthetic(size, i);
            byte[] bytes = encode(planes, size, format);
            String name = String.format("%05d.%s", i, format);
            Files.write(out.resolve("images").resolve(name), bytes);
            float[] logits = predictor.logits(List.of(predictor.input(bytes)))[0];
            Prediction prediction = predictor.rank(logits, Math.min(TOP, predictor.classes()));
            expected.append(name);
            for (ClassScore score : prediction.top()) {
                expected.append('\t').append(score.index()).append(':').append(Float.toString(score.probability()));
            }
            expected.append('\n');
        }
        Files.writeString(out.resolve(EXPECTED), expected.toString(), StandardCharsets.UTF_8);
        System.out.println("prepared " + count + " " + size + "x" + size + " " + format + " images"
                + (records != null ? " from " + cifar : " (synthetic)") + " and their expected top " + TOP + " in " + out);
    }

    static List<Item> load(Path dir) throws IOException {
        List<Item> items = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(EXPECTED), StandardCharsets.UTF_8)) {
            String[] fields = line.split("\t");
            int[] indices = new int[fields.length - 1];
            float[] probabilities = new float[fields.length - 1];
            for (int k = 1; k < fields.length; k++) {
                String[] pair = fields[k].split(":");
                indices[k - 1] = Integer.parseInt(pair[0]);
                probabilities[k - 1] = Float.parseFloat(pair[1]);
            }
            items.add(new Item(Files.readAllBytes(dir.resolve("images").resolve(fields[0])), indices, probabilities));
        }
        return items;
    }

    /**
     * Initialized, untrained weights that name their model. An ImageNet model's file records no normalization, as a
     * converted torchvision file, so the server uses torchvision's; a CIFAR model's records mean 0.5 and std 0.25.
     */
    static void randomWeights(String model, Path out, long seed) throws IOException {
        ResNet network = ResNets.create(model, ModelOptions.defaults(ResNets.defaultClasses(model)).withSeed(seed));
        Map<String, String> metadata = new LinkedHashMap<>();
        if (network.architecture().family() == Architecture.Family.CIFAR) {
            metadata.putAll(NormalizationMetadata.toMetadata(
                    new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})));
        }
        metadata.put(ModelWeights.MODEL, model);
        metadata.put("note", "random weights (seed " + seed + ") for load tests; not trained");
        StateDicts.save(network, out, metadata);
        System.out.println("wrote random " + model + " weights (seed " + seed + ") to " + out);
    }

    /** Record {@code i} of a CIFAR-10 batch file: a label byte, then 3072 bytes in planes. */
    private static byte[] cifarImage(byte[] records, int i) {
        int record = i % (records.length / 3073);
        byte[] planes = new byte[3072];
        System.arraycopy(records, record * 3073 + 1, planes, 0, 3072);
        return planes;
    }

    /** A colour gradient plus noise: varied answers, and file sizes nearer a photo's than pure noise. */
    private static byte[] synthetic(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] planes = new byte[3 * size * size];
        for (int c = 0; c < 3; c++) {
            int base = random.nextInt(40, 216);
            int slopeX = random.nextInt(-60, 61);
            int slopeY = random.nextInt(-60, 61);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int value = base + slopeX * x / size + slopeY * y / size + random.nextInt(-20, 21);
                    planes[c * size * size + y * size + x] = (byte) Math.clamp(value, 0, 255);
                }
            }
        }
        return planes;
    }

    static byte[] encode(byte[] planes, int size, String format) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        int plane = size * size;
        for (int p = 0; p < plane; p++) {
            image.setRGB(p % size, p / size,
                    (planes[p] & 0xFF) << 16 | (planes[plane + p] & 0xFF) << 8 | (planes[2 * plane + p] & 0xFF));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IllegalArgumentException("no writer for format " + format + " (png or jpg)");
        }
        return out.toByteArray();
    }
}

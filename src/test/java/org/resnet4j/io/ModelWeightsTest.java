package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/** Weights read for inference: the model check, checkpoints without their optimizer state, the recorded metadata. */
class ModelWeightsTest {
    private static final Path SHIPPED = Path.of("models", "resnet20-cifar10.safetensors");
    private static final Path CHECKPOINT = Path.of("models", "checkpoints", "resnet20-full", "checkpoint.safetensors");

    @Test
    void shippedWeightsAndTheirCheckpointLoadTheSameNetwork() throws IOException {
        ResNet fromWeights = ResNets.resnet20(10);
        ModelWeights weights = ModelWeights.load(fromWeights, SHIPPED);
        ResNet fromCheckpoint = ResNets.resnet20(10);
        ModelWeights checkpoint = ModelWeights.load(fromCheckpoint, CHECKPOINT);

        assertFalse(weights.checkpoint());
        assertTrue(checkpoint.checkpoint());
        assertEquals(StateDicts.entries(fromCheckpoint), StateDicts.entries(fromWeights));
        assertEquals(weights.normalization(), checkpoint.normalization());
        assertEquals("resnet20", weights.metadata().get(ModelWeights.MODEL));
        // Written by train: the class names of the data it trained on.
        assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                weights.labelsIfRecorded());
    }

    @Test
    void anotherArchitectureIsRefusedAndLeftUnchanged() throws IOException {
        ResNet plain = ResNets.create("plain20");
        List<TensorEntry> before = StateDicts.entries(plain);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelWeights.load(plain, SHIPPED));

        assertTrue(e.getMessage().contains("weights of resnet20, not plain20"), e.getMessage());
        assertEquals(before, StateDicts.entries(plain));
    }

    @Test
    void aFileWithoutNormalizationOrNameStillLoads(@TempDir Path dir) throws IOException {
        ResNet source = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(3));
        Path file = dir.resolve("converted.safetensors");
        StateDicts.save(source, file, Map.of());

        ResNet target = ResNets.resnet20(10);
        ModelWeights weights = ModelWeights.load(target, file);

        assertNull(weights.normalizationIfRecorded());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, weights::normalization);
        assertTrue(e.getMessage().contains("no normalization"), e.getMessage());
        assertEquals(StateDicts.entries(source), StateDicts.entries(target));
    }

    @Test
    void recordedNormalizationAndClassNamesComeBack(@TempDir Path dir) throws IOException {
        ResNet source = ResNets.create("resnet20", ModelOptions.defaults(3).withSeed(5));
        Normalization normalization = new Normalization(new float[] {0.4f, 0.5f, 0.6f},
                new float[] {0.2f, 0.25f, 0.3f});
        Map<String, String> metadata = new LinkedHashMap<>(NormalizationMetadata.toMetadata(normalization));
        metadata.put(ModelWeights.MODEL, "resnet20");
        metadata.put(ModelWeights.LABELS, "cat\ndog\nfish");
        Path file = dir.resolve("tuned.safetensors");
        StateDicts.save(source, file, metadata);

        ModelWeights weights = ModelWeights.load(ResNets.create("resnet20", ModelOptions.defaults(3)), file);

        assertArrayEquals(normalization.mean(), weights.normalization().mean());
        assertArrayEquals(normalization.std(), weights.normalization().std());
        assertEquals(List.of("cat", "dog", "fish"), weights.labelsIfRecorded());
    }

    /**
     * Half a normalization is a damaged file: a std without its mean used to read as no normalization at all, and so
     * as ImageNet's statistics.
     */
    @Test
    void aStdWithoutItsMeanIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NormalizationMetadata
                .fromMetadata(Map.of(Normalization.STD_KEY, "0.2,0.2,0.2"), "w.safetensors"));
        assertEquals("w.safetensors: metadata has normalization.std but no normalization.mean", e.getMessage());
        assertNull(NormalizationMetadata.fromMetadata(Map.of("model", "resnet20"), "w.safetensors"));
    }

    /**
     * A Bottleneck network with its stride on the first 1x1 ("v1") and one with it on the 3x3 ("v1.5", torchvision's)
     * have the same tensors: weights record their placement, and load only into a network built the same way. They
     * used to load into either, and give other outputs without a word.
     */
    @Test
    void bottleneckWeightsLoadOnlyWithTheirStridePlacement(@TempDir Path dir) throws IOException {
        Architecture tiny = new Architecture("tiny-bottleneck", Architecture.Family.IMAGENET,
                Architecture.BlockType.BOTTLENECK, new int[] {1, 1, 1, 1}, false);
        ModelOptions v15 = ModelOptions.defaults(3).withSeed(6);
        ModelOptions v1 = new ModelOptions(3, null, true, false, 6);
        ResNet trainedV1 = new ResNet(KernelProvider.simd(), tiny, v1);
        assertEquals(Map.of("bottleneck_stride", "1x1"), ModelWeights.layoutMetadata(trainedV1));
        assertEquals(Map.of(), ModelWeights.layoutMetadata(ResNets.create("resnet20")), "basic blocks: nothing");

        Path file = dir.resolve("v1.safetensors");
        Map<String, String> metadata = new LinkedHashMap<>(ModelWeights.layoutMetadata(trainedV1));
        metadata.put(ModelWeights.MODEL, "tiny-bottleneck");
        StateDicts.save(trainedV1, file, metadata);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelWeights.load(new ResNet(KernelProvider.simd(), tiny, v15), file));
        assertEquals(file + ": weights of a tiny-bottleneck with the Bottleneck stride on the 1x1, the network has it "
                + "on the 3x3 (the file's metadata 'bottleneck_stride'); build it with the stride on the first 1x1 (on "
                + "the command line: --stride-on-first-1x1)", e.getMessage());
        ModelWeights.load(new ResNet(KernelProvider.simd(), tiny, v1), file);

        Path unrecorded = dir.resolve("torchvision-like.safetensors");
        StateDicts.save(trainedV1, unrecorded, Map.of());
        ModelWeights.load(new ResNet(KernelProvider.simd(), tiny, v15), unrecorded); // names and shapes fit: loads
    }

    /** What a file says of the network to build for it: its recorded name and its classifier's class count. */
    @Test
    void theFileDescribesItsNetwork(@TempDir Path dir) throws IOException {
        SafeTensorsFile shipped = WeightFiles.read(SHIPPED);
        assertEquals(Optional.of("resnet20"), ModelWeights.recordedModel(shipped));
        assertEquals(OptionalInt.of(10), ModelWeights.classifierClasses(shipped));
        assertEquals(OptionalInt.of(10), ModelWeights.classifierClasses(WeightFiles.read(CHECKPOINT)),
                "a checkpoint's momentum buffers are no classifier");

        Path file = dir.resolve("seven.safetensors");
        StateDicts.save(ResNets.create("plain20", ModelOptions.defaults(7).withSeed(2)), file, Map.of());
        SafeTensorsFile seven = WeightFiles.read(file);
        assertEquals(Optional.empty(), ModelWeights.recordedModel(seven));
        assertEquals(OptionalInt.of(7), ModelWeights.classifierClasses(seven));
        ResNet built = ResNets.create("plain20", ModelOptions.defaults(7));
        ModelWeights.load(built, file, seven);
        assertEquals(StateDicts.entries(ResNets.create("plain20", ModelOptions.defaults(7).withSeed(2))),
                StateDicts.entries(built), "loaded from the file read once");

        Path noClassifier = dir.resolve("no-fc.safetensors");
        SafeTensors.write(noClassifier, List.of(TensorEntry.ofFloats("conv1.weight", new int[] {1}, new float[1])),
                Map.of());
        assertEquals(OptionalInt.empty(), ModelWeights.classifierClasses(WeightFiles.read(noClassifier)));
        Path noBias = dir.resolve("no-bias.safetensors");
        SafeTensors.write(noBias, List.of(TensorEntry.ofFloats("fc.weight", new int[] {3, 2}, new float[6])), Map.of());
        assertEquals(OptionalInt.of(3), ModelWeights.classifierClasses(WeightFiles.read(noBias)));
    }

    /**
     * A header alone can declare an fc.weight of 30 million rows and no columns; the commands built a network of that
     * many classes from it and ran out of memory. Such a classifier is refused naming the file and the shape.
     */
    @Test
    void anEmptyClassifierIsRefusedNamingTheFileAndItsShape(@TempDir Path dir) throws IOException {
        for (long rows : new long[] {30_000_000, Integer.MAX_VALUE}) {
            Path path = dir.resolve("empty-" + rows + ".safetensors");
            SafeTensors.write(path, List.of(new TensorEntry("fc.weight", DType.F32, new long[] {rows, 0}, new byte[0])),
                    Map.of());
            SafeTensorsFile file = WeightFiles.read(path);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelWeights.classifierClasses(file));

            assertEquals(path + ": the classifier fc.weight has shape [" + rows + ", 0]; a classifier needs at least "
                    + "one class and one input feature", e.getMessage());
        }
    }

    /**
     * For building a network, a class count is taken only when fc.weight holds that many rows of the width the
     * network's last stage gives, so the classifier built is never larger than the file's: a bias alone, or weights one
     * feature wide, would build 64 (CIFAR) or 2048 (resnet50) weights per class from 4 bytes.
     */
    @Test
    void aClassCountForBuildingNeedsWeightsOfTheNetworksWidth(@TempDir Path dir) throws IOException {
        Path seven = dir.resolve("seven.safetensors");
        StateDicts.save(ResNets.create("resnet20", ModelOptions.defaults(7).withSeed(2)), seven, Map.of());
        SafeTensorsFile file = WeightFiles.read(seven);
        assertEquals(OptionalInt.of(7), ModelWeights.classifierClasses(file, ResNets.architecture("resnet32")));
        assertEquals(OptionalInt.empty(), ModelWeights.classifierClasses(file, ResNets.architecture("resnet50")));

        Path narrow = dir.resolve("narrow.safetensors");
        SafeTensors.write(narrow, List.of(TensorEntry.ofFloats("fc.weight", new int[] {1000, 1}, new float[1000]),
                TensorEntry.ofFloats("fc.bias", new int[] {1000}, new float[1000])), Map.of());
        Path biasAlone = dir.resolve("bias.safetensors");
        SafeTensors.write(biasAlone, List.of(TensorEntry.ofFloats("fc.bias", new int[] {1000}, new float[1000])),
                Map.of());
        for (Path path : List.of(narrow, biasAlone)) {
            assertEquals(OptionalInt.of(1000), ModelWeights.classifierClasses(WeightFiles.read(path)), "as declared");
            assertEquals(OptionalInt.empty(),
                    ModelWeights.classifierClasses(WeightFiles.read(path), ResNets.architecture("resnet20")), "built");
        }
    }
}

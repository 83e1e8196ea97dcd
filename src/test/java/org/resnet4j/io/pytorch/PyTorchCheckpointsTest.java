package org.resnet4j.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.io.pytorch.PyTorchFixtures.assertSameTensors;
import static org.resnet4j.io.pytorch.PyTorchFixtures.expected;
import static org.resnet4j.io.pytorch.PyTorchFixtures.path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnet4j.io.DType;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;

/**
 * Checkpoints written by torch.save (src/test/python/make_pytorch_fixtures.py) give exactly PyTorch's tensors: every
 * element type, non-contiguous and shared views, both byte orders, nested training checkpoints, DataParallel
 * prefixes, pickle protocol 4 and nn.Parameter objects.
 */
class PyTorchCheckpointsTest {
    @TempDir
    Path dir;

    @Test
    void everyElementTypeIsReadExactlyAsSaved() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path("dtypes.pth"));

        assertSameTensors(expected("dtypes.safetensors").tensors(), file.tensors());
        assertEquals(DType.BF16, file.tensor("bf16").dtype());
        assertEquals(0, file.tensor("bn.num_batches_tracked").rank());
        assertEquals(42, file.longs("bn.num_batches_tracked")[0]);
        assertEquals(Map.of("format", "pytorch", "pytorch_format_version", "3", "byteorder", "little"),
                file.metadata());
    }

    @Test
    void aBigEndianArchiveInTheArchiveFolderGivesTheSameValues() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path("dtypes_big_endian.pth"));

        assertSameTensors(expected("dtypes.safetensors").tensors(), file.tensors());
        assertEquals("big", file.metadata().get("byteorder"));
    }

    @Test
    void stridedOffsetExpandedAndSharedViewsAreGatheredInRowMajorOrder() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path("views.pth"));

        assertSameTensors(expected("views.safetensors").tensors(), file.tensors());
        assertEquals(0, file.tensor("empty").elementCount());
    }

    /**
     * A training script's checkpoint: tiny_checkpoint.pth, and what pytorch/examples' ImageNet script saves, which
     * keeps best_acc1 as a tensor beside the epoch and the architecture's name. That one tensor made the top level pass
     * for the state dict, which then failed on 'epoch', an int.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny_checkpoint.pth", "tiny_examples_checkpoint.pth"})
    void aTrainingCheckpointsStateDictIsFoundUnderItsKeyAndItsPrefixStripped(String fixture) throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path(fixture),
                StateDictOptions.DEFAULTS.withStrippedPrefix("module."));

        assertSameTensors(expected("tiny.safetensors").tensors(), file.tensors());
        assertEquals("state_dict", file.metadata().get("state_dict_key"));
        assertEquals("module.", file.metadata().get("stripped_prefix"));
    }

    @Test
    void withoutStrippingTheDataParallelPrefixStays() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path("tiny_checkpoint.pth"));

        Map<String, TensorEntry> expected = expected("tiny.safetensors").tensors().values().stream()
                .collect(Collectors.toMap(e -> "module." + e.name(), e -> new TensorEntry("module." + e.name(),
                        e.dtype(), e.shape(), e.data())));
        assertSameTensors(expected, file.tensors());
    }

    @Test
    void aPrefixIsStrippedOnlyFromTheKeysThatHaveIt() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path("tiny_model_key.pth"),
                StateDictOptions.DEFAULTS.withStrippedPrefix("bn."));

        assertTrue(file.contains("running_mean"), file.tensors().keySet().toString());
        assertTrue(file.contains("conv.weight"));
        assertFalse(file.contains("bn.running_mean"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny_model_key.pth", "tiny_protocol4.pth"})
    void otherLayoutsOfTheSameStateDict(String fixture) throws IOException {
        assertSameTensors(expected("tiny.safetensors").tensors(), PyTorchCheckpoints.read(path(fixture)).tensors());
    }

    @Test
    void parametersSavedAsNnParameterReadAsTheirTensors() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path("tiny_parameters.pth"));

        Map<String, TensorEntry> parameters = expected("tiny.safetensors").tensors().entrySet().stream()
                .filter(e -> e.getKey().endsWith("weight") || e.getKey().endsWith("bias"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(5, parameters.size());
        assertSameTensors(parameters, file.tensors());
    }

    @Test
    void anExplicitKeyChoosesTheDictAndMustHoldOnlyTensors() throws IOException {
        SafeTensorsFile file = PyTorchCheckpoints.read(path("tiny_checkpoint.pth"),
                StateDictOptions.DEFAULTS.withKey("state_dict").withStrippedPrefix("module."));
        assertEquals(expected("tiny.safetensors").tensors().keySet(), file.tensors().keySet());

        var notTensors = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(
                path("tiny_checkpoint.pth"), StateDictOptions.DEFAULTS.withKey("optimizer")));
        assertTrue(notTensors.getMessage().contains("under 'optimizer' maps 'state' to a dict"), notTensors.getMessage());

        var missing = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(
                path("tiny_checkpoint.pth"), StateDictOptions.DEFAULTS.withKey("ema")));
        assertTrue(missing.getMessage().contains("no top-level key 'ema' (it has 'epoch', 'arch', 'state_dict'"),
                missing.getMessage());

        var notDict = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(
                path("tiny_checkpoint.pth"), StateDictOptions.DEFAULTS.withKey("epoch")));
        assertTrue(notDict.getMessage().contains("the value of key 'epoch' is a int, not a dict"), notDict.getMessage());
    }

    @Test
    void theLegacyFormatIsRefusedWithHowToResaveIt() {
        var e = assertThrows(PyTorchCheckpointException.class,
                () -> PyTorchCheckpoints.read(path("tiny_legacy.pth")));

        assertTrue(e.getMessage().contains("legacy torch.save file"), e.getMessage());
        assertTrue(e.getMessage().contains("_use_new_zipfile_serialization=True"), e.getMessage());
    }

    @Test
    void otherFilesAreNotCheckpoints() throws IOException {
        Path safetensors = path("tiny.safetensors");
        var e = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(safetensors));
        assertTrue(e.getMessage().startsWith(safetensors + ": not a torch.save checkpoint"), e.getMessage());

        Path empty = Files.write(dir.resolve("empty.pth"), new byte[0]);
        var emptyError = assertThrows(PyTorchCheckpointException.class, () -> PyTorchCheckpoints.read(empty));
        assertTrue(emptyError.getMessage().contains("it is empty"), emptyError.getMessage());
    }
}

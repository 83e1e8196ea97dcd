package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every fixture written by the Python scripts (an independent writer) passes the reader's checks. */
class SafeTensorsPythonFixturesTest {

    @Test
    void everyFixtureReads() throws Exception {
        URL root = getClass().getClassLoader().getResource("fixtures");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of(root.toURI()))) {
            files = walk.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertTrue(files.size() >= 18, "expected the kernel, model and io fixtures, found " + files);
        for (Path file : files) {
            SafeTensorsFile read = SafeTensors.read(file);
            assertTrue(read.metadataValue("generator").startsWith("src/test/python/make_"), file.toString());
            assertTrue(!read.tensors().isEmpty(), file.toString());
        }
    }

    @Test
    void resnet20WeightsHaveTorchvisionNamesAndThePapersParameterCount() throws Exception {
        SafeTensorsFile weights = SafeTensorsFixtures.load("fixtures/models/resnet20_weights.safetensors");
        long parameters = 0;
        int buffers = 0;
        for (TensorEntry entry : weights.tensors().values()) {
            String name = entry.name();
            if (name.endsWith("running_mean") || name.endsWith("running_var")) {
                buffers++;
            } else if (name.endsWith("num_batches_tracked")) {
                assertEquals(DType.I64, entry.dtype(), name);
                assertEquals(0, entry.rank(), name);
            } else {
                parameters += entry.elementCount();
            }
        }
        // 0.27M in He et al. 2016, Table 6: 269,722 with option-A shortcuts.
        assertEquals(269_722, parameters);
        assertEquals(2 * 19, buffers, "19 BatchNorm layers: the stem's and two per block");
        assertEquals(List.of(16L, 3L, 3L, 3L), toList(weights.tensor("conv1.weight").shape()));
        assertEquals(List.of(64L, 32L, 3L, 3L), toList(weights.tensor("layer3.0.conv1.weight").shape()));
        assertEquals(List.of(10L, 64L), toList(weights.tensor("fc.weight").shape()));
        assertTrue(weights.contains("layer3.2.bn2.running_var"));
    }

    private static List<Long> toList(long[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}

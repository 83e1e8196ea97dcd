package org.resnet4j.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipFile;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.SafeTensorsFixtures;
import org.resnet4j.io.TensorEntry;

/** The committed checkpoints of src/test/python/make_pytorch_fixtures.py (src/test/resources/fixtures/pytorch/). */
final class PyTorchFixtures {
    private PyTorchFixtures() {
    }

    /** The file of fixture {@code name} (the test classpath is a directory, so each resource is a file). */
    static Path path(String name) throws IOException {
        URL url = PyTorchFixtures.class.getClassLoader().getResource("fixtures/pytorch/" + name);
        if (url == null) {
            throw new IOException("test resource fixtures/pytorch/" + name + " is missing: see src/test/python/README.md");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** What the reader must give for a fixture: its .safetensors twin, written from PyTorch's contiguous tensors. */
    static SafeTensorsFile expected(String name) throws IOException {
        return SafeTensorsFixtures.load("fixtures/pytorch/" + name);
    }

    /** A zip entry's bytes, read without the code under test (to find offsets inside a fixture's pickle). */
    static byte[] entry(Path zip, String suffix) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            var entry = file.stream().filter(e -> e.getName().endsWith(suffix)).findFirst().orElseThrow();
            try (InputStream in = file.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    /** Same names in the same order, and per name the same element type, shape and bytes. */
    static void assertSameTensors(Map<String, TensorEntry> expected, Map<String, TensorEntry> actual) {
        assertEquals(expected.keySet().stream().sorted().toList(), actual.keySet().stream().sorted().toList());
        for (String name : expected.keySet()) {
            TensorEntry want = expected.get(name);
            TensorEntry got = actual.get(name);
            assertEquals(want.dtype(), got.dtype(), name);
            assertArrayEquals(want.shape(), got.shape(), name);
            assertArrayEquals(want.data(), got.data(), name + ": bytes");
        }
    }
}

package org.resnet4j.io;

import java.io.IOException;
import java.io.InputStream;

/** Loads safetensors fixtures from the test classpath (src/test/resources). */
public final class SafeTensorsFixtures {
    private SafeTensorsFixtures() {
    }

    /**
     * Reads {@code resource} (for example {@code "fixtures/kernels/linear.safetensors"}).
     *
     * @throws IOException naming the resource when it is missing (regenerate with the scripts in src/test/python)
     */
    public static SafeTensorsFile load(String resource) throws IOException {
        try (InputStream in = SafeTensorsFixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing: see src/test/python/README.md");
            }
            return SafeTensors.read(resource, in.readAllBytes());
        }
    }

    /** Class labels stored as I64, as PyTorch keeps them, narrowed to {@code int}. */
    public static int[] labels(SafeTensorsFile file) throws IOException {
        long[] values = file.longs("labels");
        int[] labels = new int[values.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Math.toIntExact(values[i]);
        }
        return labels;
    }
}

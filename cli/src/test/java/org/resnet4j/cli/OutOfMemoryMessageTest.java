package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.resnet4j.models.MemoryEstimate;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNets;

/** When the heap runs out: one line naming the network, the batch, the need and the fixes, never a trace. */
class OutOfMemoryMessageTest {
    private static final long GIB = 1L << 30;

    /**
     * The paper's ResNet-1202 at batch 128 in an 8 GiB heap: it needs 11.2 GiB (12.05 GB, as the issue measured), so
     * the line says so, what half the batch needs, and a heap of the need plus a gigabyte of headroom.
     */
    @Test
    void namesTheNetworkTheBatchTheNeedAndBothFixes() {
        Workload workload = new Workload(ResNets.architecture("resnet1202"), ModelOptions.defaults(10), 32, 128, true);

        String line = OutOfMemoryMessage.format(workload, workload.estimate(), 8 * GIB);

        assertEquals("out of memory: resnet1202 training at batch 128 (32x32 images) needs about 11.2 GiB of heap, "
                + "the JVM may use 8.0 GiB: use a smaller --batch (64 needs about 5.7 GiB), or give the JVM more heap "
                + "(JAVA_OPTS=-Xmx13g ./resnet4j ...)", line);
    }

    @Test
    void inferenceCountsTheInferenceNeed() {
        Workload workload = new Workload(ResNets.architecture("resnet20"), ModelOptions.defaults(10), 32, 500, false);
        MemoryEstimate estimate = workload.estimate();

        String line = OutOfMemoryMessage.format(workload, estimate, GIB / 4);

        assertTrue(line.startsWith("out of memory: resnet20 inference at batch 500 (32x32 images) needs about "
                + ByteSizes.of(estimate.inferenceBytes()) + " of heap, the JVM may use 256 MiB: use a smaller --batch "
                + "(250 needs about " + ByteSizes.of(estimate.withBatch(250).inferenceBytes()) + ")"), line);
    }

    @Test
    void withoutAnEstimateOrAWorkloadItStillSaysWhatToDo() {
        Workload workload = new Workload(ResNets.architecture("resnet152"), ModelOptions.defaults(1000), 224, 64, true);

        assertEquals("out of memory: resnet152 training at batch 64 (224x224 images), the JVM may use 1.0 GiB: use a "
                + "smaller --batch, or give the JVM more heap (JAVA_OPTS=-Xmx<size> ./resnet4j ...); 'summary --model "
                + "resnet152 --batch 64' states what a batch needs", OutOfMemoryMessage.format(workload, null, GIB));
        assertEquals("out of memory (the JVM may use 1.0 GiB): give the JVM more heap (JAVA_OPTS=-Xmx<size> "
                + "./resnet4j ...)", OutOfMemoryMessage.format(null, null, GIB));
    }

    /** The real thing, in a JVM of 128 MiB: bench at a batch of 4,096 ResNet-20 images (about 7 GiB) cannot run. */
    @Test
    void aCommandThatRunsOutOfHeapEndsWithTheLineAndStatus1() throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx128m", "-XX:+UseSerialGC", "-cp", classpath,
                Main.class.getName(), "bench", "--model", "resnet20", "--mode", "train", "--batch", "4096",
                "--seconds", "1", "--threads", "1").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "bench did not end");

        assertEquals(1, process.exitValue(), err);
        List<String> errors = err.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), err);
        assertTrue(errors.get(0).startsWith("error: out of memory: resnet20 training at batch 4096 (32x32 images) "
                + "needs about "), errors.get(0));
        assertTrue(errors.get(0).contains("use a smaller --batch (2048 needs about ")
                && errors.get(0).contains("JAVA_OPTS=-Xmx"), errors.get(0));
        assertFalse(err.contains("OutOfMemoryError") || err.contains("\tat "), "no trace: " + err);
    }
}

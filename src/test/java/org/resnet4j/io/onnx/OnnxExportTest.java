package org.resnet4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/** The file is written whole or not at all, and holds exactly the bytes the stream variant writes. */
class OnnxExportTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * An export cancelled mid-write (the thread interrupted: the file channel closes at its next write, after the
     * temporary file was created) keeps the old file as it was and leaves no temporary file.
     */
    @Test
    void aCancelledExportLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        ResNet model = ResNets.resnet20(10);
        Path target = dir.resolve("model.onnx");
        Files.writeString(target, "the previous export");

        Thread.currentThread().interrupt();
        try {
            assertThrows(ClosedByInterruptException.class,
                    () -> OnnxExport.write(model, OnnxInput.dynamicBatch(32), target));
        } finally {
            Thread.interrupted();
        }

        assertEquals("the previous export", Files.readString(target));
        assertEquals(List.of("model.onnx"), listing());

        Files.delete(target);
        Thread.currentThread().interrupt();
        try {
            assertThrows(ClosedByInterruptException.class,
                    () -> OnnxExport.write(model, OnnxInput.dynamicBatch(32), target));
        } finally {
            Thread.interrupted();
        }
        assertEquals(List.of(), listing(), "no file at all, not a part of one");
    }

    @Test
    void theFileHoldsTheStreamsBytesAndTheSummaryCountsThem() throws IOException {
        ResNet model = ResNets.create("plain20");
        Path target = dir.resolve("plain20.onnx");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();

        OnnxExport.Summary toFile = OnnxExport.write(model, OnnxInput.fixedBatch(4, 32), target);
        OnnxExport.Summary toStream = OnnxExport.write(model, OnnxInput.fixedBatch(4, 32), stream);

        assertEquals(toFile, toStream);
        assertEquals(Files.size(target), toFile.bytes());
        assertArrayEquals(stream.toByteArray(), Files.readAllBytes(target));
        // 19 x (Conv, BatchNormalization, Relu), then GlobalAveragePool, Flatten, Gemm; 19 x 5 tensors + fc's 2.
        assertEquals(new OnnxExport.Summary(60, 97, toFile.bytes()), toFile);
    }

    @Test
    void badInputShapesAreRefused() {
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> OnnxInput.fixedBatch(0, 32));
        assertTrue(batch.getMessage().contains("batch must be >= 1, got 0"), batch.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> OnnxInput.dynamicBatch(0));
        assertTrue(size.getMessage().contains("image size must be >= 1, got 0"), size.getMessage());
        assertFalse(OnnxInput.dynamicBatch(32).batch().isPresent());
    }
}

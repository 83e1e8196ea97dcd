package org.resnet4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's fuzz execution runs the tests tagged {@code fuzz} (a {@code -Dtest} selection replaces its includes,
 * so the tag is what keeps other tests out of its small heap): a fuzz target without the tag would never be fuzzed.
 */
class FuzzTargetsAreTaggedTest {
    private static final Pattern FUZZ_TARGET = Pattern.compile("(?m)^\\s*@FuzzTest\\b");
    private static final Pattern FUZZ_TAG = Pattern.compile("(?m)^@Tag\\(\"fuzz\"\\)$");

    @Test
    void everyFuzzTargetCarriesTheFuzzTag() throws IOException {
        Path sources = Path.of(System.getProperty("basedir", ".")).resolve("src/test/java");
        assertTrue(Files.isDirectory(sources), "no test sources at " + sources.toAbsolutePath());
        List<Path> targets;
        try (Stream<Path> files = Files.walk(sources)) {
            targets = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> FUZZ_TARGET.matcher(read(f)).find()).toList();
        }
        List<Path> untagged = targets.stream().filter(f -> !FUZZ_TAG.matcher(read(f)).find()).toList();
        assertTrue(targets.size() >= 7, "found only " + targets + " under " + sources);
        assertEquals(List.of(), untagged, "fuzz targets without @Tag(\"fuzz\"), which the fuzz execution skips");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

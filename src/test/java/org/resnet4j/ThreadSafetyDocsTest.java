package org.resnet4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's rule for public types: the class comment says whether the type is safe to share between threads.
 * Checked from the sources of the library and of the spark and cli modules beside it, so a new public type without
 * that sentence fails the build, naming its file.
 */
class ThreadSafetyDocsTest {
    /**
     * The library's sources and its sibling modules'. Surefire names the library's directory (the repository's root)
     * in {@code basedir}.
     */
    private static final Path ROOT = Path.of(System.getProperty("basedir", "."));
    private static final List<Path> SOURCES = List.of(ROOT.resolve("src/main/java"),
            ROOT.resolve("spark/src/main/java"), ROOT.resolve("cli/src/main/java"));
    /** A top-level public type: declared at the start of a line, whatever modifiers follow {@code public}. */
    private static final Pattern DECLARATION = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|strictfp|static)\\s+)*(?:class|interface|enum|record"
                    + "|@interface)\\s", Pattern.MULTILINE);
    /** Annotations (with arguments, over several lines too) between the comment and the declaration. */
    private static final Pattern ANNOTATIONS = Pattern.compile("@[\\w.]+(?:\\s*\\([^)]*\\))?");

    @Test
    void everyPublicTypeSaysWhetherItIsSafeToShareBetweenThreads() throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        for (Path sources : SOURCES) {
            assertTrue(Files.isDirectory(sources), sources.toAbsolutePath() + " is missing: the test reads the sources "
                    + "of the library and its modules from the repository's root (system property basedir, else the "
                    + "working directory)");
            try (Stream<Path> walk = Files.walk(sources)) {
                files.addAll(walk.filter(f -> f.toString().endsWith(".java")).sorted().toList());
            }
        }
        int publicTypes = 0;
        StringBuilder missing = new StringBuilder();
        for (Path file : files) {
            String source = Files.readString(file, StandardCharsets.UTF_8);
            Matcher declaration = DECLARATION.matcher(source);
            if (!declaration.find()) {
                continue; // package-info, or a package-private type
            }
            publicTypes++;
            String comment = classComment(source.substring(0, declaration.start()));
            if (comment == null || !comment.toLowerCase(Locale.ROOT).contains("thread")) {
                missing.append("\n  ").append(file);
            }
        }
        assertTrue(publicTypes > 100, "only " + publicTypes + " public types found under " + SOURCES);
        if (!missing.isEmpty()) {
            fail("the class comment of each public type says whether it is safe to share between threads; these do "
                    + "not mention threads:" + missing);
        }
    }

    /** The last Javadoc comment before the declaration, if only annotations stand between them; else null. */
    private static String classComment(String beforeDeclaration) {
        int start = beforeDeclaration.lastIndexOf("/**");
        int end = start < 0 ? -1 : beforeDeclaration.indexOf("*/", start);
        if (end < 0) {
            return null;
        }
        String between = ANNOTATIONS.matcher(beforeDeclaration.substring(end + 2)).replaceAll("");
        return between.isBlank() ? beforeDeclaration.substring(start, end) : null;
    }
}

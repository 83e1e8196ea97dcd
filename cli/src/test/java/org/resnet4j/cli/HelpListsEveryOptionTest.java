package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every option a command reads is in its {@code --help}: the commands' sources (the tests run in the project root) are
 * scanned for the names they ask {@link Arguments} for, so an option added without a usage line fails here (train's {@code --normalization} and
 * {@code --momentum}, eval's {@code --batch}, the shared model options were once read but never shown).
 */
class HelpListsEveryOptionTest {
    private static final Path SOURCES = Path.of("cli", "src", "main", "java", "org", "resnet4j", "cli");
    private static final Pattern COMMAND = Pattern.compile("Arguments\\.parse\\(\"([a-z0-9]+)\"");
    private static final Pattern OPTION = Pattern.compile(
            "args\\.(?:string|required|all|integer|decimal|longValue|flag|path|has)\\(\"([a-z0-9-]+)\"");
    private static final Pattern SWITCHES = Pattern.compile("Arguments\\.parse\\([^;]*?Set\\.of\\(([^)]*)\\)",
            Pattern.DOTALL);

    @Test
    void everyOptionACommandReadsIsInItsHelp() throws IOException {
        Set<String> modelOptions = options(Files.readString(SOURCES.resolve("ModelArguments.java")));
        Set<String> cropOptions = options(Files.readString(SOURCES.resolve("ImageCrop.java")));
        List<String> missing = new ArrayList<>();
        int commands = 0;
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("Command.java")).sorted().toList()) {
                String source = Files.readString(file);
                Matcher command = COMMAND.matcher(source);
                if (!command.find()) {
                    continue;
                }
                commands++;
                String name = command.group(1);
                String help = Main.commandUsage(name);
                assertNotNull(help, name + " has no usage lines");
                Set<String> read = options(source);
                boolean buildsModel = source.contains("ModelArguments.parse");
                assertEquals(buildsModel, Main.MODEL_BUILDING_COMMANDS.contains(name),
                        name + ": MODEL_BUILDING_COMMANDS must list exactly the commands that use ModelArguments");
                if (buildsModel) {
                    read.addAll(modelOptions);
                }
                if (source.contains("ImageCrop.Options.parse")) {
                    read.addAll(cropOptions);
                }
                if (source.contains("ExifOption.decoder(") || source.contains("ExifOption.parse(")) {
                    read.add(ExifOption.NAME);
                }
                for (String option : read) {
                    if (!Pattern.compile("--" + Pattern.quote(option) + "(?![a-z0-9-])").matcher(help).find()) {
                        missing.add(name + " --" + option);
                    }
                }
            }
        }
        assertTrue(commands >= 12, "found only " + commands + " commands under " + SOURCES.toAbsolutePath());
        assertTrue(missing.isEmpty(), "read but not in --help: " + missing);
    }

    @Test
    void trainAndFinetuneDoNotOfferTheSharedModelOptions() {
        assertFalse(Main.commandUsage("train").contains("--shortcut"));
        assertFalse(Main.commandUsage("finetune").contains("--init-seed"));
        assertTrue(Main.commandUsage("eval").contains("--init-seed"));
        assertTrue(Main.commandUsage("train").endsWith("plain56 plain110\n"), Main.commandUsage("train"));
    }

    /** The option names {@code source} asks for, including the switches named in its Arguments.parse call. */
    private static Set<String> options(String source) {
        Set<String> names = new TreeSet<>();
        Matcher option = OPTION.matcher(source);
        while (option.find()) {
            names.add(option.group(1));
        }
        Matcher switches = SWITCHES.matcher(source);
        while (switches.find()) {
            Matcher quoted = Pattern.compile("\"([a-z0-9-]+)\"").matcher(switches.group(1));
            while (quoted.find()) {
                names.add(quoted.group(1));
            }
        }
        return names;
    }
}

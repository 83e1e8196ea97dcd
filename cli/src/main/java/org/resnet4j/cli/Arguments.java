package org.resnet4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options and {@code --flag} switches of one command. Unknown options are errors, so a typo
 * never silently falls back to a default.
 */
final class Arguments {
    /**
     * The most {@code --threads} a command takes: far more than any machine has cores, and below the 32767 at which a
     * {@link java.util.concurrent.ForkJoinPool} (the kernels' and the image decoders') throws without a message.
     */
    static final int MAX_THREADS = 4096;
    /**
     * The largest {@code --image-size} (and {@code --resize}): 3 x 4096 x 4096 bytes of one image stay far inside an
     * int, which a side above 26754 overflows; a batch too large for one array is refused with its shape named.
     */
    static final int MAX_IMAGE_SIZE = 4096;

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, List<String>> repeated = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();

    private Arguments(String command) {
        this.command = command;
    }

    /**
     * @param switches option names that take no value
     */
    static Arguments parse(String command, String[] args, int from, Set<String> switches) {
        return parse(command, args, from, switches, Set.of());
    }

    /**
     * @param switches   option names that take no value
     * @param repeatable option names that may be given several times ({@code --image a.jpg --image b.jpg}) or with
     *                   several values ({@code --image a.jpg b.jpg}, as a shell glob expands), read with {@link #all}
     */
    static Arguments parse(String command, String[] args, int from, Set<String> switches, Set<String> repeatable) {
        Arguments parsed = new Arguments(command);
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command + ": unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (switches.contains(name)) {
                value = "true";
            } else {
                if (i + 1 >= args.length) {
                    throw new UsageException(command + ": option --" + name + " needs a value");
                }
                // No option takes a value that starts with "--": one that does is the next option, left without its
                // value by mistake (or a switch this command does not know), never something to swallow silently.
                if (args[i + 1].startsWith("--")) {
                    throw new UsageException(command + ": --" + name + " needs a value, got option " + args[i + 1]);
                }
                value = args[++i];
            }
            if (repeatable.contains(name)) {
                List<String> all = parsed.repeated.computeIfAbsent(name, n -> new ArrayList<>());
                all.add(value);
                // The arguments up to the next option are more values: a shell glob (--image photos/*.jpg) works.
                while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    all.add(args[++i]);
                }
                parsed.values.putIfAbsent(name, value);
            } else if (parsed.values.put(name, value) != null) {
                throw new UsageException(command + ": option --" + name + " given twice");
            }
        }
        return parsed;
    }

    String string(String name, String fallback) {
        used.add(name);
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        used.add(name);
        String value = values.get(name);
        if (value == null) {
            throw new UsageException(command + ": option --" + name + " is required");
        }
        return value;
    }

    /** Every value of a repeatable option, in the order given; at least one. */
    List<String> all(String name) {
        required(name);
        return List.copyOf(repeated.getOrDefault(name, List.of(values.get(name))));
    }

    boolean has(String name) {
        used.add(name);
        return values.containsKey(name);
    }

    /** A switch: absent, given alone, or given as {@code --name=true} or {@code --name=false} (any case). */
    boolean flag(String name) {
        used.add(name);
        String value = values.get(name);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        // --overwrite=no must not mean yes: only the two words are read.
        throw new UsageException(command + ": --" + name + " is a switch: give it alone, or as --" + name
                + "=true or --" + name + "=false, got '" + value + "'");
    }

    Path path(String name) {
        return Path.of(required(name));
    }

    int integer(String name, int fallback, int min) {
        return integer(name, fallback, min, Integer.MAX_VALUE);
    }

    int integer(String name, int fallback, int min, int max) {
        long parsed = longValue(name, fallback, min);
        if (parsed > max) {
            throw new UsageException(command + ": --" + name + " must be at most " + max + ", got " + parsed);
        }
        return (int) parsed;
    }

    long longValue(String name, long fallback, long min) {
        used.add(name);
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a whole number, got '" + value + "'");
        }
        if (parsed < min) {
            throw new UsageException(command + ": --" + name + " must be >= " + min + ", got " + value);
        }
        return parsed;
    }

    double decimal(String name, double fallback) {
        used.add(name);
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (!Double.isFinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got '" + value + "'");
        }
    }

    /**
     * Fails on any option the command did not read, suggesting the nearest one it did when a typo explains it. Call
     * after reading every option.
     */
    void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) {
                String nearest = nearest(name);
                throw new UsageException(command + ": unknown option --" + name
                        + (nearest == null ? "" : " (did you mean --" + nearest + "?)"));
            }
        }
    }

    /** The option this command knows that is at most two edits from {@code name} (the closest), or null. */
    private String nearest(String name) {
        String best = null;
        int bestDistance = 3;
        for (String known : used.stream().sorted().toList()) {
            int distance = editDistance(name, known);
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein distance, with a swap of two neighbours counted as one edit (--modle for --model). */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int substitution = d[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                d[i][j] = Math.min(substitution, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

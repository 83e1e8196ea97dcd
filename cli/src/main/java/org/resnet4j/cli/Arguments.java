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
     * @param repeatable option names that may be given several times ({@code --image a.jpg --image b.jpg}), read with
     *                   {@link #all}
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
                value = args[++i];
            }
            if (repeatable.contains(name)) {
                parsed.repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
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

    boolean flag(String name) {
        used.add(name);
        String value = values.get(name);
        return value != null && !value.equals("false");
    }

    Path path(String name) {
        return Path.of(required(name));
    }

    int integer(String name, int fallback, int min) {
        long parsed = longValue(name, fallback, min);
        if (parsed > Integer.MAX_VALUE) {
            throw new UsageException(command + ": --" + name + " must be at most " + Integer.MAX_VALUE + ", got "
                    + parsed);
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

    /** Fails on any option the command did not read. Call after reading every option. */
    void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) {
                throw new UsageException(command + ": unknown option --" + name);
            }
        }
    }
}

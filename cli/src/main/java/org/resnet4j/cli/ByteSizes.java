package org.resnet4j.cli;

import java.util.Locale;

/** Byte counts as people read them, in the binary units the JVM's {@code -Xmx} takes ({@code 1g} is 1 GiB). */
final class ByteSizes {
    private static final double MIB = 1L << 20;
    private static final double GIB = 1L << 30;

    private ByteSizes() {
    }

    /** {@code 11.2 GiB}, {@code 640 MiB}, {@code 0.1 MiB}: one decimal from 1 GiB up, whole MiB below (else one decimal). */
    static String of(long bytes) {
        if (bytes >= GIB) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
        }
        return bytes >= MIB ? String.format(Locale.ROOT, "%.0f MiB", bytes / MIB)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }

    /** The {@code -Xmx} value of whole GiB at or above {@code bytes}, e.g. {@code 12g}. */
    static String heapOption(long bytes) {
        return "-Xmx" + (long) Math.ceil(bytes / GIB) + "g";
    }
}

package org.resnet4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version, from a resource the build writes ({@code org/resnet4j/cli/version.properties}). */
final class Version {
    private Version() {
    }

    static String current() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown (no version resource: not built by Maven)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}

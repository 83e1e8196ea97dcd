package org.resnet4j.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.resnet4j.data.Utf8Files;
import org.resnet4j.io.AtomicFiles;

/**
 * The run's evaluation rows, kept as {@code metrics.csv} and drawn as {@code curves.png} in the run directory.
 *
 * <p>Not safe to share between threads: the training loop's thread adds the rows and rewrites the files;
 * {@link #rows()} returns a copy.
 */
public final class MetricsLog {
    public static final String CSV = "metrics.csv";
    public static final String PNG = "curves.png";

    private final Path directory;
    private final String title;
    private final List<MetricsRow> rows = new ArrayList<>();

    /** A row is about 100 bytes: this holds millions of evaluations, and a file past it is not this log. */
    static final int MAX_CSV_BYTES = 1 << 28;

    public MetricsLog(Path directory, String title) {
        this.directory = directory;
        this.title = title;
    }

    /** Reads the rows an earlier run wrote, keeping those up to {@code lastIteration} (a resume drops later ones). */
    public void reload(long lastIteration) throws IOException {
        rows.clear();
        Path csv = directory.resolve(CSV);
        if (!Files.exists(csv)) {
            return;
        }
        // Strict UTF-8, so that a damaged file fails naming itself and the offset, not with "Input length = 1".
        List<String> lines = Utf8Files.read(csv, MAX_CSV_BYTES, "the metrics of one run").lines().toList();
        boolean dropped = false;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                MetricsRow row = MetricsRow.parse(lines.get(i));
                if (row.iteration() <= lastIteration) {
                    rows.add(row);
                } else {
                    dropped = true;
                }
            } catch (RuntimeException e) {
                throw new IOException(csv + ": line " + (i + 1) + " is not a metrics row: " + e.getMessage(), e);
            }
        }
        if (dropped) {
            // Rows past the checkpoint belong to steps the resumed run repeats: the files drop them now, not at the
            // next evaluation (which might never come at the same iterations if the evaluation interval changed).
            write();
        }
    }

    /** Adds a row and rewrites both files atomically. */
    public void add(MetricsRow row) throws IOException {
        rows.add(row);
        write();
    }

    private void write() throws IOException {
        StringBuilder text = new StringBuilder(MetricsRow.HEADER).append('\n');
        rows.forEach(r -> text.append(r.csv()).append('\n'));
        AtomicFiles.write(directory.resolve(CSV), out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
        CurvePlot.write(rows, title, directory.resolve(PNG));
    }

    public List<MetricsRow> rows() {
        return List.copyOf(rows);
    }
}

package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv and curves.png: written on every row, reloaded on resume, drawn even without validation. */
class MetricsLogTest {
    @TempDir
    Path dir;

    private static MetricsRow row(long iteration, double trainError, double validationError) {
        return new MetricsRow(iteration, (int) (iteration / 100), 0.1, 2 * trainError, trainError,
                Double.isNaN(validationError) ? Double.NaN : 2 * validationError, validationError, 850.5, iteration);
    }

    @Test
    void rowsAreWrittenAsCsvWithTheHeaderAndReloadedUpToTheResumePoint() throws IOException {
        MetricsLog log = new MetricsLog(dir, "test");
        List<MetricsRow> rows = List.of(row(100, 0.5, 0.55), row(200, 0.4, Double.NaN), row(300, 0.3, 0.35));
        for (MetricsRow r : rows) {
            log.add(r);
        }
        List<String> lines = Files.readAllLines(dir.resolve(MetricsLog.CSV), StandardCharsets.UTF_8);
        assertEquals(4, lines.size());
        assertEquals(MetricsRow.HEADER, lines.get(0));
        assertEquals("200,2,0.1,0.8,0.4,,,850.5,200.0", lines.get(2), "no NaN in the file: empty fields");

        MetricsLog resumed = new MetricsLog(dir, "test");
        resumed.reload(250);

        assertEquals(rows.subList(0, 2), resumed.rows(), "a resume at 250 drops the row of 300");
        List<String> rewritten = Files.readAllLines(dir.resolve(MetricsLog.CSV), StandardCharsets.UTF_8);
        assertEquals(lines.subList(0, 3), rewritten, "... from the file too, at once");
        new MetricsLog(dir, "test").reload(50);
        assertEquals(List.of(MetricsRow.HEADER), Files.readAllLines(dir.resolve(MetricsLog.CSV)), "a resume before "
                + "the first row keeps the header alone");
    }

    /** Files written before empty fields said "NaN" where a run had no validation: they still resume. */
    @Test
    void nanFieldsOfEarlierFilesReadAsUnmeasured() throws IOException {
        Files.writeString(dir.resolve(MetricsLog.CSV), MetricsRow.HEADER + "\n1000,2,0.1,1.25,0.456,NaN,NaN,561.1,246.7\n");

        MetricsLog log = new MetricsLog(dir, "test");
        log.reload(1000);

        assertEquals(1, log.rows().size());
        assertFalse(log.rows().get(0).validated());
        assertEquals(0.456, log.rows().get(0).trainError());
    }

    /** One evaluation is enough to see something: a single row draws a point, not an empty frame. */
    @Test
    void aSingleRowIsDrawn() throws IOException {
        Path one = dir.resolve("one.png");
        Path none = dir.resolve("none.png");
        CurvePlot.write(List.of(row(200, 0.4, Double.NaN)), "test", one);
        CurvePlot.write(List.of(row(200, Double.NaN, Double.NaN)), "test", none);
        // Same frame, axes and legend; only the measured point differs.
        assertTrue(redPixels(one) > redPixels(none) + 15, redPixels(one) + " vs " + redPixels(none));
    }

    private static long redPixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        long red = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 0xFF) > 150 && ((rgb >> 8) & 0xFF) < 120 && (rgb & 0xFF) < 100) {
                    red++;
                }
            }
        }
        return red;
    }

    @Test
    void aDamagedCsvIsReportedWithItsLine() throws IOException {
        Files.writeString(dir.resolve(MetricsLog.CSV), MetricsRow.HEADER + "\n100,1,0.1,2\n");

        IOException e = assertThrows(IOException.class, () -> new MetricsLog(dir, "test").reload(1000));

        assertTrue(e.getMessage().contains("line 2 is not a metrics row"), e.getMessage());
    }

    @Test
    void aCsvThatIsNotUtf8IsReportedWithItsFileAndOffset() throws IOException {
        byte[] header = (MetricsRow.HEADER + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] damaged = Arrays.copyOf(header, header.length + 1);
        damaged[header.length] = (byte) 0xff;
        Files.write(dir.resolve(MetricsLog.CSV), damaged);

        IOException e = assertThrows(IOException.class, () -> new MetricsLog(dir, "test").reload(1000));

        assertTrue(e.getMessage().contains(dir.resolve(MetricsLog.CSV) + "): not UTF-8 text: byte 0xff at byte offset "
                + header.length), e.getMessage());
    }

    /** With no validation set every validation error is NaN; the training curve must still be drawn and scaled. */
    @Test
    void theTrainingCurveIsDrawnWhenThereIsNoValidation() throws IOException {
        List<MetricsRow> rows = List.of(row(100, 0.6, Double.NaN), row(200, 0.5, Double.NaN),
                row(300, 0.4, Double.NaN), row(400, 0.3, Double.NaN), row(500, 0.2, Double.NaN));

        BufferedImage image = CurvePlot.render(rows, "no validation");

        // The curve spans x from 20 % to 100 % of the plot; the legend's sample lines sit at its top right.
        assertTrue(curvePixels(image, 0.25, 0.6) > 50, "the training curve is missing");
        CurvePlot.write(rows, "no validation", dir.resolve(MetricsLog.PNG));
        assertNotNull(ImageIO.read(dir.resolve(MetricsLog.PNG).toFile()));
    }

    @Test
    void bothCurvesAreDrawnWithValidation() {
        List<MetricsRow> rows = List.of(row(100, 0.6, 0.65), row(200, 0.5, 0.55), row(300, 0.4, 0.45));

        assertTrue(curvePixels(CurvePlot.render(rows, "t"), 0.4, 0.6) > 50);
    }

    @Test
    void axisStepsAreRoundAndCoverTheSpan() {
        assertEquals(10_000, CurvePlot.roundStep(64_000, 8));
        assertEquals(5_000, CurvePlot.roundStep(20_500, 8));
        assertEquals(1, CurvePlot.roundStep(3, 8));
        assertEquals(5, CurvePlot.roundStep(30, 6));
        assertEquals(20, CurvePlot.roundStep(100, 6));
        assertEquals("0", CurvePlot.iterationLabel(0));
        assertEquals("500", CurvePlot.iterationLabel(500));
        assertEquals("2.5k", CurvePlot.iterationLabel(2500));
        assertEquals("32k", CurvePlot.iterationLabel(32_000));
    }

    /** The error axis follows the latest errors (twice the larger, at least the paper's 20 %), not the first ones. */
    @Test
    void theErrorAxisFollowsTheLatestErrors() {
        assertEquals(30, CurvePlot.errorAxisTop(List.of(row(100, 0.6, 0.65), row(200, 0.09, 0.14))));
        assertEquals(20, CurvePlot.errorAxisTop(List.of(row(100, 0.6, 0.65), row(200, 0.01, 0.08))));
        assertEquals(100, CurvePlot.errorAxisTop(List.of(row(100, 0.9, 0.9))));
        assertEquals(25, CurvePlot.errorAxisTop(List.of(row(100, 0.12, Double.NaN))), "NaN validation is ignored");
        assertEquals(20, CurvePlot.errorAxisTop(List.of()));
    }

    /** Reddish pixels (the curves' colour, 200/60/40) in the plot area between the given fractions of its width. */
    private static int curvePixels(BufferedImage image, double fromFraction, double toFraction) {
        int left = 80;
        int plotWidth = image.getWidth() - 80 - 30;
        int count = 0;
        for (int x = left + (int) (plotWidth * fromFraction); x < left + (int) (plotWidth * toFraction); x++) {
            for (int y = 50; y < image.getHeight() - 70; y++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (r > 150 && g < 140 && b < 130) {
                    count++;
                }
            }
        }
        return count;
    }
}

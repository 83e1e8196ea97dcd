package org.resnet4j.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.resnet4j.io.AtomicFiles;

/**
 * Training and validation error against iterations, in the style of the paper's Figure 6 (dashed: training error,
 * bold: validation error), drawn with the JDK's own imaging. Like the figure, the error axis is scaled to where the run
 * is now, not to its first minutes: it reaches twice the latest error (at least 20 %), and the early, higher errors
 * run along the top edge.
 *
 * <p>Holds no state: safe to call from several threads at once, on different target files.
 */
public final class CurvePlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    private CurvePlot() {
    }

    /** Renders {@code rows} to a PNG image at {@code target}, written atomically. */
    public static void write(List<MetricsRow> rows, String title, Path target) throws IOException {
        BufferedImage image = render(rows, title);
        AtomicFiles.write(target, out -> ImageIO.write(image, "png", out));
    }

    static BufferedImage render(List<MetricsRow> rows, String title) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            // Both axes end on a labelled round value.
            long lastIteration = Math.max(1, rows.stream().mapToLong(MetricsRow::iteration).max().orElse(1));
            long iterationStep = (long) roundStep(lastIteration, 8);
            long maxIteration = (lastIteration + iterationStep - 1) / iterationStep * iterationStep;
            double wantedTop = errorAxisTop(rows);
            double errorStep = roundStep(wantedTop, 6);
            double top = Math.ceil(wantedTop / errorStep) * errorStep;
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            for (double value = 0; value <= top + 1e-9; value += errorStep) {
                int y = TOP + plotH - (int) Math.round(plotH * value / top);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format("%.0f", value), LEFT - 35, y + 5);
            }
            for (long it = 0; it <= maxIteration; it += iterationStep) {
                int x = LEFT + (int) Math.round(plotW * (it / (double) maxIteration));
                g.setColor(new Color(225, 225, 225));
                g.drawLine(x, TOP, x, TOP + plotH);
                g.setColor(Color.DARK_GRAY);
                g.drawString(iterationLabel(it), x - 12, TOP + plotH + 20);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            g.drawString("iterations", LEFT + plotW / 2 - 30, HEIGHT - 25);
            g.rotate(-Math.PI / 2);
            g.drawString("error (%)", -(TOP + plotH / 2 + 30), 25);
            g.rotate(Math.PI / 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, LEFT, 30);

            Color color = new Color(200, 60, 40);
            curve(g, rows, MetricsRow::trainError, maxIteration, top, plotW, plotH, color,
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
            boolean validated = rows.stream().anyMatch(MetricsRow::validated);
            if (validated) {
                curve(g, rows, MetricsRow::validationError, maxIteration, top, plotW, plotH, color,
                        new BasicStroke(3f));
            }

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            int lx = LEFT + plotW - 170;
            g.setColor(color);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
            g.drawLine(lx, TOP + 20, lx + 30, TOP + 20);
            g.setStroke(new BasicStroke(3f));
            if (validated) {
                g.drawLine(lx, TOP + 40, lx + 30, TOP + 40);
            }
            g.setColor(Color.BLACK);
            g.drawString("training error", lx + 38, TOP + 25);
            if (validated) {
                g.drawString("validation error", lx + 38, TOP + 45);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The error axis' top in percent: twice the latest finite error, at least 20 (the paper's Figure 6 shows 0-20 %),
     * rounded up to a multiple of 5 and at most 100.
     */
    static double errorAxisTop(List<MetricsRow> rows) {
        if (rows.isEmpty()) {
            return 20;
        }
        MetricsRow last = rows.getLast();
        // Without a validation set its error is NaN, which Math.max would spread to the whole axis.
        double latest = Double.isFinite(last.validationError())
                ? Math.max(last.trainError(), last.validationError()) : last.trainError();
        return Double.isFinite(latest) ? Math.min(100, Math.max(20, Math.ceil(latest * 200 / 5) * 5)) : 100;
    }

    /** The smallest of 1, 2, 5, 10, 20, 50, ... that cuts {@code span} into at most {@code maxSteps} steps. */
    static double roundStep(double span, int maxSteps) {
        for (double decade = 1; ; decade *= 10) {
            for (int multiple : new int[] {1, 2, 5}) {
                if (span / (multiple * decade) <= maxSteps) {
                    return multiple * decade;
                }
            }
        }
    }

    /** 500, 2k, 2.5k, 32k: iterations as the paper's axes count them, in thousands from 1,000 on. */
    static String iterationLabel(long iteration) {
        if (iteration < 1000) {
            return Long.toString(iteration);
        }
        return iteration % 1000 == 0 ? iteration / 1000 + "k" : String.format("%.1fk", iteration / 1000.0);
    }

    private static void curve(Graphics2D g, List<MetricsRow> rows, ToDoubleFunction<MetricsRow> error,
                              long maxIteration, double top, int plotW, int plotH, Color color, BasicStroke stroke) {
        List<Point2D> points = new ErrorCurve(LEFT, TOP, plotW, plotH, maxIteration, top).points(rows, error);
        g.setColor(color);
        g.setStroke(stroke);
        g.draw(ErrorCurve.line(points));
        // A dot per evaluation, so the first evaluations show before there is a line to draw.
        for (Point2D p : points) {
            g.fill(new Ellipse2D.Double(p.getX() - 3, p.getY() - 3, 6, 6));
        }
    }
}

package org.resnet4j.train;

import java.awt.BasicStroke;
import org.resnet4j.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import javax.imageio.ImageIO;

/**
 * Training and validation error against iterations, in the style of the paper's Figure 6 (dashed: training error,
 * bold: validation error), drawn with the JDK's own imaging.
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

            long maxIteration = Math.max(1, rows.stream().mapToLong(MetricsRow::iteration).max().orElse(1));
            // Without a validation set its errors are NaN, which Math.max would spread to the whole axis.
            double maxError = rows.stream().flatMapToDouble(r -> DoubleStream.of(r.trainError(), r.validationError()))
                    .filter(Double::isFinite).max().orElse(0.2) * 100;
            double top = Math.min(100, Math.max(5, Math.ceil(maxError / 5) * 5));
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            for (int i = 0; i <= 5; i++) {
                double value = top * i / 5;
                int y = TOP + plotH - (int) Math.round(plotH * i / 5.0);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format("%.0f", value), LEFT - 35, y + 5);
            }
            for (int i = 0; i <= 4; i++) {
                long it = maxIteration * i / 4;
                int x = LEFT + (int) Math.round(plotW * i / 4.0);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(x, TOP, x, TOP + plotH);
                g.setColor(Color.DARK_GRAY);
                g.drawString(it >= 1000 ? String.format("%.1fk", it / 1000.0) : Long.toString(it), x - 15,
                        TOP + plotH + 20);
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
            curve(g, rows, MetricsRow::validationError, maxIteration, top, plotW, plotH, color, new BasicStroke(3f));

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            int lx = LEFT + plotW - 170;
            g.setColor(color);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f));
            g.drawLine(lx, TOP + 20, lx + 30, TOP + 20);
            g.setStroke(new BasicStroke(3f));
            g.drawLine(lx, TOP + 40, lx + 30, TOP + 40);
            g.setColor(Color.BLACK);
            g.drawString("training error", lx + 38, TOP + 25);
            g.drawString("validation error", lx + 38, TOP + 45);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void curve(Graphics2D g, List<MetricsRow> rows, ToDoubleFunction<MetricsRow> error,
                              long maxIteration, double top, int plotW, int plotH, Color color, BasicStroke stroke) {
        Path2D.Double path = new Path2D.Double();
        boolean started = false;
        for (MetricsRow row : rows) {
            double value = error.applyAsDouble(row) * 100;
            if (!Double.isFinite(value)) {
                continue;
            }
            double x = LEFT + plotW * (row.iteration() / (double) maxIteration);
            double y = TOP + plotH - plotH * Math.min(value, top) / top;
            if (started) {
                path.lineTo(x, y);
            } else {
                path.moveTo(x, y);
                started = true;
            }
        }
        g.setColor(color);
        g.setStroke(stroke);
        g.draw(path);
    }
}

package org.resnet4j.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.resnet4j.io.AtomicFiles;

/**
 * The paper's Figure 6 from runs' metrics: training error against iterations for the plain networks on the left and
 * the residual ones on the right, on the paper's axes (0 to 64k iterations, 0 to 20 % error; the paper draws training
 * error dashed and test error bold, and these runs, trained on all 50,000 images, have training error only). A
 * deeper plain network above a shallower one on the left is the degradation problem; the reverse on the right is what
 * residual learning fixes.
 *
 * <p>Holds no state: safe to call from several threads at once, on different target files.
 */
public final class Figure6Plot {
    private static final int PANEL_WIDTH = 560;
    private static final int HEIGHT = 470;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final long MAX_ITERATION = 64_000;
    private static final double MAX_ERROR = 20;
    /** One colour per depth, shared by both panels so that plain-56 and ResNet-56 look alike (as in the paper). */
    private static final Map<Integer, Color> DEPTH_COLORS = Map.of(20, new Color(230, 160, 20), 32,
            new Color(40, 110, 200), 44, new Color(60, 160, 60), 56, new Color(200, 40, 40), 110, Color.BLACK);

    private Figure6Plot() {
    }

    /**
     * @param plain    run name (e.g. {@code plain-20}) to its metrics rows, drawn on the left
     * @param residual the same for residual networks, drawn on the right
     */
    public static void write(Map<String, List<MetricsRow>> plain, Map<String, List<MetricsRow>> residual, Path target)
            throws IOException {
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 2 * PANEL_WIDTH, HEIGHT);
            panel(g, 0, "plain networks", plain);
            panel(g, PANEL_WIDTH, "residual networks", residual);
        } finally {
            g.dispose();
        }
        AtomicFiles.write(target, out -> ImageIO.write(image, "png", out));
    }

    private static void panel(Graphics2D g, int x0, String title, Map<String, List<MetricsRow>> runs) {
        int plotW = PANEL_WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        int left = x0 + LEFT;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int error = 0; error <= MAX_ERROR; error += 5) {
            int y = TOP + plotH - (int) Math.round(plotH * error / MAX_ERROR);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left, y, left + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Integer.toString(error), left - 28, y + 5);
        }
        for (int tick = 0; tick <= 6; tick++) {
            int x = left + (int) Math.round(plotW * tick * 10_000.0 / MAX_ITERATION);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Integer.toString(tick), x - 4, TOP + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, TOP, plotW, plotH);
        g.drawString("iter. (1e4)", left + plotW / 2 - 30, HEIGHT - 22);
        g.rotate(-Math.PI / 2);
        g.drawString("error (%)", -(TOP + plotH / 2 + 30), x0 + 25);
        g.rotate(Math.PI / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title + ": training error", left, 30);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int legend = 0;
        for (Map.Entry<String, List<MetricsRow>> run : runs.entrySet()) {
            Color color = DEPTH_COLORS.getOrDefault(depth(run.getKey()), Color.GRAY);
            ErrorCurve curve = new ErrorCurve(left, TOP, plotW, plotH, MAX_ITERATION, MAX_ERROR);
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            g.draw(ErrorCurve.line(curve.points(run.getValue(), MetricsRow::trainError)));
            int ly = TOP + 20 + 20 * legend++;
            g.drawLine(left + plotW - 130, ly, left + plotW - 100, ly);
            g.setColor(Color.BLACK);
            g.drawString(run.getKey(), left + plotW - 92, ly + 5);
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** The depth in a run name such as {@code plain-56} or {@code ResNet-110}; 0 if it has none. */
    static int depth(String name) {
        String digits = name.replaceAll("^.*?(\\d+)\\D*$", "$1");
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

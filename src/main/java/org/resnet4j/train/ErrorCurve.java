package org.resnet4j.train;

import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Where an error curve's points fall in a plot: iterations from the plot's left edge to {@code maxIteration} at its
 * right, errors (percent) from its bottom to {@code maxPercent} at its top, higher errors drawn on the top edge, rows
 * without the value skipped. Shared by the run's curves and Figure 6.
 */
record ErrorCurve(double left, double top, double width, double height, long maxIteration, double maxPercent) {

    List<Point2D> points(List<MetricsRow> rows, ToDoubleFunction<MetricsRow> error) {
        List<Point2D> points = new ArrayList<>();
        for (MetricsRow row : rows) {
            double percent = error.applyAsDouble(row) * 100;
            if (Double.isFinite(percent) && row.iteration() <= maxIteration) {
                points.add(new Point2D.Double(left + width * row.iteration() / maxIteration,
                        top + height - height * Math.min(percent, maxPercent) / maxPercent));
            }
        }
        return points;
    }

    static Path2D line(List<Point2D> points) {
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < points.size(); i++) {
            if (i == 0) {
                path.moveTo(points.get(i).getX(), points.get(i).getY());
            } else {
                path.lineTo(points.get(i).getX(), points.get(i).getY());
            }
        }
        return path;
    }
}

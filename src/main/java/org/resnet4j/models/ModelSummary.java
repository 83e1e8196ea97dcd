package org.resnet4j.models;

import java.util.ArrayList;
import java.util.List;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.SummaryRow;
import org.resnet4j.tensor.Shape;

/**
 * Per layer: name, kind, output shape, parameters and multiply-adds (convolutions and linear layers), with totals.
 *
 * <p>Immutable (the rows are copied into an unmodifiable list); safe to share between threads.
 */
public record ModelSummary(List<SummaryRow> rows, long parameters, long multiplyAdds) {

    public ModelSummary {
        rows = List.copyOf(rows);
    }

    /** The summary of {@code model} for one image of {@code channels x size x size}. */
    public static ModelSummary of(Module model, int channels, int size) {
        List<SummaryRow> rows = new ArrayList<>();
        model.summarize("", Shape.of(1, channels, size, size), rows);
        long macs = rows.stream().mapToLong(SummaryRow::multiplyAdds).sum();
        return new ModelSummary(rows, model.parameterCount(), macs);
    }

    /** The table as text; its last line is exactly {@code params=<integer> macs=<integer>}. */
    public String format() {
        int nameWidth = Math.max(5, rows.stream().mapToInt(r -> r.name().length()).max().orElse(5));
        String pattern = "%-" + nameWidth + "s  %-16s  %-20s  %12s  %15s%n";
        StringBuilder out = new StringBuilder();
        out.append(String.format(pattern, "layer", "kind", "output", "params", "mult-adds"));
        for (SummaryRow row : rows) {
            out.append(String.format(pattern, row.name(), row.kind(), shapeText(row.output()),
                    String.format("%,d", row.parameters()), String.format("%,d", row.multiplyAdds())));
        }
        out.append(String.format("total parameters %,d; multiply-adds per image %,d (%.3f G)%n", parameters,
                multiplyAdds, multiplyAdds / 1e9));
        out.append("params=").append(parameters).append(" macs=").append(multiplyAdds).append('\n');
        return out.toString();
    }

    private static String shapeText(Shape shape) {
        return shape.toString();
    }
}

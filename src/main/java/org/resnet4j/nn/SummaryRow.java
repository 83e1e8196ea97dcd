package org.resnet4j.nn;

import org.resnet4j.tensor.Shape;

/**
 * One leaf layer in a model summary: its dotted name, kind, output shape, parameter count and multiply-adds. Immutable;
 * safe to share between threads.
 */
public record SummaryRow(String name, String kind, Shape output, long parameters, long multiplyAdds) {
}

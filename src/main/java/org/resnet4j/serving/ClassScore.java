package org.resnet4j.serving;

/**
 * One ranked class: its output index, its name and its softmax probability. Immutable; safe to share between threads.
 */
public record ClassScore(int index, String label, float probability) {
}

/** The training loop: progress, evaluation, metrics and curves, checkpoints and exact resume. */
package org.resnet4j.train;

/**
 * Serving a trained network: a thread-safe predictor (image bytes to normalized input, a batch to logits, logits to
 * ranked classes) and a dynamic batcher that runs concurrent requests as one batch.
 */
package org.resnet4j.serving;

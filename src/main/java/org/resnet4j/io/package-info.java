/**
 * Reading and writing tensors in the safetensors format, so weights move between PyTorch and resnet4j by name, and
 * loading weights for inference with what their file records (model, normalization, class names).
 */
package org.resnet4j.io;

/**
 * The CIFAR-10 input pipeline: reading and validating the official binary batches, a seeded train/validation split,
 * normalization, the paper's pad-crop-flip augmentation, and a prefetching, exactly resumable batch loader.
 */
package org.resnet4j.data;

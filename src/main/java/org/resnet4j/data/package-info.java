/**
 * Labelled images in, normalized batches out: the {@link org.resnet4j.data.Dataset} interface (CIFAR-10, image
 * folders, a user's own), a seeded train/validation split, normalization, augmentation, and a prefetching, exactly
 * resumable batch loader over any data set or {@link org.resnet4j.data.BatchSource}.
 */
package org.resnet4j.data;

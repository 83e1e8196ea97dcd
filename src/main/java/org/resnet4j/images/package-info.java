/**
 * Image files to network inputs: PNG and JPEG decoding to 8-bit RGB, and torchvision's preprocessing (resize as
 * Pillow computes it, center and random-resized crops, flips, {@code ToTensor} and {@code Normalize}) reproduced value
 * for value, so weights trained in PyTorch see the inputs they were trained on.
 */
package org.resnet4j.images;

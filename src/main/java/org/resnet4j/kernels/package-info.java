/**
 * The numerical kernels every layer runs on, as interfaces with two implementations: {@code kernels.scalar}, plain
 * loops that are the specification, and {@code kernels.simd}, the Java Vector API versions (the only package that
 * imports {@code jdk.incubator.vector}). {@link org.resnet4j.kernels.KernelProvider} picks one at start-up.
 *
 * <p>Conventions shared by every kernel: activations are NHWC ({@code [N][H][W][C]}), flat {@code float[]} arrays;
 * convolution weights are PyTorch's OIHW ({@code [Cout][Cin][KH][KW]}); linear weights are {@code [out][in]}.
 * Outputs named {@code out}/{@code y}/{@code gradInput} are overwritten; parameter gradients
 * ({@code gradWeight}, {@code gradBias}, {@code gradGamma}, {@code gradBeta}) are accumulated into, so that a
 * parameter used twice just works. Kernels check no shapes: the layers do that once, before calling.
 */
package org.resnet4j.kernels;

/**
 * The numerical kernels every layer runs on, as interfaces with two implementations: {@code kernels.scalar}, plain
 * loops that are the specification, and {@code kernels.simd}, the Java Vector API versions (the only package that
 * imports {@code jdk.incubator.vector}). {@link org.resnet4j.kernels.KernelProvider} picks one at start-up.
 *
 * <p>Conventions shared by every kernel: activations are NHWC ({@code [N][H][W][C]}), flat {@code float[]} arrays;
 * convolution weights are PyTorch's OIHW ({@code [Cout][Cin][KH][KW]}); linear weights are {@code [out][in]}.
 * Outputs named {@code out}/{@code y}/{@code gradInput} are overwritten; parameter gradients
 * ({@code gradWeight}, {@code gradBias}, {@code gradGamma}, {@code gradBeta}) are accumulated into, so that a
 * parameter used twice just works. The implementations check nothing: {@link org.resnet4j.kernels.Kernels} puts a
 * facade in front of each family that checks every call's sizes and array lengths once, so the scalar kernels read
 * as the specification.
 */
package org.resnet4j.kernels;

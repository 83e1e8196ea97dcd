/**
 * The reference kernels in plain loops: the specification the SIMD kernels are tested against. They check no
 * arguments; {@link org.resnet4j.kernels.Kernels} does, once, in front of either implementation.
 */
package org.resnet4j.kernels.scalar;

/** The reference kernels in plain loops: the specification the SIMD kernels are tested against. */
package org.resnet4j.kernels.scalar;

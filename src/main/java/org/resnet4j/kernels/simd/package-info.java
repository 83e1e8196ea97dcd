/** The Java Vector API kernels; the only package that imports {@code jdk.incubator.vector}. */
package org.resnet4j.kernels.simd;

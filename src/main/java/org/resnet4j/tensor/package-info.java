/** Dense float32 tensors: an immutable logical shape, a memory layout and one flat array of values. */
package org.resnet4j.tensor;

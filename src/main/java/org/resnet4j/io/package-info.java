/** Reading and writing tensors in the safetensors format, so weights move between PyTorch and resnet4j by name. */
package org.resnet4j.io;

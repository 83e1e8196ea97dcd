/**
 * Reading PyTorch {@code torch.save} checkpoints (the zip format) into the same tensors the safetensors reader gives,
 * through a pickle interpreter that knows only what a state dict needs and refuses everything else.
 */
package org.resnet4j.io.pytorch;

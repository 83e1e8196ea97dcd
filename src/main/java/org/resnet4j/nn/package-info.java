/**
 * Layers with explicit forward and backward passes, composed into modules with torchvision's parameter names.
 * Activations flow between layers in NHWC layout; a network converts its NCHW input once at the entrance.
 */
package org.resnet4j.nn;

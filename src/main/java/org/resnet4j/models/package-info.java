/** Residual blocks and the paper's networks, built from explicit per-depth tables (never guessed from the image size). */
package org.resnet4j.models;

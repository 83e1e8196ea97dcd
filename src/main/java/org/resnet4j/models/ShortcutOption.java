package org.resnet4j.models;

/** The paper's three shortcut options (§3.3 and Table 3). Immutable; safe to share between threads. */
public enum ShortcutOption {
    /** Identity; where dimensions change, a parameter-free stride-2 subsample with zero-padded extra channels. */
    A,
    /** Identity; where dimensions change, a 1x1 convolution + batch norm projection (torchvision's choice). */
    B,
    /** A 1x1 convolution + batch norm projection on every block. */
    C
}

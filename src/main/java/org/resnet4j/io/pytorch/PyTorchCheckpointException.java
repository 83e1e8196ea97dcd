package org.resnet4j.io.pytorch;

import java.io.IOException;

/**
 * A PyTorch checkpoint cannot be read: it is not a {@code torch.save} zip, breaks the zip or pickle format, holds
 * something a state dict does not (a global outside the allow-list, an opcode that builds arbitrary objects), or
 * claims sizes its file cannot back. The message is one line naming the file, the zip entry and, inside the pickle,
 * the byte offset of the opcode, then the problem, fit to show a user as is.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class PyTorchCheckpointException extends IOException {

    public PyTorchCheckpointException(String message) {
        super(message);
    }

    public PyTorchCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}

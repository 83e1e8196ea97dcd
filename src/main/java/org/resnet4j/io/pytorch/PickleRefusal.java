package org.resnet4j.io.pytorch;

/**
 * Why a value the pickle asks for cannot be built; {@link PickleReader} adds the file, entry and opcode offset. A
 * checked exception so that no refusal can slip out without that context.
 */
final class PickleRefusal extends Exception {
    PickleRefusal(String message) {
        super(message, null, false, false);
    }
}

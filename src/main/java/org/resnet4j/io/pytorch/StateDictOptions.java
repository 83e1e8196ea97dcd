package org.resnet4j.io.pytorch;

/**
 * Which dictionary of a checkpoint is the state dict, and how to rename its keys.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param key         the top-level key whose value is the state dict (as in {@code torch.save({"state_dict":
 *                    model.state_dict(), "epoch": 90}, path)}), or null to find it: the top-level dict itself when
 *                    it holds tensors, else the first of {@link PyTorchCheckpoints#NESTED_KEYS} that holds a dict of
 *                    tensors
 * @param stripPrefix removed from the start of every key that has it (others are kept, as PyTorch's
 *                    {@code consume_prefix_in_state_dict_if_present} does), for example {@code "module."} from a model
 *                    wrapped in {@code DataParallel}; null or empty to keep keys as they are
 */
public record StateDictOptions(String key, String stripPrefix) {
    /** Find the state dict, keep its keys. */
    public static final StateDictOptions DEFAULTS = new StateDictOptions(null, null);

    public StateDictOptions {
        if (key != null && key.isEmpty()) {
            throw new IllegalArgumentException("the state dict key must not be empty (null finds it)");
        }
        if (stripPrefix != null && stripPrefix.isEmpty()) {
            stripPrefix = null;
        }
    }

    public StateDictOptions withKey(String newKey) {
        return new StateDictOptions(newKey, stripPrefix);
    }

    public StateDictOptions withStrippedPrefix(String prefix) {
        return new StateDictOptions(key, prefix);
    }
}

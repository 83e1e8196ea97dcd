package org.resnet4j.cli;

import java.util.Locale;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.models.ShortcutOption;

/** The options every command shares to build a model: {@code --model}, {@code --classes}, {@code --shortcut}. */
final class ModelArguments {
    private ModelArguments() {
    }

    static ResNet build(Arguments args, String defaultModel) {
        String name = args.string("model", defaultModel);
        try {
            ResNets.architecture(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int classes = args.integer("classes", ResNets.defaultClasses(name), 1);
        ShortcutOption shortcut = null;
        if (args.has("shortcut")) {
            String value = args.string("shortcut", "").toUpperCase(Locale.ROOT);
            try {
                shortcut = ShortcutOption.valueOf(value);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--shortcut must be A, B or C, got '" + value + "'");
            }
        }
        ModelOptions options = new ModelOptions(classes, shortcut, args.flag("stride-on-first-1x1"),
                args.flag("zero-init-residual"), args.longValue("init-seed", 0L, Long.MIN_VALUE));
        return ResNets.create(name, options);
    }
}

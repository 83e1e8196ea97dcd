package org.resnet4j.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.models.ShortcutOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The options every command shares to build a model: {@code --model}, {@code --classes}, {@code --shortcut} and the
 * rest, read (and checked) before anything slow. A command that reads weights builds the network they describe: the
 * one they name ({@value ModelWeights#MODEL} in their metadata, as {@code train} and {@code finetune} write it) with
 * as many classes as their classifier has, unless {@code --model} or {@code --classes} says otherwise; a fine-tuned
 * 2-class network then needs no {@code --classes 2}.
 */
record ModelArguments(Optional<String> model, String defaultModel, OptionalInt classes, ShortcutOption shortcut,
        boolean strideOnFirst1x1, boolean zeroInitResidual, long initSeed) {
    private static final Logger LOG = LoggerFactory.getLogger(ModelArguments.class);
    /** The shared options that take no value: every command that parses these options declares them as switches. */
    static final Set<String> SWITCHES = Set.of("stride-on-first-1x1", "zero-init-residual");

    /** {@link #SWITCHES} and a command's own switches. */
    static Set<String> switchesAnd(String... own) {
        Set<String> all = new HashSet<>(SWITCHES);
        all.addAll(List.of(own));
        return Set.copyOf(all);
    }

    /** The options as given; {@code defaultModel} is the network when neither {@code --model} nor weights name one. */
    static ModelArguments parse(Arguments args, String defaultModel) {
        Optional<String> name = args.has("model") ? Optional.of(args.string("model", defaultModel)) : Optional.empty();
        name.ifPresent(ModelArguments::requireKnown);
        OptionalInt classes = args.has("classes") ? OptionalInt.of(args.integer("classes", 1, 1)) : OptionalInt.empty();
        ShortcutOption shortcut = null;
        if (args.has("shortcut")) {
            String value = args.string("shortcut", "").toUpperCase(Locale.ROOT);
            try {
                shortcut = ShortcutOption.valueOf(value);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--shortcut must be A, B or C, got '" + value + "'");
            }
        }
        return new ModelArguments(name, defaultModel, classes, shortcut, args.flag("stride-on-first-1x1"),
                args.flag("zero-init-residual"), args.longValue("init-seed", 0L, Long.MIN_VALUE));
    }

    /** The network the options name, of its family's class count unless {@code --classes} is given. */
    ResNet build() {
        String name = model.orElse(defaultModel);
        return create(name, classes.orElse(ResNets.defaultClasses(name)));
    }

    /**
     * The network for {@code weights} (read from {@code path}): {@code --model}, else the one the file names, else the
     * default; {@code --classes}, else the count of the file's classifier ({@code fc.bias}) when its {@code fc.weight}
     * fits the network, else the family's. A {@code --model} other than the file's is refused when the weights are
     * loaded ({@link ModelWeights#load}).
     */
    ResNet buildFor(SafeTensorsFile weights, Path path) {
        Optional<String> recorded = ModelWeights.recordedModel(weights);
        String name = model.orElseGet(() -> recorded.map(r -> {
            try {
                ResNets.architecture(r);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ": the weights are of '" + r + "' (their metadata '"
                        + ModelWeights.MODEL + "'), a network this version does not build; models: "
                        + String.join(" ", ResNets.names()), e);
            }
            return r;
        }).orElse(defaultModel));
        OptionalInt fileClasses = ModelWeights.classifierClasses(weights, ResNets.architecture(name));
        int count = classes.orElse(fileClasses.orElse(ResNets.defaultClasses(name)));
        if ((model.isEmpty() && recorded.isPresent())
                || (classes.isEmpty() && fileClasses.isPresent() && count != ResNets.defaultClasses(name))) {
            LOG.info("{}: {} of {} classes, as the weights record", path, name, count);
        }
        return create(name, count);
    }

    private ResNet create(String name, int count) {
        try {
            return ResNets.create(name, new ModelOptions(count, shortcut, strideOnFirst1x1, zeroInitResidual, initSeed));
        } catch (IllegalArgumentException e) {
            if (zeroInitResidual && ResNets.architecture(name).plain()) {
                throw UsageException.of(e); // the options contradict each other: a bad command line (status 2)
            }
            throw e;
        }
    }

    private static void requireKnown(String name) {
        try {
            ResNets.architecture(name);
        } catch (IllegalArgumentException e) {
            throw UsageException.of(e);
        }
    }
}

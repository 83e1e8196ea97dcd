package org.resnet4j.spark;

import java.io.Serializable;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.models.ShortcutOption;

/**
 * Builds one replica of the network; called once on the driver (the initial weights, the checkpoints) and once per
 * worker task. Every call must build the same architecture: the workers compare their models when they meet and
 * refuse to train on a mismatch. The weights it initializes only matter on the driver, whose initial state every
 * worker loads.
 *
 * <p>Threads: the tasks of one executor (or of {@code local[K]}) call it at once, each on its own deserialized copy, so
 * each call must build a new network, shared with no other call.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    ResNet create();

    /** {@code ResNets.create(name, options)}: any network of the library by name. */
    static ModelFactory named(String name, int classes, ShortcutOption shortcut, long seed) {
        return () -> ResNets.create(name, new ModelOptions(classes, shortcut, false, false, seed));
    }
}

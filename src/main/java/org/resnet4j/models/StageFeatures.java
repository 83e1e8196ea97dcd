package org.resnet4j.models;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.Workspace;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Tensor;

/**
 * A network's backbone features for one batch, as torchvision's {@code create_feature_extractor} names them: each
 * stage's output {@code layer1} ... {@code layerK} (C2 ... C5 of a detection backbone), {@code [N, C, H, W]}, and the
 * pooled embedding {@code flatten}, {@code [N, C]}. The network runs up to its global pool; the classifier is skipped.
 */
final class StageFeatures {
    /** The name of the pooled embedding in torchvision's graph (its flatten follows the average pool). */
    static final String EMBEDDING = "flatten";

    private StageFeatures() {
    }

    /**
     * @param layers the network's top-level layers in data-flow order, under their names
     * @return caller-owned copies in NCHW, in data-flow order
     */
    static Map<String, Tensor> collect(Map<String, Module> layers, InputImages images, Tensor input,
                                       Workspace workspace) {
        Map<String, Tensor> features = new LinkedHashMap<>();
        Tensor nhwcImages = images.toNhwc(input, workspace);
        Tensor x = nhwcImages;
        for (Map.Entry<String, Module> layer : layers.entrySet()) {
            Tensor next = layer.getValue().forward(x, workspace);
            if (x.data() != nhwcImages.data()) {
                workspace.release(x, next); // copied below when it is a feature
            }
            x = next;
            String name = layer.getKey();
            if (name.startsWith("layer")) {
                Tensor nchw = x.toLayout(Layout.NCHW); // a new tensor unless the stage ran in NCHW already
                features.put(name, nchw == x ? x.copy() : nchw);
            } else if (name.equals("avgpool")) {
                features.put(EMBEDDING, x.copy());
                return features;
            }
        }
        throw new IllegalStateException("the network has no 'avgpool' layer, only " + Set.copyOf(layers.keySet()));
    }
}

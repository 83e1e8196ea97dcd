package org.resnet4j.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.Freezing;
import org.resnet4j.nn.GlobalAvgPool2d;
import org.resnet4j.nn.Linear;
import org.resnet4j.nn.MaxPool2d;
import org.resnet4j.nn.Parameter;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.ReLU;
import org.resnet4j.nn.ResidualBlock;
import org.resnet4j.nn.Sequential;
import org.resnet4j.nn.Workspace;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A residual (or plain) network: stem, stages {@code layer1..layerK} of blocks, global average pool, classifier
 * {@code fc}. Input {@code [N, 3, H, W]} in NCHW (or NHWC) layout; output logits {@code [N, classes]}.
 *
 * <p>Threads and ownership: {@code forward(x, false)} is safe to call from any number of threads at once on one
 * network; each call works in a workspace of its own and returns, bit for bit, what it returns alone. Training
 * ({@code forward(x, true)}, then {@code backward}) is single-caller: a second thread entering while a training step
 * runs (between a training forward and its backward) gets an {@link IllegalStateException} naming the network. The
 * logits any {@code forward} returns belong to the caller: no later call changes them. Updating weights (an optimizer
 * step, loading weights) while other threads run inference is the caller's to avoid; {@link #freeze()} a snapshot to
 * serve while training goes on: it copies the weights at a moment between steps (taken on another thread, it holds
 * the next training step until it has read, see {@link #readConsistently}).
 */
public final class ResNet extends Module {
    private final Architecture architecture;
    private final ModelOptions options;
    private final List<Module> flow = new ArrayList<>();
    private int trainedFrom; // the flow index the last training forward began keeping activations at
    private final List<ResidualBlock> blocks = new ArrayList<>();
    private final Conv2d stem;
    private final Linear fc;
    private final Kernels kernels;
    private final InputImages images;

    public ResNet(Kernels kernels, Architecture architecture, ModelOptions options) {
        if (architecture.plain() && options.zeroInitResidual()) {
            // No shortcut carries the signal past a plain block: gamma = 0 zeroes every block's output, so the logits
            // would be fc.bias for any image and only fc.bias would get a gradient.
            throw new IllegalArgumentException(architecture.name() + " is a plain network, without residual branches: "
                    + "zero-init-residual (gamma = 0 on each block's last batch norm) would zero every block's output, "
                    + "and the network could not learn");
        }
        this.architecture = architecture;
        this.options = options;
        this.kernels = kernels;
        this.images = new InputImages(architecture.name());
        ShortcutOption shortcut = options.shortcut() != null ? options.shortcut()
                : architecture.family().defaultShortcut();
        int[] planes = architecture.family().planes();
        boolean imagenet = architecture.family() == Architecture.Family.IMAGENET;

        stem = add("conv1", imagenet ? new Conv2d(kernels, 3, planes[0], 7, 2, 3, false)
                : new Conv2d(kernels, 3, planes[0], 3, 1, 1, false)).withoutInputGradient();
        add("bn1", new BatchNorm2d(kernels, planes[0]));
        add("relu", new ReLU(kernels, true));
        if (imagenet) {
            add("maxpool", new MaxPool2d(kernels, 3, 2, 1));
        }

        int inPlanes = planes[0];
        int[] depths = architecture.blocksPerStage();
        int expansion = architecture.block().expansion();
        for (int stage = 0; stage < depths.length; stage++) {
            List<Module> stageBlocks = new ArrayList<>();
            for (int b = 0; b < depths[stage]; b++) {
                int stride = b == 0 && stage > 0 ? 2 : 1;
                ResidualBlock block = architecture.block() == Architecture.BlockType.BASIC
                        ? new BasicBlock(kernels, inPlanes, planes[stage], stride, shortcut, architecture.plain())
                        : new Bottleneck(kernels, inPlanes, planes[stage], stride, shortcut, architecture.plain(),
                        options.strideOnFirst1x1());
                stageBlocks.add(block);
                blocks.add(block);
                inPlanes = planes[stage] * expansion;
            }
            add("layer" + (stage + 1), new Sequential(stageBlocks));
        }
        add("avgpool", new GlobalAvgPool2d(kernels));
        fc = add("fc", new Linear(kernels, inPlanes, options.classes()));
        Initialization.apply(this, options.seed(), options.zeroInitResidual());
    }

    private <M extends Module> M add(String name, M module) {
        flow.add(child(name, module));
        return module;
    }

    public Architecture architecture() {
        return architecture;
    }

    public ModelOptions options() {
        return options;
    }

    public int classes() {
        return options.classes();
    }

    /** The residual blocks in data-flow order. */
    public List<ResidualBlock> blocks() {
        return List.copyOf(blocks);
    }

    @Override
    public Tensor forward(Tensor input, Workspace workspace) {
        // The images' NHWC copy stays the workspace's own (three channels: small); what follows is recycled.
        Tensor nhwc = images.toNhwc(input, workspace);
        if (!workspace.training()) {
            return forwardThrough(flow, nhwc, workspace);
        }
        // Layers before the first trainable one (a frozen backbone) run as in inference, recycling their activations:
        // backward stops before them. Backward follows what this pass did, whatever trains by then.
        trainedFrom = firstTrainableLayer();
        Tensor trainedInput = trainedFrom == 0 ? nhwc
                : forwardThrough(flow.subList(0, trainedFrom), nhwc, workspace.forFrozenLayers());
        return forwardThrough(flow.subList(trainedFrom, flow.size()), trainedInput, workspace);
    }

    /**
     * A new network of the same architecture and options with a fresh classifier for {@code classes} classes
     * (initialized from {@code seed}, as a new network's would be) and a copy of this one's every other parameter and
     * running statistic: the start of transfer learning. Each copied parameter keeps whether it trains, and the new
     * classifier trains (as PyTorch's {@code model.fc = nn.Linear(...)} after freezing the backbone): a backbone
     * frozen before the call stays frozen. This network is left as it is.
     */
    public ResNet withNewHead(int classes, long seed) {
        ResNet copy = new ResNet(kernels, architecture, options.withClasses(classes).withSeed(seed));
        Map<String, Parameter> target = copy.namedParameters();
        Map<String, Tensor> targetBuffers = copy.namedBuffers();
        Map<String, long[]> targetCounters = copy.namedCounters();
        return readConsistently("copy its backbone", () -> {
            namedParameters().forEach((name, p) -> {
                if (!name.startsWith("fc.")) {
                    target.get(name).value().copyFrom(p.value());
                    target.get(name).setTrainable(p.trainable());
                }
            });
            namedBuffers().forEach((name, b) -> targetBuffers.get(name).copyFrom(b));
            namedCounters().forEach((name, c) -> targetCounters.get(name)[0] = c[0]);
            return copy;
        });
    }

    /**
     * The backbone features of a batch in evaluation mode, as torchvision's {@code create_feature_extractor} names
     * them: {@code layer1} ... {@code layerK} (each stage's output, NCHW) and {@code flatten} (the pooled embedding
     * {@code [N, C]}), in data-flow order; the classifier does not run. Safe from many threads, like
     * {@code forward(x, false)}; the tensors belong to the caller.
     */
    public Map<String, Tensor> features(Tensor input) {
        return inInferenceWorkspace(workspace -> StageFeatures.collect(children(), images, input, workspace));
    }

    /**
     * An inference-only snapshot of this network with each batch norm folded into its convolution and the weights
     * packed once (TorchScript's freeze): faster, and numerically the same up to float rounding. Freeze again after
     * further training or loading other weights. The weights are those of one moment, between training calls and
     * optimizer steps ({@link #readConsistently}), even when this runs on another thread than the training.
     */
    public FrozenResNet freeze() {
        return new FrozenResNet(architecture.name(), options.classes(),
                readConsistently("freeze it", () -> Freezing.freeze(kernels, children())));
    }

    /**
     * Back-propagates the gradient of the loss with respect to the logits through the whole network, accumulating
     * every parameter gradient. Returns null: the stem skips the gradient of the image, which nothing needs.
     */
    @Override
    public Tensor backward(Tensor gradLogits, Workspace workspace) {
        Tensor g = gradLogits;
        for (int i = flow.size() - 1; i >= trainedFrom; i--) {
            g = flow.get(i).backward(g, workspace);
        }
        if (trainedFrom > 0 && g != null) {
            workspace.gradients().giveBack(g);
        }
        // Nothing before the first trainable layer needs a gradient: a frozen backbone costs no backward pass.
        return null;
    }

    /** The index in the flow of the first layer with a trainable parameter, or the flow's size if none has one. */
    private int firstTrainableLayer() {
        for (int i = 0; i < flow.size(); i++) {
            if (!flow.get(i).frozen()) {
                return i;
            }
        }
        return flow.size();
    }

    /** The images are copied to NHWC for training; inference reads them and writes nothing there. */
    @Override
    protected boolean isolatesCallerInput() {
        return true;
    }

    @Override
    protected String displayName() {
        return architecture.name();
    }

    @Override
    public Shape outputShape(Shape in) {
        return outputShapeThrough(flow, in);
    }

    Conv2d stem() {
        return stem;
    }

    Linear fc() {
        return fc;
    }
}

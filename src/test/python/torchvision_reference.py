"""Writes a live torchvision reference for TorchvisionLiveTest (run by the test itself, into a temporary directory).

Usage: /usr/bin/python3 src/test/python/torchvision_reference.py OUT_DIR

For each of resnet18 and resnet50 (torchvision's own classes, default options: option-B projections, v1.5 stride on
the Bottleneck's 3x3), with torchvision's seeded random initialization and random BatchNorm affine parameters and
running statistics (so eval mode really tests them), it writes:
  OUT_DIR/<name>_state_dict.safetensors  the float32 state_dict, exactly as torchvision names it
  OUT_DIR/<name>_io.safetensors          "input" [2, 3, 64, 64], eval-mode "logits" [2, 1000], and the backbone
                                         features as create_feature_extractor names them: "features.layer1" ...
                                         "features.layer4" (NCHW) and "features.flatten" (the pooled embedding)
The logits are computed in float64 from exactly the float32 weights and input, then rounded to float32, so the test
measures resnet4j's own float32 error.

Exit status 3, with the reason on stderr, when torch or torchvision cannot be imported (the test then skips).
"""
import os
import sys

try:
    import torch
    import torchvision
    from torchvision.models.feature_extraction import create_feature_extractor
except ImportError as missing:
    print(f"cannot import torch/torchvision: {missing}", file=sys.stderr)
    sys.exit(3)

from safetensors_io import save, save_fixture

SEED = 20160310
MODELS = ("resnet18", "resnet50")
# Small images keep the run short; both networks still reach a 2x2 map before the global pool.
INPUT_SHAPE = (2, 3, 64, 64)


def build(name):
    try:
        return getattr(torchvision.models, name)(weights=None)
    except TypeError:
        # torchvision < 0.13 has no `weights` argument.
        return getattr(torchvision.models, name)(pretrained=False)


def randomize_batch_norms(model, gen):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)


def main(out):
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(SEED)
    x = torch.randn(*INPUT_SHAPE, generator=gen)
    metadata = {"generator": "src/test/python/torchvision_reference.py", "torch": torch.__version__,
                "torchvision": torchvision.__version__, "reference_precision": "float64", "layout": "NCHW"}
    for name in MODELS:
        torch.manual_seed(SEED)  # torchvision's own initialization draws from the global generator
        model = build(name)
        randomize_batch_norms(model, gen)
        save(os.path.join(out, name + "_state_dict.safetensors"), model.state_dict(), {**metadata, "model": name})
        model = model.double().eval()
        nodes = ["layer1", "layer2", "layer3", "layer4", "flatten"]
        extractor = create_feature_extractor(model, return_nodes=nodes)
        with torch.no_grad():
            logits = model(x.double())
            features = extractor(x.double())
        tensors = {"input": x, "logits": logits}
        tensors.update({"features." + node: features[node] for node in nodes})
        save_fixture(os.path.join(out, name + "_io.safetensors"), tensors, {**metadata, "model": name})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: torchvision_reference.py OUT_DIR")
    main(sys.argv[1])

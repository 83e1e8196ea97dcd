"""Writes torch.save checkpoints of real networks for PyTorchCheckpointLiveTest (run by the test itself, into a
temporary directory; ~160 MB).

Usage: /usr/bin/python3 src/test/python/pytorch_checkpoint_reference.py OUT_DIR

CIFAR ResNet-20: exactly the network of make_model_fixtures.py (same seed, so the same weights as the committed
fixtures/models/resnet20_weights.safetensors, whose logits_eval in resnet20_data.safetensors the test compares with),
saved the ways people save it:
  resnet20.pth                 torch.save(model.state_dict()), float32
  resnet20_channels_last.pth   the same after model.to(memory_format=torch.channels_last): every 3x3 convolution
                               weight is a non-contiguous view
  resnet20_f64.pth             model.double().state_dict() (the float32 values, widened)
  resnet20_dataparallel.pth    {"epoch", "state_dict" of nn.DataParallel(model) ("module." keys), "best_prec1",
                               "optimizer" with momentum buffers}, as CIFAR training scripts save
  resnet20_f16.pth             model.half().state_dict()
  resnet20_bf16.pth            {"model_state_dict": model.bfloat16().state_dict(), "epoch"}
  resnet20_f16_expected.safetensors, resnet20_bf16_expected.safetensors
                               PyTorch's rounded state dicts, for an exact comparison
  resnet20_reduced_logits.safetensors
                               "input" (the fixture's), "logits_f16" and "logits_bf16": eval-mode logits of the rounded
                               weights, computed in float64 and rounded to float32
torchvision resnet18 and resnet50 with the seeded random weights of torchvision_reference.py:
  resnet18.pth                 torch.save(model.state_dict())
  resnet50.pth                 {"model": model.state_dict(), "epoch": 89}, as torchvision's reference scripts save
  <name>_io.safetensors        "input" [2, 3, 64, 64] and eval-mode "logits", float64 rounded to float32

Exit status 3, with the reason on stderr, when torch or torchvision cannot be imported (the test then skips).
"""
import copy
import os
import sys

try:
    import torch
    import torchvision  # noqa: F401 (imported by torchvision_reference; checked here for the exit status)
except ImportError as missing:
    print(f"cannot import torch/torchvision: {missing}", file=sys.stderr)
    sys.exit(3)

import make_model_fixtures
import torchvision_reference
from safetensors_io import save, save_fixture

META = {"generator": "src/test/python/pytorch_checkpoint_reference.py", "torch": torch.__version__}


def resnet20(out):
    gen = torch.Generator().manual_seed(make_model_fixtures.SEED)
    model = make_model_fixtures.randomize(make_model_fixtures.CifarResNet(3), gen)  # float64, float32 values
    x = torch.randn(4, 3, 32, 32, generator=gen).double()  # the fixture's input, drawn right after the weights
    f32 = copy.deepcopy(model).float()
    torch.save(f32.state_dict(), os.path.join(out, "resnet20.pth"))
    torch.save(copy.deepcopy(f32).to(memory_format=torch.channels_last).state_dict(),
               os.path.join(out, "resnet20_channels_last.pth"))
    torch.save(model.state_dict(), os.path.join(out, "resnet20_f64.pth"))

    trained = copy.deepcopy(f32)
    optimizer = torch.optim.SGD(trained.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    trained(x.float()).sum().backward()
    optimizer.step()
    torch.save({"epoch": 164, "state_dict": torch.nn.DataParallel(f32).state_dict(), "best_prec1": 91.73,
                "optimizer": optimizer.state_dict()}, os.path.join(out, "resnet20_dataparallel.pth"))

    half = copy.deepcopy(model).half()
    bf16 = copy.deepcopy(model).bfloat16()
    torch.save(half.state_dict(), os.path.join(out, "resnet20_f16.pth"))
    torch.save({"model_state_dict": bf16.state_dict(), "epoch": 12}, os.path.join(out, "resnet20_bf16.pth"))
    save(os.path.join(out, "resnet20_f16_expected.safetensors"), half.state_dict(), META)
    save(os.path.join(out, "resnet20_bf16_expected.safetensors"), bf16.state_dict(), META)
    with torch.no_grad():
        logits = {"logits_f16": half.double().eval()(x), "logits_bf16": bf16.double().eval()(x)}
    save_fixture(os.path.join(out, "resnet20_reduced_logits.safetensors"), {"input": x, **logits}, META)


def torchvision_models(out):
    gen = torch.Generator().manual_seed(torchvision_reference.SEED)
    x = torch.randn(*torchvision_reference.INPUT_SHAPE, generator=gen)
    for name in torchvision_reference.MODELS:
        torch.manual_seed(torchvision_reference.SEED)
        model = torchvision_reference.build(name)
        torchvision_reference.randomize_batch_norms(model, gen)
        path = os.path.join(out, name + ".pth")
        torch.save(model.state_dict() if name == "resnet18" else {"model": model.state_dict(), "epoch": 89}, path)
        with torch.no_grad():
            logits = model.double().eval()(x.double())
        save_fixture(os.path.join(out, name + "_io.safetensors"), {"input": x, "logits": logits},
                     {**META, "model": name})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: pytorch_checkpoint_reference.py OUT_DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    resnet20(sys.argv[1])
    torchvision_models(sys.argv[1])

"""The real run of docs/torchvision.md: torchvision ResNets saved by torch.save, converted and classified by resnet4j,
compared with PyTorch's logits on the same preprocessed photographs.

Usage (Debian's /usr/bin/python3 with python3-torchvision):
  /usr/bin/python3 src/test/python/torchvision_classify_check.py make OUT_DIR IMAGE [IMAGE ...]
      for resnet18 and resnet50 (torchvision's classes, seeded random weights and batch-norm statistics, as
      torchvision_reference.py makes them): OUT_DIR/<name>.pth (torch.save of the state dict, as for torchvision's
      published weights) and OUT_DIR/<name>_pytorch.safetensors with "logits" [N, 1000], PyTorch float32 in eval mode,
      and "logits_f64" (the same float32 weights and input computed in float64) for the images after
      torchvision's ImageNet evaluation transform (Resize(256), CenterCrop(224), ToTensor, Normalize with ImageNet's
      mean and std) on PIL's RGB image
  /usr/bin/python3 src/test/python/torchvision_classify_check.py compare RESNET4J.safetensors PYTORCH.safetensors
      the largest absolute difference between resnet4j's "logits" (classify --output) and PyTorch's, per image and
      over all, the largest logit for scale, and whether the top-5 classes agree

Random weights because pretrained ones cannot be downloaded where this ran; the mechanics (names, layouts, v1.5
stride, preprocessing, normalization) are the same for torchvision's published weights.
"""
import os
import sys

import torch
import torchvision
from PIL import Image
from torchvision import transforms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchvision_reference  # noqa: E402
from safetensors_io import save  # noqa: E402

PREPROCESS = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])


def make(out, images):
    os.makedirs(out, exist_ok=True)
    x = torch.stack([PREPROCESS(Image.open(path).convert("RGB")) for path in images])
    gen = torch.Generator().manual_seed(torchvision_reference.SEED)
    for name in ("resnet18", "resnet50"):
        torch.manual_seed(torchvision_reference.SEED)
        model = torchvision_reference.build(name)
        torchvision_reference.randomize_batch_norms(model, gen)
        model.eval()
        torch.save(model.state_dict(), os.path.join(out, name + ".pth"))
        with torch.no_grad():
            logits = model(x)
            logits_f64 = model.double()(x.double())
        save(os.path.join(out, name + "_pytorch.safetensors"), {"logits": logits, "logits_f64": logits_f64},
             {"images": ",".join(images), "torch": torch.__version__, "torchvision": torchvision.__version__,
              "model": name})
        print(f"wrote {name}.pth and {name}_pytorch.safetensors ({len(images)} images) in {out}")


def load(path):
    """{name: float64 array} of a safetensors file's F32 and F64 tensors."""
    import json
    import struct
    import numpy as np
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] not in ("F32", "F64"):
            continue
        begin, end = (8 + length + offset for offset in entry["data_offsets"])
        dtype = "<f4" if entry["dtype"] == "F32" else "<f8"
        tensors[name] = np.frombuffer(raw[begin:end], dtype=dtype).astype(np.float64).reshape(entry["shape"])
    return tensors


def compare(ours_path, theirs_path):
    import numpy as np
    ours = load(ours_path)["logits"]
    theirs = load(theirs_path)
    for key, label in (("logits", "PyTorch float32"), ("logits_f64", "PyTorch float64")):
        ref = theirs[key]
        diff = np.abs(ours - ref)
        for i in range(ref.shape[0]):
            top_ours = list(np.argsort(-ours[i])[:5])
            top_ref = list(np.argsort(-ref[i])[:5])
            print(f"image {i}: vs {label}: max |diff| {diff[i].max():.3g}, largest |logit| {np.abs(ref[i]).max():.3g}, "
                  f"top-5 {'same' if top_ours == top_ref else 'DIFFERENT'} {top_ref}")
        print(f"all images: vs {label}: max |diff| {diff.max():.3g}")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)

"""Writes src/main/resources/org/resnet4j/data/imagenet-classes.txt: ImageNet-1k's class names, one per line in class
index order (0 = tench ... 999 = toilet tissue), as torchvision's weights metadata lists them
(torchvision.models.ResNet50_Weights.IMAGENET1K_V1.meta["categories"], from Debian's python3-torchvision).

Run: /usr/bin/python3 src/test/python/make_imagenet_classes.py
"""
import os

from torchvision.models import ResNet50_Weights

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "resources", "org", "resnet4j",
                   "data", "imagenet-classes.txt")

categories = ResNet50_Weights.IMAGENET1K_V1.meta["categories"]
assert len(categories) == 1000 and all("\n" not in c for c in categories)
with open(OUT, "w", encoding="utf-8") as f:
    f.write("\n".join(categories) + "\n")
print(f"{os.path.relpath(OUT)}: {len(categories)} classes")

#!/usr/bin/python3
"""PyTorch side of the side-by-side benchmarks: times one workload and prints `images_per_second=<n>`.

Run with Debian's own python3 (python3-torch 1.13 with oneDNN), not a pyenv one:
    /usr/bin/python3 benchmarks/pytorch_workloads.py --model resnet20 --mode train --batch 128 --threads 2
Inference uses a frozen TorchScript module (PyTorch's fastest CPU path) unless --eager is given.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class CifarBasicBlock(nn.Module):
    """He et al. 2016 §4.2 block with the option-A shortcut (subsample, then zero-pad channels at the end)."""

    def __init__(self, inp, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.stride = stride
        self.pad = planes - inp

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.stride != 1 or self.pad != 0:
            shortcut = F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, 0, self.pad))
        return F.relu(out + shortcut)


class CifarResNet(nn.Module):
    def __init__(self, n, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        layers, inp = [], 16
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            blocks = []
            for b in range(n):
                blocks.append(CifarBasicBlock(inp, planes, stride if b == 0 else 1))
                inp = planes
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build(name):
    if name.startswith("resnet") and int(name[6:]) in (20, 32, 44, 56, 110, 1202):
        return CifarResNet((int(name[6:]) - 2) // 6), 32
    return getattr(torchvision.models, name)(), 224


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="resnet20")
    p.add_argument("--mode", choices=["train", "infer"], default="train")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--image-size", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--eager", action="store_true", help="inference without TorchScript freezing")
    p.add_argument("--channels-last", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, size = build(a.model)
    size = a.image_size or size
    x = torch.randn(a.batch, 3, size, size)
    y = torch.randint(0, 10 if size == 32 else 1000, (a.batch,))
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)

    if a.mode == "train":
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)

        def step():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            opt.step()
    else:
        model.eval()
        if not a.eager:
            with torch.no_grad():
                model = torch.jit.freeze(torch.jit.script(model))

        def step():
            with torch.no_grad():
                model(x)

    warm_end = time.perf_counter() + min(a.seconds * 0.3, 5.0)
    steps = 0
    while time.perf_counter() < warm_end or steps < 2:
        step()
        steps += 1
    rates = []
    deadline = time.perf_counter() + a.seconds
    while time.perf_counter() < deadline or len(rates) < 3:
        start, n = time.perf_counter(), 0
        while True:
            step()
            n += 1
            if time.perf_counter() - start >= 1.0:
                break
        rates.append(n * a.batch / (time.perf_counter() - start))
    print(f"rounds={len(rates)} min={min(rates):.2f} median={statistics.median(rates):.2f} max={max(rates):.2f}")
    print(f"images_per_second={statistics.median(rates):.2f}")


if __name__ == "__main__":
    main()

"""Writes PyTorch reference results for whole blocks and a CIFAR ResNet-20 to src/test/resources/fixtures/models/.

Run with Debian's python3 (which has python3-torch): /usr/bin/python3 src/test/python/make_model_fixtures.py

Weights and inputs are drawn in float32; every result is computed in float64 from exactly those values and rounded
to float32 when saved. Tensor names are torchvision state_dict keys; gradients are "grad.<parameter name>";
BatchNorm statistics after a training-mode forward pass are "after_forward.<buffer name>". BatchNorm running
statistics, gamma and beta are random (not 0/1), so that eval mode and the running-stat update are really tested.

Files:
  resnet20_weights.safetensors       initial state_dict of the CIFAR ResNet-20 (He et al. 2016, section 4.2)
  resnet20_data.safetensors          input [4,3,32,32], labels, logits_eval, logits_train, loss, grad_input,
                                     grad.<param>, after_forward.<bn buffers>, sgd_losses [3]
  resnet20_sgd3_weights.safetensors  state_dict after 3 SGD steps on the same batch (training mode)
  block_basic_projection.safetensors torchvision BasicBlock 8 -> 16, stride 2, option-B shortcut
  block_bottleneck.safetensors       torchvision Bottleneck (v1.5: stride on the 3x3) 16 -> 8*4, stride 2
"""
import copy
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock, Bottleneck

from safetensors_io import save_fixture

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "models")
SEED = 20151210
COMMON = {"generator": "src/test/python/make_model_fixtures.py", "torch": torch.__version__,
          "reference_precision": "float64", "layout": "NCHW", "bn_eps": 1e-5, "bn_momentum": 0.1}


class CifarBasicBlock(nn.Module):
    """conv3x3(stride)-bn-relu-conv3x3-bn, plus the option-A shortcut, then relu."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.stride = stride
        self.extra_channels = planes - in_planes

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.stride != 1 or self.extra_channels:
            # Option A: subsample, then zero channels appended at the end (no parameters).
            shortcut = F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, 0, self.extra_channels))
        return F.relu(out + shortcut)


class CifarResNet(nn.Module):
    """ResNet-(6n+2) for 32x32 inputs: 16/32/64 filters, n blocks per stage; n = 3 is ResNet-20."""

    def __init__(self, blocks_per_stage=3, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        in_planes = 16
        for index, planes in enumerate((16, 32, 64)):
            blocks = []
            for b in range(blocks_per_stage):
                stride = 2 if index > 0 and b == 0 else 1
                blocks.append(CifarBasicBlock(in_planes, planes, stride))
                in_planes = planes
            setattr(self, f"layer{index + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def randomize(module, gen):
    """Kaiming-normal convs (fan_out, as torchvision), random BN affine and running statistics."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.out_channels * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * (2.0 / fan_out) ** 0.5)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            elif isinstance(m, nn.Linear):
                bound = m.in_features ** -0.5
                m.weight.copy_((torch.rand(m.weight.shape, generator=gen) * 2 - 1) * bound)
                m.bias.copy_((torch.rand(m.out_features, generator=gen) * 2 - 1) * bound)
    # Everything above is float32; the float64 copy holds exactly the same values.
    return module.double()


def state(module, prefix=""):
    return {prefix + k: v.detach().clone() for k, v in module.state_dict().items()}


def bn_buffers(module, prefix):
    return {prefix + k: v.detach().clone() for k, v in module.state_dict().items()
            if k.endswith(("running_mean", "running_var", "num_batches_tracked"))}


def grads(module):
    return {"grad." + name: p.grad.detach().clone() for name, p in module.named_parameters()}


def write(name, tensors, **params):
    path = save_fixture(os.path.join(OUT, name + ".safetensors"), tensors, {**COMMON, **params})
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes")


def resnet20():
    gen = torch.Generator().manual_seed(SEED)
    model = randomize(CifarResNet(3), gen)
    x = torch.randn(4, 3, 32, 32, generator=gen).double()
    labels = torch.randint(0, 10, (4,), generator=gen)
    initial = copy.deepcopy(model)
    description = {"model": "CIFAR ResNet-20 (He et al. 2016, 4.2), option-A shortcuts, all convs bias=False"}
    write("resnet20_weights", state(model), **description)

    model.eval()
    with torch.no_grad():
        logits_eval = model(x)

    model.train()
    x_train = x.clone().requires_grad_()
    logits_train = model(x_train)
    loss = F.cross_entropy(logits_train, labels)
    loss.backward()

    lr, momentum, weight_decay, steps = 0.1, 0.9, 1e-4, 3
    sgd_model = copy.deepcopy(initial).train()
    optimizer = torch.optim.SGD(sgd_model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        step_loss = F.cross_entropy(sgd_model(x), labels)
        step_loss.backward()
        optimizer.step()
        losses.append(step_loss.item())

    data = {"input": x, "labels": labels, "logits_eval": logits_eval, "logits_train": logits_train,
            "loss": loss, "grad_input": x_train.grad, "sgd_losses": torch.tensor(losses, dtype=torch.float64)}
    data.update(grads(model))
    data.update(bn_buffers(model, "after_forward."))
    sgd = {"sgd_lr": lr, "sgd_momentum": momentum, "sgd_weight_decay": weight_decay, "sgd_steps": steps,
           "sgd_nesterov": False, "sgd_weight_decay_on": "every parameter (conv, BN gamma/beta, fc weight/bias)",
           "loss": "mean cross-entropy, no label smoothing", "training": "train mode; same batch every step"}
    write("resnet20_data", data, **description, **sgd,
          sgd_losses_are="loss of each step's forward pass, before that step's update")
    write("resnet20_sgd3_weights", state(sgd_model), **description, **sgd)


def block(name, module, input_shape, gen, **params):
    module = randomize(module, gen)
    x = torch.randn(*input_shape, generator=gen).double()
    tensors = state(module)
    module.eval()
    with torch.no_grad():
        tensors["output_eval"] = module(x)
    module.train()
    x_train = x.clone().requires_grad_()
    out = module(x_train)
    grad_output = torch.randn(*out.shape, generator=gen).double()
    (out * grad_output).sum().backward()
    tensors.update({"input": x, "output": out, "grad_output": grad_output, "grad_input": x_train.grad})
    tensors.update(grads(module))
    tensors.update(bn_buffers(module, "after_forward."))
    write(name, tensors, backward="d sum(output * grad_output), training mode", **params)


def main():
    torch.set_default_dtype(torch.float32)
    os.makedirs(OUT, exist_ok=True)
    resnet20()
    gen = torch.Generator().manual_seed(SEED + 1)
    downsample = nn.Sequential(nn.Conv2d(8, 16, 1, 2, bias=False), nn.BatchNorm2d(16))
    block("block_basic_projection", BasicBlock(8, 16, stride=2, downsample=downsample), (2, 8, 9, 9), gen,
          block="torchvision BasicBlock", in_channels=8, out_channels=16, stride=2,
          shortcut="option B: downsample = 1x1 conv stride 2 + BN")
    downsample = nn.Sequential(nn.Conv2d(16, 32, 1, 2, bias=False), nn.BatchNorm2d(32))
    block("block_bottleneck", Bottleneck(16, 8, stride=2, downsample=downsample), (2, 16, 9, 9), gen,
          block="torchvision Bottleneck v1.5 (stride on the 3x3)", in_channels=16, planes=8, out_channels=32,
          stride=2, shortcut="option B: downsample = 1x1 conv stride 2 + BN")


if __name__ == "__main__":
    main()

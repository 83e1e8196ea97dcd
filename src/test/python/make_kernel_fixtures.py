"""Writes PyTorch reference results for each kernel to src/test/resources/fixtures/kernels/*.safetensors.

Run with Debian's python3 (which has python3-torch): /usr/bin/python3 src/test/python/make_kernel_fixtures.py

Inputs are drawn in float32 and the references computed in float64 from exactly those values, then rounded to
float32: a test's error is the Java kernel's own, not PyTorch's float32 rounding. Layouts are PyTorch's: NCHW
activations, OIHW conv weights, [out, in] linear weights. Backward passes use a random upstream gradient R
("grad_out") and differentiate sum(out * R); cross-entropy differentiates the loss itself.
"""
import os

import torch
import torch.nn.functional as F

from safetensors_io import save_fixture

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "kernels")
SEED = 20161127
GEN = torch.Generator().manual_seed(SEED)
COMMON = {"generator": "src/test/python/make_kernel_fixtures.py", "torch": torch.__version__,
          "reference_precision": "float64", "layout": "NCHW"}


def randn(*shape, scale=1.0):
    """Normal values that are exact float32 numbers, held in float64."""
    return (torch.randn(*shape, generator=GEN) * scale).float().double()


def uniform(*shape, low, high):
    return (torch.rand(*shape, generator=GEN) * (high - low) + low).float().double()


def write(name, tensors, **params):
    path = save_fixture(os.path.join(OUT, name + ".safetensors"), tensors, {**COMMON, "op": name, **params})
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes")


def conv(name, batch, cin, size, cout, kernel, stride, pad, bias):
    x = randn(batch, cin, size, size).requires_grad_()
    weight = randn(cout, cin, kernel, kernel, scale=(2.0 / (cin * kernel * kernel)) ** 0.5).requires_grad_()
    b = randn(cout, scale=0.1).requires_grad_() if bias else None
    out = F.conv2d(x, weight, b, stride=stride, padding=pad)
    grad_out = randn(*out.shape)
    (out * grad_out).sum().backward()
    tensors = {"x": x, "weight": weight, "out": out, "grad_out": grad_out, "grad_x": x.grad,
               "grad_weight": weight.grad}
    if bias:
        tensors.update(bias=b, grad_bias=b.grad)
    write(name, tensors, kernel=kernel, stride=stride, pad=pad, bias=bias)


def batchnorm_training():
    n, c, h, w = 3, 20, 5, 4
    eps, momentum = 1e-5, 0.1
    x = randn(n, c, h, w, scale=2.0).add(0.5).float().double().requires_grad_()
    gamma = uniform(c, low=0.5, high=1.5).requires_grad_()
    beta = randn(c, scale=0.1).requires_grad_()
    running_mean, running_var = randn(c, scale=0.1), uniform(c, low=0.5, high=1.5)
    mean_after, var_after = running_mean.clone(), running_var.clone()
    out = F.batch_norm(x, mean_after, var_after, gamma, beta, training=True, momentum=momentum, eps=eps)
    grad_out = randn(*out.shape)
    (out * grad_out).sum().backward()
    save_mean = x.detach().mean(dim=(0, 2, 3))
    save_invstd = 1.0 / torch.sqrt(x.detach().var(dim=(0, 2, 3), unbiased=False) + eps)
    write("batchnorm_training", {
        "x": x, "weight": gamma, "bias": beta, "running_mean": running_mean, "running_var": running_var,
        "out": out, "save_mean": save_mean, "save_invstd": save_invstd,
        "running_mean_after": mean_after, "running_var_after": var_after,
        "grad_out": grad_out, "grad_x": x.grad, "grad_weight": gamma.grad, "grad_bias": beta.grad,
    }, eps=eps, momentum=momentum, running_var_update="unbiased batch variance")


def batchnorm_eval():
    n, c, h, w = 2, 19, 3, 5
    eps = 1e-5
    x = randn(n, c, h, w)
    gamma, beta = uniform(c, low=0.5, high=1.5), randn(c, scale=0.1)
    running_mean, running_var = randn(c, scale=0.1), uniform(c, low=0.5, high=1.5)
    out = F.batch_norm(x, running_mean, running_var, gamma, beta, training=False, eps=eps)
    write("batchnorm_eval", {"x": x, "weight": gamma, "bias": beta, "running_mean": running_mean,
                             "running_var": running_var, "out": out}, eps=eps)


def max_pool():
    x = randn(2, 18, 9, 9).requires_grad_()
    out = F.max_pool2d(x, kernel_size=3, stride=2, padding=1)
    grad_out = randn(*out.shape)
    (out * grad_out).sum().backward()
    write("maxpool_3x3_s2_p1", {"x": x, "out": out, "grad_out": grad_out, "grad_x": x.grad},
          window=3, stride=2, pad=1)


def global_avg_pool():
    x = randn(3, 20, 7, 7).requires_grad_()
    out = F.adaptive_avg_pool2d(x, 1).flatten(1)
    grad_out = randn(*out.shape)
    (out * grad_out).sum().backward()
    write("global_avgpool", {"x": x, "out": out, "grad_out": grad_out, "grad_x": x.grad}, out_shape="[N, C]")


def linear():
    x = randn(5, 37).requires_grad_()
    weight = randn(19, 37, scale=37 ** -0.5).requires_grad_()
    bias = randn(19, scale=0.1).requires_grad_()
    out = F.linear(x, weight, bias)
    grad_out = randn(*out.shape)
    (out * grad_out).sum().backward()
    write("linear", {"x": x, "weight": weight, "bias": bias, "out": out, "grad_out": grad_out, "grad_x": x.grad,
                     "grad_weight": weight.grad, "grad_bias": bias.grad})


def cross_entropy(name, smoothing):
    logits = randn(6, 10, scale=3.0).requires_grad_()
    labels = torch.randint(0, 10, (6,), generator=GEN)
    loss = F.cross_entropy(logits, labels, label_smoothing=smoothing)
    loss.backward()
    write(name, {"logits": logits, "labels": labels, "loss": loss, "probs": torch.softmax(logits.detach(), dim=1),
                 "grad_logits": logits.grad}, label_smoothing=smoothing, reduction="mean")


def shortcut_option_a():
    """The paper's option A: keep rows/columns 0, s, 2s, ... and append zero channels at the end."""
    stride, out_channels = 2, 12
    x = randn(2, 5, 7, 9).requires_grad_()
    out = F.pad(x[:, :, ::stride, ::stride], (0, 0, 0, 0, 0, out_channels - x.shape[1]))
    grad_out = randn(*out.shape)
    (out * grad_out).sum().backward()
    write("shortcut_option_a", {"x": x, "out": out, "grad_out": grad_out, "grad_x": x.grad},
          stride=stride, out_channels=out_channels)


def sgd():
    """One step of torch.optim.SGD from a non-zero momentum buffer, plain and Nesterov."""
    lr, momentum, weight_decay = 0.1, 0.9, 1e-4
    weight, grad, velocity = randn(53), randn(53), randn(53, scale=0.5)
    tensors = {"weight": weight, "grad": grad, "velocity": velocity}
    for nesterov in (False, True):
        p = torch.nn.Parameter(weight.clone())
        p.grad = grad.clone()
        optimizer = torch.optim.SGD([p], lr=lr, momentum=momentum, weight_decay=weight_decay, nesterov=nesterov)
        optimizer.state[p]["momentum_buffer"] = velocity.clone()
        optimizer.step()
        suffix = "_nesterov" if nesterov else ""
        tensors["weight_after" + suffix] = p.detach().clone()
        tensors["velocity_after" + suffix] = optimizer.state[p]["momentum_buffer"].clone()
    write("sgd", tensors, lr=lr, momentum=momentum, weight_decay=weight_decay, dampening=0)


def main():
    torch.set_default_dtype(torch.float32)
    os.makedirs(OUT, exist_ok=True)
    conv("conv_3x3_s1_p1", batch=2, cin=5, size=9, cout=17, kernel=3, stride=1, pad=1, bias=True)
    conv("conv_1x1_s2_p0", batch=2, cin=6, size=9, cout=20, kernel=1, stride=2, pad=0, bias=False)
    conv("conv_7x7_s2_p3", batch=2, cin=3, size=13, cout=4, kernel=7, stride=2, pad=3, bias=False)
    batchnorm_training()
    batchnorm_eval()
    max_pool()
    global_avg_pool()
    linear()
    cross_entropy("cross_entropy", 0.0)
    cross_entropy("cross_entropy_smoothing", 0.1)
    shortcut_option_a()
    sgd()


if __name__ == "__main__":
    main()

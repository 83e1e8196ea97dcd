"""Writes src/test/resources/fixtures/io/dtypes.safetensors: the same values in F16, BF16 and F64, each with
PyTorch's own conversion to float32 ("<type>_as_f32") for the Java reader to match, plus integer tensors.

Run with Debian's python3 (which has python3-torch): /usr/bin/python3 src/test/python/make_io_fixtures.py
"""
import os

import torch

from safetensors_io import save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "io")


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(7)
    special = torch.tensor([0.0, -0.0, 1.0, -2.5, 0.1, 1.0 / 3, 65504.0, 6.0e-8, 1.0e-5, 3.0e38, -1.0e-40,
                            float("inf"), float("-inf")], dtype=torch.float64)
    values = torch.cat([special, torch.randn(51, generator=gen, dtype=torch.float64) * 100]).reshape(4, 16)
    tensors = {}
    for name, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16), ("f64", torch.float64)):
        stored = values.to(dtype)
        tensors[name] = stored
        tensors[name + "_as_f32"] = stored.to(torch.float32)
    tensors["i64"] = torch.tensor([0, 1, -1, 2 ** 62, -(2 ** 63)], dtype=torch.int64)
    tensors["i64_scalar"] = torch.tensor(42, dtype=torch.int64)
    tensors["i32"] = torch.tensor([[-7, 2 ** 31 - 1]], dtype=torch.int32)
    tensors["u8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    path = os.path.join(OUT, "dtypes.safetensors")
    save(path, tensors, {"generator": "src/test/python/make_io_fixtures.py", "torch": torch.__version__})
    print(f"{os.path.relpath(path)}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()

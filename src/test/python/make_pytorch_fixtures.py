"""Writes src/test/resources/fixtures/pytorch/: small torch.save checkpoints for the Java PyTorch reader, each with
the values it must give, and hostile files it must refuse.

Run with Debian's python3 (which has python3-torch): /usr/bin/python3 src/test/python/make_pytorch_fixtures.py

Every <name>.pth below was written by torch.save itself unless it says otherwise; <name>.safetensors holds what the
reader must give for it: the same tensors, made contiguous by PyTorch, written by safetensors_io.save.

  dtypes.pth          an OrderedDict of F32, F16, BF16, F64, I64 (and a 0-dim I64, as num_batches_tracked), I32,
                      I16, I8, U8 and BOOL tensors; expected: dtypes.safetensors
  dtypes_big_endian.pth
                      dtypes.pth rewritten as PyTorch >= 2.1 writes on a big-endian machine: top folder "archive",
                      a "byteorder" record "big", every storage byte-swapped, plus 2.x's ".data/serialization_id" and
                      ".format_version" records (torch 1.13 cannot write this itself); expected: dtypes.safetensors
  views.pth           non-contiguous and shared tensors: a transposed matrix, a channels-last convolution weight, a
                      slice with a storage offset, an expanded (stride 0) vector, an F16 column, two views of one
                      storage, a tensor saved under two names (tied weights), an empty tensor; expected:
                      views.safetensors
  tiny_checkpoint.pth a training script's checkpoint: {"epoch", "arch", "state_dict" (of a DataParallel model, so
                      every key starts with "module."), "best_acc1", "optimizer" (SGD with momentum buffers),
                      "scheduler", "extras" (None, bools, negative, 4-byte and >64-bit ints, a tuple, a nested list)}
  tiny_examples_checkpoint.pth
                      what pytorch/examples' ImageNet script saves: tiny_checkpoint.pth's keys but "extras", with
                      "best_acc1" a 0-dim tensor (its running average of accuracy tensors) beside the plain values
  tiny_model_key.pth  {"model": state_dict, "epoch": 3}, as torchvision's reference scripts save (without "args")
  tiny_protocol4.pth  the state dict with pickle_protocol=4 (STACK_GLOBAL, FRAME, MEMOIZE, SHORT_BINUNICODE)
  tiny_parameters.pth dict(model.named_parameters()): nn.Parameter objects (torch._utils._rebuild_parameter)
                      expected for all five: tiny.safetensors (the state dict without the prefix)
  tiny_legacy.pth     the state dict with _use_new_zipfile_serialization=False (the pre-1.6 format: refused; its
                      storage keys are memory addresses, so only this file changes from run to run)
  evil_*.pth          refused: torch.save archives whose data.pkl (written by Python's pickle) calls posix.system,
                      __builtin__.eval (protocol 2 maps builtins so), builtins.exec, subprocess.Popen; torch.save of a
                      whole module (__main__.TinyNet); a state dict with an os.system payload among its tensors; a
                      checkpoint with an argparse.Namespace, as torchvision's reference scripts add. The payloads
                      only echo a line.
"""
import argparse
import collections
import io
import os
import pickle
import subprocess
import sys
import zipfile

import torch
import torch.nn as nn

from safetensors_io import save

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "pytorch")
SEED = 20200417
META = {"generator": "src/test/python/make_pytorch_fixtures.py", "torch": torch.__version__}
PAYLOAD = "echo resnet4j test payload: this pickle ran code"


def put(zip_file, name, data):
    """A stored entry with a fixed date, so the fixture's bytes do not depend on when it was made."""
    zip_file.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def write_pth(name, obj, **kwargs):
    path = os.path.join(OUT, name)
    torch.save(obj, path, **kwargs)
    return path


def expected(name, tensors):
    save(os.path.join(OUT, name), {k: v.contiguous() for k, v in tensors.items()}, META)


def dtypes():
    gen = torch.Generator().manual_seed(SEED)
    special = torch.tensor([0.0, -0.0, 1.0, -2.5, 0.1, 1.0 / 3, 65504.0, 6.0e-8, 1.0e-5, 3.0e38, -1.0e-40,
                            float("inf"), float("-inf")], dtype=torch.float64)
    values = torch.cat([special, torch.randn(11, generator=gen, dtype=torch.float64) * 100]).reshape(4, 6)
    sd = collections.OrderedDict()
    sd["f32"] = values.float()
    sd["f16"] = values.half()
    sd["bf16"] = values.bfloat16()
    sd["f64"] = values
    sd["i64"] = torch.tensor([0, 1, -1, 2 ** 62, -(2 ** 63)], dtype=torch.int64)
    sd["bn.num_batches_tracked"] = torch.tensor(42, dtype=torch.int64)
    sd["i32"] = torch.tensor([[-7, 2 ** 31 - 1]], dtype=torch.int32)
    sd["i16"] = torch.tensor([-32768, 300], dtype=torch.int16)
    sd["i8"] = torch.tensor([-128, 5], dtype=torch.int8)
    sd["u8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    write_pth("dtypes.pth", sd)
    expected("dtypes.safetensors", sd)


def storage_types(data_pkl):
    """{storage key: element size} of a torch.save pickle (our own file, so full unpickling is safe here)."""
    sizes = {}

    class Recorder(pickle.Unpickler):
        def persistent_load(self, pid):
            _, storage_type, key, _, numel = pid
            sizes[key] = storage_type(0).element_size()
            return storage_type(numel)

    Recorder(io.BytesIO(data_pkl)).load()
    return sizes


def big_endian_copy(source, target):
    with zipfile.ZipFile(source) as zin:
        top = zin.namelist()[0].split("/")[0]
        records = {n[len(top) + 1:]: zin.read(n) for n in zin.namelist()}
    sizes = storage_types(records["data.pkl"])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        put(zout, "archive/data.pkl", records["data.pkl"])
        put(zout, "archive/byteorder", b"big")
        put(zout, "archive/.format_version", b"1")
        for key, size in sizes.items():
            data = bytearray(records["data/" + key])
            for at in range(0, len(data), size):
                data[at:at + size] = data[at:at + size][::-1]
            put(zout, "archive/data/" + key, bytes(data))
        put(zout, "archive/version", records["version"])
        put(zout, "archive/.data/serialization_id", b"1234567890")


def views():
    gen = torch.Generator().manual_seed(SEED + 1)
    base = torch.randn(6, 5, generator=gen)
    conv = torch.randn(4, 3, 3, 3, generator=gen).to(memory_format=torch.channels_last)
    flat = torch.randn(20, generator=gen)
    tied = torch.randn(3, 2, generator=gen)
    sd = collections.OrderedDict()
    sd["transposed"] = base.t()
    sd["channels_last.weight"] = conv
    sd["slice_with_offset"] = base[2:5, 1::2]
    sd["expanded"] = torch.randn(1, 3, generator=gen).expand(4, 3)
    sd["f16_column"] = torch.randn(5, 4, generator=gen).half()[:, 1]
    sd["shared.first"] = flat[:12].view(3, 4)
    sd["shared.second"] = flat[12:].view(2, 4)
    sd["tied.encoder"] = tied
    sd["tied.decoder"] = tied
    sd["empty"] = torch.zeros(0, 3)
    assert not sd["transposed"].is_contiguous() and not conv.is_contiguous()
    assert sd["slice_with_offset"].storage_offset() > 0 and sd["expanded"].stride()[0] == 0
    assert sd["shared.first"].storage().data_ptr() == sd["shared.second"].storage().data_ptr()
    write_pth("views.pth", sd)
    expected("views.safetensors", sd)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).mean((2, 3)))


def tiny():
    torch.manual_seed(SEED + 2)
    model = TinyNet()
    with torch.no_grad():
        model.bn.running_mean.normal_()
        model.bn.running_var.uniform_(0.5, 2)
        model.bn.num_batches_tracked.fill_(5)
    snapshot = {k: v.clone() for k, v in model.state_dict().items()}
    expected("tiny.safetensors", snapshot)

    wrapped = nn.DataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 30)
    model(torch.randn(2, 3, 5, 5)).sum().backward()
    optimizer.step()
    scheduler.step()
    model.load_state_dict(snapshot)  # the step moved the weights: save the ones tiny.safetensors holds
    sd = model.state_dict()
    checkpoint = {"epoch": 7, "arch": "tiny", "state_dict": wrapped.state_dict(), "best_acc1": 0.875,
                  "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                  "extras": [None, True, False, -5, 70000, -(2 ** 40), 2 ** 70, (1, 2.5, "x"), [[1], {"k": 1.5}]]}
    assert all(k.startswith("module.") for k in checkpoint["state_dict"])
    write_pth("tiny_checkpoint.pth", checkpoint)
    write_pth("tiny_examples_checkpoint.pth", {"epoch": 7, "arch": "tiny", "state_dict": wrapped.state_dict(),
                                               "best_acc1": torch.tensor(87.5), "optimizer": optimizer.state_dict(),
                                               "scheduler": scheduler.state_dict()})
    write_pth("tiny_model_key.pth", {"model": sd, "epoch": 3})
    write_pth("tiny_protocol4.pth", sd, pickle_protocol=4)
    write_pth("tiny_parameters.pth", dict(model.named_parameters()))
    write_pth("tiny_legacy.pth", sd, _use_new_zipfile_serialization=False)
    return sd


class Call:
    """Pickles as a call of func(*args): what a malicious checkpoint does."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def archive(name, data_pkl):
    """A torch.save-shaped zip around data_pkl (no storages)."""
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_STORED) as z:
        put(z, "archive/data.pkl", data_pkl)
        put(z, "archive/version", b"3\n")


def evil(sd):
    archive("evil_posix_system.pth", pickle.dumps(Call(os.system, PAYLOAD), protocol=2))
    archive("evil_builtin_eval.pth", pickle.dumps(Call(eval, f"__import__('os').system({PAYLOAD!r})"), protocol=2))
    archive("evil_builtins_exec.pth", pickle.dumps(Call(exec, f"import os; os.system({PAYLOAD!r})"), protocol=2,
                                                   fix_imports=False))
    archive("evil_subprocess.pth", pickle.dumps(Call(subprocess.Popen, PAYLOAD.split()), protocol=2,
                                                fix_imports=False))
    torch.manual_seed(SEED + 3)
    write_pth("evil_whole_module.pth", TinyNet())
    poisoned = collections.OrderedDict(sd)
    poisoned["bn.running_var"] = Call(os.system, PAYLOAD)
    write_pth("evil_in_state_dict.pth", poisoned)
    write_pth("evil_argparse.pth", {"model": sd, "args": argparse.Namespace(lr=0.1, epochs=90)})
    for name, needle in (("evil_posix_system.pth", b"posix\nsystem"), ("evil_builtin_eval.pth", b"__builtin__\neval"),
                         ("evil_builtins_exec.pth", b"builtins\nexec"), ("evil_subprocess.pth", b"subprocess\nPopen"),
                         ("evil_whole_module.pth", b"__main__\nTinyNet"), ("evil_in_state_dict.pth", b"posix\nsystem"),
                         ("evil_argparse.pth", b"argparse\nNamespace")):
        with zipfile.ZipFile(os.path.join(OUT, name)) as z:
            pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
            assert needle in z.read(pkl), (name, needle)


def main():
    assert sys.byteorder == "little"
    os.makedirs(OUT, exist_ok=True)
    dtypes()
    big_endian_copy(os.path.join(OUT, "dtypes.pth"), os.path.join(OUT, "dtypes_big_endian.pth"))
    views()
    sd = tiny()
    evil(sd)
    total = 0
    for name in sorted(os.listdir(OUT)):
        size = os.path.getsize(os.path.join(OUT, name))
        total += size
        print(f"{name}: {size} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()

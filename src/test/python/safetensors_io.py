"""A minimal safetensors writer (struct + json), so the fixture scripts need nothing beyond torch.

Layout, as the reference implementation writes it: u64 little-endian header length N, N bytes of UTF-8 JSON
({"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}), padded with spaces to a multiple of 8,
then the tensors' raw little-endian bytes back to back, sorted by name.
"""
import json
import struct
import sys

import torch

DTYPE_NAMES = {
    torch.float64: "F64",
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def _raw_bytes(tensor):
    flat = tensor.detach().cpu().contiguous().reshape(-1)
    if flat.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the same 16 bits.
        flat = flat.view(torch.int16)
    return flat.numpy().tobytes()


def save(path, tensors, metadata=None):
    """Writes {name: tensor} and an optional {str: str-able} metadata map to path."""
    assert sys.byteorder == "little", "the format is little-endian; this writer copies memory as is"
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name]
        data = _raw_bytes(tensor)
        header[name] = {
            "dtype": DTYPE_NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for data in blobs:
            out.write(data)


def save_fixture(path, tensors, metadata=None):
    """As save(), with float64 references rounded to float32 (the precision the Java kernels work in)."""
    converted = {}
    for name, tensor in tensors.items():
        tensor = tensor.detach()
        converted[name] = tensor.float() if tensor.dtype == torch.float64 else tensor
    save(path, converted, metadata)
    return path

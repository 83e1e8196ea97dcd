"""PNG colour types and bit depths beyond the photographs of make_image_fixtures.py, with what Pillow decodes.

    /usr/bin/python3 src/test/python/make_png_variant_fixtures.py

Writes src/test/resources/fixtures/images/png_variants/: tiny PNGs built chunk by chunk (so every colour type, bit
depth, tRNS and interlacing is exactly the one named) and expected.safetensors holding, per file, Pillow's
convert("RGB") as uint8 [H, W, 3] ("<name>.rgb"): what torchvision's default loader gives.

  grey16.png      colour type 0, 16 bits: Pillow opens it as mode "I" and convert("RGB") clips each value to 255,
                  it does not take the high byte
  grey16_trns.png the same with a tRNS chunk
  greya16.png     grey + alpha, 16 bits: the high byte
  rgb16.png       RGB, 16 bits: the high byte
  rgba16.png      RGBA, 16 bits: the high byte
  grey1/2/4.png   low bit depths: scaled to 0..255
  palette_trns.png, rgb_trns.png, grey_trns.png, interlaced.png
"""
import io
import os
import struct
import sys
import zlib

try:
    import numpy as np
    import torch
    from PIL import Image
except ImportError as e:
    print(f"cannot import: {e}")
    sys.exit(3)

from safetensors_io import save

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fixtures", "images", "png_variants")
W, H = 7, 3


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(colour_type, depth, rows, extra=b"", interlace=0, palette=None):
    """rows: one bytes object per scanline (without the filter byte)."""
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, depth, colour_type, 0, 0, interlace))
    if palette is not None:
        out += chunk(b"PLTE", palette)
    out += extra
    out += chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + r for r in rows)))
    return out + chunk(b"IEND", b"")


def samples16(values):
    return b"".join(struct.pack(">H", v) for v in values)


def packed(values, depth):
    bits = "".join(format(v, f"0{depth}b") for v in values)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


def files():
    # 16-bit values that tell clipping (v > 255 -> 255) from taking the high byte (v >> 8) apart.
    v16 = [0, 7, 200, 255, 256, 4660, 65535]
    f = {}
    grey16 = [samples16([(v + 977 * y) % 65536 if y else v for v in v16]) for y in range(H)]
    f["grey16.png"] = png(0, 16, grey16)
    f["grey16_trns.png"] = png(0, 16, grey16, extra=chunk(b"tRNS", struct.pack(">H", 4660)))
    f["greya16.png"] = png(4, 16, [samples16([x for v in v16 for x in (v, 65535 - v)]) for _ in range(H)])
    f["rgb16.png"] = png(2, 16, [samples16([x for v in v16 for x in (v, 65535 - v, (v * 3) % 65536)])
                                 for _ in range(H)])
    f["rgba16.png"] = png(6, 16, [samples16([x for v in v16 for x in (v, 65535 - v, 300, v)]) for _ in range(H)])
    for depth in (1, 2, 4):
        top = (1 << depth) - 1
        f[f"grey{depth}.png"] = png(0, depth, [packed([(x + y) % (top + 1) for x in range(W)], depth)
                                               for y in range(H)])
    palette = bytes([10, 20, 30, 200, 100, 50, 0, 255, 128, 255, 255, 255])
    f["palette_trns.png"] = png(3, 8, [bytes([(x + y) % 4 for x in range(W)]) for y in range(H)],
                                extra=chunk(b"tRNS", bytes([0, 128])), palette=palette)
    f["rgb_trns.png"] = png(2, 8, [bytes([(x * 40 + c * 7 + y) % 256 for x in range(W) for c in range(3)])
                                   for y in range(H)], extra=chunk(b"tRNS", struct.pack(">HHH", 40, 47, 54)))
    f["grey_trns.png"] = png(0, 8, [bytes([(x * 37 + y) % 256 for x in range(W)]) for y in range(H)],
                             extra=chunk(b"tRNS", struct.pack(">H", 37)))
    # Adam7: the seven passes' sub-images, one after the other, each scanline with its own filter byte.
    pixels = [[bytes([(x * 50 + y * 20 + c * 90) % 256 for c in range(3)]) for x in range(W)] for y in range(H)]
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        for y in range(y0, H, dy):
            row = b"".join(pixels[y][x] for x in range(x0, W, dx))
            if row:
                raw += b"\x00" + row
    f["interlaced.png"] = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 1))
                           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return f


def main():
    os.makedirs(OUT, exist_ok=True)
    tensors = {}
    for name, data in sorted(files().items()):
        with open(os.path.join(OUT, name), "wb") as out:
            out.write(data)
        img = Image.open(io.BytesIO(data))
        tensors[name + ".rgb"] = torch.from_numpy(np.asarray(img.convert("RGB"), dtype=np.uint8).copy())
    save(os.path.join(OUT, "expected.safetensors"), tensors,
         {"generator": "src/test/python/make_png_variant_fixtures.py", "pillow": Image.__version__})
    print(f"{os.path.relpath(OUT)}: {len(os.listdir(OUT))} files")


if __name__ == "__main__":
    main()

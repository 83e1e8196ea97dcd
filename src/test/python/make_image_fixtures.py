"""Image decoding and torchvision preprocessing references for the Java images package.

    /usr/bin/python3 src/test/python/make_image_fixtures.py           # the small committed fixtures
    /usr/bin/python3 src/test/python/make_image_fixtures.py --live D  # full-size photographs and the ImageNet transform

Sources are real photographs that Debian's python3-skimage ships (public domain or CC0: the astronaut, NASA; the cat
"chelsea", the coffee cup, the rocket, NASA; "camera"), so the checks run on photographic content, not noise.

Committed mode writes, into src/test/resources/fixtures/images/, small files of each kind the decoder must read (PNG
RGB, RGBA, grey, palette; JPEG baseline, progressive, grey, with EXIF orientations; a CMYK JPEG it must refuse) and
expected.safetensors holding, per file, what Pillow decodes ("<name>.rgb", uint8 [H, W, 3] after convert("RGB") and,
for JPEG orientations, exif_transpose), the bytes after torchvision's Resize(40) ("<name>.resized") and the tensor after
CenterCrop(32), ToTensor and Normalize(ImageNet) ("<name>.tensor", float32 [3, 32, 32]); "<name>.crop50" pads: it is
CenterCrop(50) of the Resize(40) image.

Live mode copies the full-size photographs into D and writes D/expected.safetensors with torchvision's ImageNet
evaluation transform (Resize(256), CenterCrop(224), ToTensor, Normalize) of each, and D/resnet18.pth (torchvision's
resnet18, seeded random weights and batch-norm statistics, saved with torch.save) with its logits for every
photograph ("<photo>.logits", computed in float64) for the classify test. Exit status 3: torch, torchvision or skimage
cannot be imported.
"""
import io
import os
import shutil
import sys

try:
    import numpy as np
    import skimage
    import torch
    import torchvision
    from PIL import Image, ImageOps
    from torchvision import transforms
except ImportError as e:  # the Java test turns this into a skip
    print(f"cannot import: {e}")
    sys.exit(3)

from safetensors_io import save
from torchvision_reference import randomize_batch_norms

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fixtures", "images")
DATA = os.path.join(os.path.dirname(skimage.__file__), "data")
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def source(name, size=None, mode="RGB"):
    img = Image.open(os.path.join(DATA, name)).convert(mode)
    return img.resize(size, Image.LANCZOS) if size else img


def exif_with_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def small_files():
    """{file name: bytes} of every kind the decoder reads, from downscaled photographs of varied aspect ratios."""
    files = {}

    def keep(name, img, fmt, **options):
        buf = io.BytesIO()
        img.save(buf, fmt, **options)
        files[name] = buf.getvalue()

    chelsea = source("chelsea.png", (75, 50))
    coffee = source("coffee.png", (66, 44))
    rocket = source("rocket.jpg", (43, 64))
    astronaut = source("astronaut.png", (48, 48))
    camera = source("camera.png", (35, 50), mode="L")
    keep("rgb.png", chelsea, "PNG")
    rgba = astronaut.copy()
    rgba.putalpha(Image.linear_gradient("L").resize((48, 48)))
    keep("rgba.png", rgba, "PNG")
    keep("grey.png", camera, "PNG")
    keep("palette.png", coffee.quantize(64), "PNG")
    keep("baseline.jpg", rocket, "JPEG", quality=90)
    keep("progressive.jpg", coffee, "JPEG", quality=85, progressive=True)
    keep("grey.jpg", camera, "JPEG", quality=90)
    keep("subsampled.jpg", chelsea, "JPEG", quality=75, subsampling=2)  # 4:2:0 chroma
    for orientation in (3, 6, 8):
        keep(f"exif{orientation}.jpg", chelsea, "JPEG", quality=90, exif=exif_with_orientation(orientation))
    keep("cmyk.jpg", chelsea.convert("CMYK"), "JPEG", quality=90)
    return files


def decoded(data):
    img = Image.open(io.BytesIO(data))
    img = ImageOps.exif_transpose(img)
    return img.convert("RGB")


def as_uint8(img):
    return torch.from_numpy(np.asarray(img, dtype=np.uint8).copy())


def committed():
    os.makedirs(OUT, exist_ok=True)
    resize = transforms.Resize(40)
    tail = transforms.Compose([transforms.CenterCrop(32), transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    tensors = {}
    for name, data in sorted(small_files().items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        img = decoded(data)
        resized = resize(img)
        tensors[name + ".rgb"] = as_uint8(img)
        tensors[name + ".resized"] = as_uint8(resized)
        tensors[name + ".tensor"] = tail(resized).contiguous()
        tensors[name + ".crop50"] = as_uint8(transforms.CenterCrop(50)(resized))
    path = os.path.join(OUT, "expected.safetensors")
    save(path, tensors, {"generator": "src/test/python/make_image_fixtures.py", "torchvision": transforms.__name__,
                         "pillow": Image.__version__, "torch": torch.__version__})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{os.path.relpath(OUT)}: {len(os.listdir(OUT))} files, {total} bytes")


LIVE_PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png", "motorcycle_left.png",
               "hubble_deep_field.jpg", "retina.jpg"]


def live(directory):
    os.makedirs(directory, exist_ok=True)
    transform = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                                    transforms.Normalize(MEAN, STD)])
    tensors = {}
    for name in LIVE_PHOTOS:
        path = os.path.join(DATA, name)
        if not os.path.exists(path):
            continue
        shutil.copy(path, os.path.join(directory, name))
        with open(path, "rb") as f:
            img = decoded(f.read())
        tensors[name + ".tensor"] = transform(img).contiguous()
        tensors[name + ".size"] = torch.tensor([img.width, img.height], dtype=torch.int64)
    torch.manual_seed(20161127)
    model = torchvision.models.resnet18()
    randomize_batch_norms(model, torch.Generator().manual_seed(5))
    torch.save(model.state_dict(), os.path.join(directory, "resnet18.pth"))
    model = model.double().eval()
    with torch.no_grad():
        for name in LIVE_PHOTOS:
            if name + ".tensor" in tensors:
                tensors[name + ".logits"] = model(tensors[name + ".tensor"].double().unsqueeze(0))[0].float()
    save(os.path.join(directory, "expected.safetensors"), tensors, {"photos": ",".join(sorted(
        n for n in LIVE_PHOTOS if n + ".tensor" in tensors))})


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--live":
        live(sys.argv[2])
    else:
        committed()

#!/usr/bin/python3
"""Convolution passes on the ResNet shapes: resnet4j (JMH, ConvBenchmark) and PyTorch (oneDNN) in the same run.

    ./mvnw -q -ntp install -DskipTests && ./mvnw -q -ntp -f benchmarks/pom.xml package
    /usr/bin/python3 benchmarks/conv_vs_pytorch.py --threads 2

Prints, per shape and pass: milliseconds, GFLOP/s (2 x multiply-adds per second), % of the machine's FP32 peak, and
the ratio of resnet4j's speed to PyTorch's (above 1: resnet4j is faster). PyTorch is timed in NCHW and in
channels_last; the faster of the two is the yardstick.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# name: (batch, in, h, w, out, kernel, stride, pad), the same table as ConvShapes.java
SHAPES = {
    "cifar_16x32x32": (128, 16, 32, 32, 16, 3, 1, 1),
    "cifar_32x16x16": (128, 32, 16, 16, 32, 3, 1, 1),
    "cifar_64x8x8": (128, 64, 8, 8, 64, 3, 1, 1),
    "cifar_16to32_s2": (128, 16, 32, 32, 32, 3, 2, 1),
    "cifar_32to64_s2": (128, 32, 16, 16, 64, 3, 2, 1),
    "imagenet_3x3_64x56x56": (16, 64, 56, 56, 64, 3, 1, 1),
    "imagenet_1x1_256to64x56x56": (16, 256, 56, 56, 64, 1, 1, 0),
    "imagenet_7x7s2_stem": (16, 3, 224, 224, 64, 7, 2, 3),
}
PASSES = ["forward", "backwardData", "backwardWeights"]


def macs(s):
    n, c, h, w, o, k, st, p = s
    oh, ow = (h + 2 * p - k) // st + 1, (w + 2 * p - k) // st + 1
    return n * o * oh * ow * c * k * k


def time_torch(s, which, channels_last, seconds=1.5):
    n, c, h, w, o, k, st, p = s
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    x = torch.randn(n, c, h, w).contiguous(memory_format=fmt)
    wt = torch.randn(o, c, k, k).contiguous(memory_format=fmt)
    y = F.conv2d(x, wt, stride=st, padding=p)
    gy = torch.randn_like(y)
    if which == "forward":
        fn = lambda: F.conv2d(x, wt, stride=st, padding=p)
    elif which == "backwardData":
        fn = lambda: torch.ops.aten.convolution_backward(gy, x, wt, None, [st, st], [p, p], [1, 1], False, [0, 0], 1,
                                                         [True, False, False])
    else:
        fn = lambda: torch.ops.aten.convolution_backward(gy, x, wt, None, [st, st], [p, p], [1, 1], False, [0, 0], 1,
                                                         [False, True, False])
    for _ in range(3):
        fn()
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_jmh(threads, java):
    jar = os.path.join(HERE, "target", "benchmarks.jar")
    if not os.path.exists(jar):
        sys.exit("build the benchmarks first: ./mvnw -q install -DskipTests && ./mvnw -q -f benchmarks/pom.xml package")
    out = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    subprocess.run([java, "--add-modules", "jdk.incubator.vector", "-jar", jar, "ConvBenchmark", "-p",
                    f"threads={threads}", "-f", "1", "-wi", "2", "-w", "1", "-i", "3", "-r", "1", "-rf", "json",
                    "-rff", out], check=True, stdout=subprocess.DEVNULL)
    result = {}
    for r in json.load(open(out)):
        result[(r["params"]["shape"], r["benchmark"].rsplit(".", 1)[1])] = r["primaryMetric"]["score"] / 1000.0
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--peak", type=float, default=0,
                   help="FP32 peak GFLOP/s of this machine for the %% column (default: measured FMA-loop figures per thread)")
    a = p.parse_args()
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    torch.set_num_threads(a.threads)
    avx512 = "avx512f" in open("/proc/cpuinfo").read()
    # 263 GFLOP/s per thread with AVX-512 (a 12-accumulator Vector API FMA loop); ~58 measured with AVX2 on the machine of docs/performance.md.
    peak = a.peak or (263.0 if avx512 else 58.0) * a.threads
    ours = run_jmh(a.threads, java)
    print(f"threads={a.threads} peak={peak:.0f} GFLOP/s ({'AVX-512' if avx512 else 'AVX2'})")
    print("| shape | pass | resnet4j ms | GFLOP/s | % peak | PyTorch ms | PyTorch GFLOP/s | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, s in SHAPES.items():
        flops = 2.0 * macs(s)
        for which in PASSES:
            t_ours = ours.get((name, which))
            t_torch = min(time_torch(s, which, False), time_torch(s, which, True))
            g_ours = flops / t_ours / 1e9
            g_torch = flops / t_torch / 1e9
            print(f"| {name} | {which} | {t_ours * 1e3:.2f} | {g_ours:.0f} | {100 * g_ours / peak:.0f} % | "
                  f"{t_torch * 1e3:.2f} | {g_torch:.0f} | {t_torch / t_ours:.2f} |", flush=True)


if __name__ == "__main__":
    main()

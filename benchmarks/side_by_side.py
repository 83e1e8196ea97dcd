#!/usr/bin/python3
"""Runs each workload in PyTorch and in resnet4j alternately, several rounds, and prints the median images/s of each
and their ratio. These are the numbers quoted in docs/performance.md.

    ./mvnw -q -ntp package -DskipTests        # builds target/resnet4j-cli.jar (JDK 25)
    /usr/bin/python3 benchmarks/side_by_side.py --rounds 3 --seconds 8 --threads 2 [--only resnet20:train:128]

Each round runs `java ... resnet4j-cli.jar bench` and `benchmarks/pytorch_workloads.py` one after the other, so
both see the same machine state; the ratio is taken per round and its median reported.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOADS = [
    # (model, mode, batch, PyTorch variant flags)
    ("resnet20", "train", 128, []),
    ("resnet56", "train", 128, []),
    ("resnet110", "train", 128, []),
    ("resnet20", "infer", 128, ["--eager"]),
    ("resnet50", "infer", 16, []),
    ("resnet50", "infer", 1, []),
    ("resnet50", "train", 16, []),
    ("resnet18", "infer", 16, ["--eager"]),
]
GFLOP_PER_IMAGE = {"resnet20": 0.0406 * 2, "resnet56": 0.1254 * 2, "resnet110": 0.2530 * 2,
                   "resnet50": 4.089 * 2, "resnet18": 1.814 * 2}
# FP32 FMA peak per thread: 263 GFLOP/s with AVX-512 (PERF-NOTES), ~58 measured with AVX2 on the 2-vCPU machine
# that produced docs/performance.md (a Java FMA loop: 70 on one thread, 115 on two). Override with --peak.
PEAK_PER_THREAD = 263.0 if "avx512f" in open("/proc/cpuinfo").read() else 58.0


def java_home():
    home = os.environ.get("JAVA_HOME", "")
    for candidate in [home, "/usr/lib/jvm/temurin-25-jdk-amd64"]:
        if candidate and os.path.exists(os.path.join(candidate, "bin", "java")):
            return candidate
    sys.exit("set JAVA_HOME to a JDK 25")


def rate(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = [l for l in out.stdout.strip().splitlines() if l.startswith("images_per_second=")]
    if out.returncode != 0 or not lines:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stdout}\n{out.stderr}")
    return float(lines[-1].split("=")[1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", default="", help="comma-separated model:mode:batch to run")
    p.add_argument("--peak", type=float, default=0, help="FP32 peak GFLOP/s for the % column")
    a = p.parse_args()
    java = os.path.join(java_home(), "bin", "java")
    jar = os.path.join(ROOT, "target", "resnet4j-cli.jar")
    only = set(filter(None, a.only.split(",")))
    peak = a.peak or PEAK_PER_THREAD * a.threads
    print(f"| workload | resnet4j images/s | PyTorch images/s | ratio | resnet4j GFLOP/s | % of peak |")
    print(f"(ratio = median over rounds of resnet4j/PyTorch measured back to back; peak {peak:.0f} GFLOP/s)")
    print(f"| --- | --- | --- | --- | --- | --- |")
    for model, mode, batch, flags in WORKLOADS:
        key = f"{model}:{mode}:{batch}"
        if only and key not in only:
            continue
        ours, theirs, ratios = [], [], []
        for _ in range(a.rounds):
            r = rate([java, "--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx12g", "-jar", jar,
                      "bench", "--model", model, "--mode", mode, "--batch", str(batch), "--threads",
                      str(a.threads), "--seconds", str(a.seconds)])
            t = rate(["/usr/bin/python3", os.path.join(HERE, "pytorch_workloads.py"), "--model", model, "--mode",
                      mode, "--batch", str(batch), "--threads", str(a.threads), "--seconds", str(a.seconds)] + flags)
            ours.append(r)
            theirs.append(t)
            ratios.append(r / t)
        m = statistics.median(ours)
        flops = m * GFLOP_PER_IMAGE[model] * (3 if mode == "train" else 1)
        variant = " (PyTorch eager)" if "--eager" in flags else (" (PyTorch frozen TorchScript)" if mode == "infer" else "")
        print(f"| {key}{variant} | {m:.1f} | {statistics.median(theirs):.1f} | {statistics.median(ratios):.2f} | "
              f"{flops:.0f} | {100 * flops / peak:.0f} % |", flush=True)


if __name__ == "__main__":
    main()

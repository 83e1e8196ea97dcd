#!/usr/bin/python3
"""Runs each workload in PyTorch and in resnet4j alternately, several rounds, and prints the median images/s of each
and their ratio, with each side's peak resident memory. These are the numbers quoted in docs/performance.md.

    ./resnet4j --version                      # builds target/resnet4j-cli.jar (JDK 25)
    /usr/bin/python3 benchmarks/side_by_side.py --rounds 3 --seconds 8 --threads 2 [--only resnet20:train:128]

Each round runs `java ... resnet4j-cli.jar bench` and `benchmarks/pytorch_workloads.py` one after the other, so
both see the same machine state; the ratio is taken per round and its median reported. With --scaling it runs
resnet4j on 1 thread and on --threads instead and reports the speed-up.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

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
# FP32 FMA peak per thread: 263 GFLOP/s with AVX-512 (a 12-accumulator Vector API FMA loop), ~58 measured with AVX2
# on the 2-vCPU machine that produced docs/performance.md (a Java FMA loop: 70 on one thread, 115 on two). Override
# with --peak.
PEAK_PER_THREAD = 263.0 if "avx512f" in open("/proc/cpuinfo").read() else 58.0


def java_home():
    home = os.environ.get("JAVA_HOME", "")
    for candidate in [home, "/usr/lib/jvm/temurin-25-jdk-amd64"]:
        if candidate and os.path.exists(os.path.join(candidate, "bin", "java")):
            return candidate
    sys.exit("set JAVA_HOME to a JDK 25")


def rate(cmd, env=None):
    """images/s from the command's last `images_per_second=` line, and the command's peak resident memory in MB."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, cwd=ROOT, env=env)
        # wait4 gives this child's own rusage (ru_maxrss in KB on Linux), not the running total of all children.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = [l for l in stdout.strip().splitlines() if l.startswith("images_per_second=")]
    if child.returncode != 0 or not lines:
        sys.exit(f"failed: {' '.join(cmd)}\n{stdout}\n{stderr}")
    return float(lines[-1].split("=")[1]), usage.ru_maxrss / 1024


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", default="", help="comma-separated model:mode:batch to run")
    p.add_argument("--peak", type=float, default=0, help="FP32 peak GFLOP/s for the %% column")
    p.add_argument("--isa", choices=["native", "avx2"], default="native",
                   help="avx2: both sides limited to AVX2 on an AVX-512 machine (the JVM with -XX:UseAVX=2, so 8-lane "
                        "vectors and 16 registers; PyTorch with ATEN_CPU_CAPABILITY=avx2, oneDNN and MKL likewise)")
    p.add_argument("--scaling", action="store_true",
                   help="instead of PyTorch, run resnet4j on 1 thread and on --threads, and print their ratio")
    a = p.parse_args()
    java = os.path.join(java_home(), "bin", "java")
    jar = os.path.join(ROOT, "target", "resnet4j-cli.jar")
    only = set(filter(None, a.only.split(",")))
    peak = a.peak or PEAK_PER_THREAD * a.threads

    jvm_isa = ["-XX:UseAVX=2"] if a.isa == "avx2" else []
    torch_env = dict(os.environ, ATEN_CPU_CAPABILITY="avx2", DNNL_MAX_CPU_ISA="AVX2", ONEDNN_MAX_CPU_ISA="AVX2",
                     MKL_ENABLE_INSTRUCTIONS="AVX2") if a.isa == "avx2" else None

    def ours(model, mode, batch, threads):
        return rate([java, "--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC"] + jvm_isa + ["-jar", jar, "bench",
                     "--model", model, "--mode", mode, "--batch", str(batch), "--threads", str(threads),
                     "--seconds", str(a.seconds)])

    def pytorch(model, mode, batch, flags):
        return rate(["/usr/bin/python3", os.path.join(HERE, "pytorch_workloads.py"), "--model", model, "--mode",
                     mode, "--batch", str(batch), "--threads", str(a.threads), "--seconds", str(a.seconds)] + flags,
                    torch_env)

    if a.scaling:
        print(f"| workload | 1 thread images/s | {a.threads} threads images/s | speed-up |")
        print(f"| --- | --- | --- | --- |")
    else:
        print(f"| workload | resnet4j images/s | PyTorch images/s | ratio | resnet4j GFLOP/s | % of peak "
              f"| resnet4j peak RSS MB | PyTorch peak RSS MB |")
        print(f"(ratio = median over rounds of resnet4j/PyTorch measured back to back; peak {peak:.0f} GFLOP/s)")
        print(f"| --- | --- | --- | --- | --- | --- | --- | --- |")
    for model, mode, batch, flags in WORKLOADS:
        key = f"{model}:{mode}:{batch}"
        if only and key not in only:
            continue
        first, second, ratios, first_mb, second_mb = [], [], [], [], []
        for _ in range(a.rounds):
            r, r_mb = ours(model, mode, batch, 1 if a.scaling else a.threads)
            t, t_mb = ours(model, mode, batch, a.threads) if a.scaling else pytorch(model, mode, batch, flags)
            first.append(r)
            second.append(t)
            first_mb.append(r_mb)
            second_mb.append(t_mb)
            ratios.append(t / r if a.scaling else r / t)
        if a.scaling:
            print(f"| {key} | {statistics.median(first):.1f} | {statistics.median(second):.1f} | "
                  f"{statistics.median(ratios):.2f} |", flush=True)
            continue
        m = statistics.median(first)
        flops = m * GFLOP_PER_IMAGE[model] * (3 if mode == "train" else 1)
        variant = " (PyTorch eager)" if "--eager" in flags else (" (PyTorch frozen TorchScript)" if mode == "infer" else "")
        print(f"| {key}{variant} | {m:.1f} | {statistics.median(second):.1f} | {statistics.median(ratios):.2f} | "
              f"{flops:.0f} | {100 * flops / peak:.0f} % | {max(first_mb):.0f} | {max(second_mb):.0f} |", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Where a training (or inference) step spends its time, per kernel and pass, from JDK Flight Recorder samples.

    ./resnet4j --version                      # builds target/resnet4j-cli.jar (library and cli/) when stale
    /usr/bin/python3 benchmarks/profile_training_step.py --model resnet20 --mode train --batch 128 --threads 2

Runs `resnet4j-cli.jar bench` under JFR (execution samples of every thread, pool workers included) and attributes
each sample to the resnet4j kernel method it is in (SimdConvolution.forward, SimdBatchNorm.backward, ...), so
lambdas run by pool workers count for the kernel that spawned them. Prints the share of samples per kernel and pass.
"""
import argparse
import collections
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KERNEL = re.compile(r"org\.resnet4j\.kernels\.(?:simd|scalar)\.(\w+)\.(?:lambda\$)?(\w+?)(?:\$\d+)?\(")
# Helper classes of a kernel, counted as that kernel's pass.
HELPERS = {"ConvWeightGradientPlan": "Convolution.backwardWeights", "ConvForwardPlanes": "Convolution.forward",
           "ConvForward": "Convolution.forward", "ConvBackwardDataPhases": "Convolution.backwardData",
           "ConvBackwardData": "Convolution.backwardData", "Ranges": "(pool worker: batch norm or elementwise)"}
# Micro-kernels and their dispatch, shared by several passes: a sample there counts for the outermost kernel frame.
SHARED = {"ConvMicroKernels", "ConvWideKernels", "ConvWeightGradKernels", "ConvWideWeightGradKernels", "ConvTiles"}
LAYER = re.compile(r"org\.resnet4j\.(?:nn|models|train|data)\.(\w+)\.(\w+)\(")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="resnet20")
    p.add_argument("--mode", default="train")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=15)
    a = p.parse_args()
    java_home = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    recording = os.path.join(tempfile.mkdtemp(), "step.jfr")
    subprocess.run([os.path.join(java_home, "bin", "java"), "--add-modules", "jdk.incubator.vector",
                    f"-XX:StartFlightRecording=filename={recording},settings=profile", "-XX:+UseParallelGC",
                    "-jar", os.path.join(ROOT, "target", "resnet4j-cli.jar"), "bench", "--model", a.model, "--mode",
                    a.mode, "--batch", str(a.batch), "--threads", str(a.threads), "--seconds", str(a.seconds)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = subprocess.run([os.path.join(java_home, "bin", "jfr"), "print", "--events", "jdk.ExecutionSample",
                           recording], check=True, capture_output=True, text=True).stdout
    counts = collections.Counter()
    for event in text.split("jdk.ExecutionSample")[1:]:
        # Frames are printed innermost first; the outermost kernel frame names the kernel and pass.
        kernels = KERNEL.findall(event)
        if kernels:
            named = [k for k in kernels if k[0] not in HELPERS and k[0] not in SHARED]
            if named:
                cls, method = named[-1]
                counts[f"{cls.replace('Simd', '').replace('Scalar', '')}.{method}"] += 1
            else:
                counts[HELPERS.get(kernels[-1][0], "Convolution (micro-kernel)")] += 1
            continue
        layers = LAYER.findall(event)
        counts[f"(outside kernels) {layers[0][0]}.{layers[0][1]}" if layers else "(JVM, GC, other)"] += 1
    total = sum(counts.values())
    print(f"{a.model} {a.mode} batch {a.batch}, {a.threads} threads: {total} samples")
    print("| kernel.pass | share |")
    print("| --- | --- |")
    for name, n in counts.most_common(25):
        print(f"| {name} | {100 * n / total:.1f} % |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The scaling model of docs/distributed.md: time per step of synchronous data-parallel training on K nodes.

step(K) = compute(b) + allreduce(K)
compute(b) = b / r                      b images per node, r = one node's measured training images/s (K = 1)
allreduce(K) = 2 (K - 1) / K * 4 P / B  +  2 (K - 1) * a
                                        P parameters (float32 gradients), B = effective bandwidth per node (bytes/s),
                                        a = per-step latency of the ring (one message each way per step)
efficiency(K) = compute / step          (no overlap of the all-reduce with the backward pass: this implementation
                                        sums after backward; DDP overlaps, which could hide up to the backward's time)
throughput(K) = K * b / step(K)

B = min(eta * line rate, the measured loopback rate of this implementation, one thread per worker); eta = 0.9.
Usage: scaling_model.py RESNET20_IMAGES_PER_S RESNET50_IMAGES_PER_S RING_BYTES_PER_S
"""
import sys

PARAMS = {"resnet20": 269_722, "resnet50": 25_557_032}
ETA = 0.9
LATENCY = 50e-6  # seconds per ring step: a switched LAN's round trip plus the JVM's per-message cost, an assumption


def allreduce_seconds(k, params, bandwidth):
    if k == 1:
        return 0.0
    return 2 * (k - 1) / k * 4 * params / bandwidth + 2 * (k - 1) * LATENCY


def main():
    r20, r50, ring = (float(x) for x in sys.argv[1:4])
    rates = {"resnet20": r20, "resnet50": r50}
    nodes = [1, 8, 16, 64]
    print("| model | node | images per node per step | network | " + " | ".join(
        f"K={k}: all-reduce s / step s, efficiency" for k in nodes[1:]) + " |")
    print("| --- | --- | --- | --- | " + " | ".join("---" for _ in nodes[1:]) + " |")
    for model, batches in (("resnet20", (128, 16)), ("resnet50", (32,))):
        for node, speedup in (("this machine (2 vCPU)", 1), ("32 vCPU (16x this machine)", 16)):
            for b in batches:
                for gbit in (10, 25):
                    bandwidth = min(ETA * gbit * 1e9 / 8, ring)
                    cells = []
                    for k in nodes[1:]:
                        per_node = b if b != 16 else max(1, 128 // k)
                        compute = per_node / (rates[model] * speedup)
                        reduce = allreduce_seconds(k, PARAMS[model], bandwidth)
                        cells.append(f"{reduce:.3f} / {compute + reduce:.3f}, {100 * compute / (compute + reduce):.0f} %")
                    label = f"{b}" if b != 16 else "128 / K (global 128)"
                    print(f"| {model} | {node} | {label} | {gbit} Gbit/s | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

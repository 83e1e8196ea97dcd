#!/usr/bin/env bash
# The fine-tuning demonstration of the README ("Fine-tuning, measured"): the 5,000 CIFAR-10 training images that the
# first ResNet-20 run never trained on (its held-out split; its final checkpoint is models/checkpoints/resnet20-45k,
# the shipped model until the one trained on all 50,000 replaced it) become an image folder of 32x32 PNG files, split into a
# small training folder (--train-per-class images of each class) and a validation folder (the rest). Then, one run
# after another, each with the same recipe (`finetune` defaults, --epochs, image size 32, seed 0):
#   frozen    those weights, a new 10-class head, --freeze-backbone (only the head trains)
#   full      those weights, a new head, every layer trains
#   scratch   freshly initialized weights (resnet4j's initialization, nothing trained), every layer trains
#   scratch-lr0.1   the same at ten times the learning rate (not run by default: a check that scratch's figure
#             is not only the fine-tuning learning rate's fault)
# and each result is evaluated on the validation folder (`eval` of the folder); that network with its own head,
# untouched, is the reference. One line per run: accuracy, the command's own training seconds and its wall time.
#
#   benchmarks/finetune_demo.sh [--data DIR] [--work DIR] [--epochs 30] [--train-per-class 100] [RUN ...]
#
# RUN: shipped frozen full scratch (default: all, in this order). The folders are made once and kept in --work
# (default target/finetune-demo, about 20 MB); never commit them.
set -euo pipefail
cd "$(dirname "$0")/.."

data=data/cifar-10-batches-bin
work=target/finetune-demo
epochs=30
per_class=100
weights=models/checkpoints/resnet20-45k/checkpoint.safetensors
runs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --train-per-class) per_class="$2"; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) runs+=("$1"); shift ;;
  esac
done
[ ${#runs[@]} -gt 0 ] || runs=(shipped frozen full scratch)

./resnet4j --version >/dev/null   # finds the JDK and builds the jar when the sources are newer
is_jdk25() { [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; }
if [ -z "${JAVA_HOME:-}" ] || ! is_jdk25 "$JAVA_HOME"; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/*25*; do
    if is_jdk25 "$candidate"; then export JAVA_HOME="$candidate"; break; fi
  done
fi
export PATH="$JAVA_HOME/bin:$PATH"
tool() {
  java --add-modules jdk.incubator.vector -cp target/resnet4j-cli.jar benchmarks/finetune/CifarFolder.java "$@"
}

mkdir -p "$work/runs"
folders="$work/folders-$per_class"
if [ ! -d "$folders/val" ]; then
  tool folders --data "$data" --weights "$weights" --out "$folders" --train-per-class "$per_class"
fi
[ -f "$work/scratch.safetensors" ] || tool scratch --like "$weights" --out "$work/scratch.safetensors" --seed 1

# Top-1 accuracy of weights on the validation folder: eval of the image folder (each image labelled with the class of
# its folder's name, prepared as classify prepares it; it counts what classify --top 1 counted, image by image).
evaluate() {
  ./resnet4j eval --weights "$1" --data "$folders/val" 2>>"$work/classify.log" | tail -n 1 \
    | awk '{ split($1, a, "="); split($3, n, "="); if (n[2] == "") { printf "accuracy=failed (see classify.log)"; exit }
             printf "accuracy=%.4f correct=%d images=%d", a[2], a[2] * n[2] + 0.5, n[2] }'
}

cpu="$(grep -o -m1 avx512f /proc/cpuinfo || echo no-avx512f), $(nproc) cores"
load() { echo "load=\"$(cut -d" " -f1-3 /proc/loadavg)\""; }
for run in "${runs[@]}"; do
  case "$run" in
    shipped) echo "run=shipped $(evaluate "$weights") (the first run's network and head, not fine-tuned) $(load)"
             continue ;;
    frozen) args=(--weights "$weights" --freeze-backbone) ;;
    full) args=(--weights "$weights") ;;
    scratch) args=(--weights "$work/scratch.safetensors") ;;
    scratch-lr0.1) args=(--weights "$work/scratch.safetensors" --lr 0.1) ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
  start=$(date +%s.%N)
  summary=$(./resnet4j finetune --model resnet20 "${args[@]}" --data "$folders/train" --classes-from-folders \
    --epochs "$epochs" --image-size 32 --val-fraction 0 --seed 0 --checkpoint-dir "$work/runs/$run" --overwrite \
    2>"$work/runs/$run.log" | tail -n 1) || { echo "finetune failed: see $work/runs/$run.log" >&2; exit 1; }
  wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  seconds=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$summary")
  echo "run=$run $(evaluate "$work/runs/$run/model.safetensors") epochs=$epochs train_images=$((per_class * 10))" \
    "train_seconds=$seconds wall_seconds=$wall cpu=$cpu $(load)"
done

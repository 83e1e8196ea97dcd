#!/usr/bin/env bash
# Load test of `resnet4j serve` (docs/serving.md): for each scenario it starts the server, sends
# a closed-loop load from benchmarks/serve/ServeLoad.java (a Java client that checks every answer against the
# library's own answer for that image), and prints one table row: requests/s, p50/p99 latency, failures, wrong
# answers, mean batch size and the server's peak resident memory (VmHWM).
#
#   benchmarks/serve_load.sh [--seconds 60] [--warmup 10] [--data DIR] [SCENARIO ...]
#
# Scenarios (default: all, in this order):
#   resnet20          ResNet-20 with the shipped weights, 64 clients, --max-batch 32 --max-wait-ms 5
#   resnet20-nobatch  the same with --max-batch 1
#   resnet20-mixed    64 clients, 10 % of the requests bad (each must get its 4xx)
#   resnet50          ResNet-50 with random weights (seed 1, untrained: only the speed counts), 16 clients
#   resnet50-nobatch  the same with --max-batch 1
# ResNet-20's images are CIFAR-10 training images when --data (default data/cifar-10-batches-bin) holds
# data_batch_1.bin, synthetic ones otherwise; ResNet-50's are synthetic 224x224 JPEGs.
# Client and server share the machine's cores: the figures are the server's under that competition.
# The server runs as ./resnet4j serve runs it (java --add-modules jdk.incubator.vector -XX:+UseG1GC
# -XX:MaxRAMPercentage=25 -jar ...), from a copy of the jar; SERVER_JAVA_OPTS replaces the collector and heap part,
# e.g. SERVER_JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=75" (the launcher's choice for the other commands).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
warmup=10
data=data/cifar-10-batches-bin
scenarios=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) scenarios+=("$1"); shift ;;
  esac
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(resnet20 resnet20-nobatch resnet20-mixed resnet50 resnet50-nobatch)

is_jdk25() { [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; }
if [ -z "${JAVA_HOME:-}" ] || ! is_jdk25 "$JAVA_HOME"; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/*25*; do
    if is_jdk25 "$candidate"; then export JAVA_HOME="$candidate"; break; fi
  done
fi
is_jdk25 "${JAVA_HOME:-}" || { echo "needs JDK 25: set JAVA_HOME" >&2; exit 1; }
export PATH="$JAVA_HOME/bin:$PATH"

jar=target/resnet4j-cli.jar
# The launcher rebuilds the CLI jar (library and cli/) when either's sources are newer.
./resnet4j --version >/dev/null
work=target/serve-load
mkdir -p "$work"
cp "$jar" "$work/resnet4j-cli.jar"
jar="$work/resnet4j-cli.jar"
read -r -a server_opts <<<"${SERVER_JAVA_OPTS:--XX:+UseG1GC -XX:MaxRAMPercentage=25}"
load() { java -XX:+UseSerialGC --add-modules jdk.incubator.vector -cp "$jar" benchmarks/serve/ServeLoad.java "$@"; }

# Expected answers come from the library on this machine with the server's flags, so the kernels are the same; made
# afresh on every run, so they always come from the jar under test.
prepare() {  # model weights dir format count
  local source=()
  [ "$1" = resnet20 ] && [ -f "$data/data_batch_1.bin" ] && source=(--data "$data")
  rm -rf "$3"
  load prepare --model "$1" --weights "$2" --out "$3" --images "$5" --format "$4" "${source[@]}"
}

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

results="$work/results.md"
header="| scenario | server JVM | clients | max batch | requests/s | p50 ms | p99 ms | good failed | wrong answers | bad answered 4xx | bad unexpected | mean batch | server peak RSS MB |"
echo "$header" | tee -a "$results"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |" | tee -a "$results"

run() {  # scenario model weights images clients max_batch bad_fraction
  local name="$1" model="$2" weights="$3" images="$4" clients="$5" max_batch="$6" bad="$7"
  local log="$work/$name.server.log"
  : >"$log"
  java --add-modules jdk.incubator.vector "${server_opts[@]}" -jar "$jar" serve --model "$model" \
      --weights "$weights" --port 0 --max-batch "$max_batch" --max-wait-ms 5 >"$log" 2>&1 &
  server_pid=$!
  local port=""
  for _ in $(seq 1 600); do
    port="$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$log")"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  [ -n "$port" ] || { echo "$name: the server did not start" >&2; cat "$log" >&2; exit 1; }
  local out="$work/$name.load.txt"
  java -XX:+UseSerialGC -cp "$jar" benchmarks/serve/ServeLoad.java run --port "$port" --dir "$images" \
      --clients "$clients" --seconds "$seconds" --warmup-seconds "$warmup" --bad-fraction "$bad" | tee "$out" >&2
  local rss_kb
  rss_kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")"
  stop_server
  value() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p; s/^$1=\([^[:space:]]*\).*/\1/p" "$out" | head -1; }
  echo "| $name | ${server_opts[*]} | $clients | $max_batch | $(value requests_per_second) | $(value p50_ms) | $(value p99_ms)" \
       "| $(value good_failed) | $(value wrong) | $(value bad_answered) | $(value bad_unexpected)" \
       "| $(value mean_batch) | $((rss_kb / 1024)) |" | tee -a "$results"
}

prepared=" "
for scenario in "${scenarios[@]}"; do
  case "$scenario" in
    resnet20|resnet20-nobatch|resnet20-mixed)
      [[ "$prepared" == *" resnet20 "* ]] ||
        prepare resnet20 models/resnet20-cifar10.safetensors "$work/resnet20-images" png 256
      prepared+="resnet20 " ;;&
    resnet50|resnet50-nobatch)
      if [[ "$prepared" != *" resnet50 "* ]]; then
        load random-weights --model resnet50 --out "$work/resnet50-random.safetensors" --seed 1
        prepare resnet50 "$work/resnet50-random.safetensors" "$work/resnet50-images" jpg 64
      fi
      prepared+="resnet50 " ;;&
    resnet20) run resnet20 resnet20 models/resnet20-cifar10.safetensors "$work/resnet20-images" 64 32 0 ;;
    resnet20-nobatch) run resnet20-nobatch resnet20 models/resnet20-cifar10.safetensors "$work/resnet20-images" 64 1 0 ;;
    resnet20-mixed) run resnet20-mixed resnet20 models/resnet20-cifar10.safetensors "$work/resnet20-images" 64 32 0.1 ;;
    resnet50) run resnet50 resnet50 "$work/resnet50-random.safetensors" "$work/resnet50-images" 16 32 0 ;;
    resnet50-nobatch) run resnet50-nobatch resnet50 "$work/resnet50-random.safetensors" "$work/resnet50-images" 16 1 0 ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
done
echo "rows appended to $results; logs in $work/" >&2

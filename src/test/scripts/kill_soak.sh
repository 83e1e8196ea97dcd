#!/usr/bin/env bash
# Kill-anywhere soak of training and exact resume (see KillSoak.java): trains a small run once, then again while
# killing it with SIGKILL at random moments and resuming with --resume, and checks that both end bit for bit alike and
# that no kill left a partly written file under a final name. Options: --kills N (20), --iterations N (60),
# --seed S (random; printed, to replay a failure), --work DIR (a fresh temporary folder).
#   src/test/scripts/kill_soak.sh              about 2-4 minutes on 2 vCPUs
set -euo pipefail
cd "$(dirname "$0")/../../.."

# ./resnet4j finds a JDK 25 and builds target/resnet4j-cli.jar when the sources are newer; the soak then runs it as a
# user would. The harness itself runs on the same JDK with that jar on its class path.
./resnet4j summary --model resnet20 >/dev/null 2>&1 || { echo "kill_soak: ./resnet4j could not build or run" >&2; exit 1; }
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! "$java_bin" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
  echo "kill_soak: needs JDK 25 as java on the PATH or in JAVA_HOME" >&2
  exit 1
fi
exec "$java_bin" -cp target/resnet4j-cli.jar src/test/scripts/KillSoak.java "$@"

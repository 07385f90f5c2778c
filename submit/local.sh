#!/usr/bin/env bash
# Runs any signsgd command (train, analyze, ...) on Spark local[*] with the JVM flags Spark 3.5 needs on
# Java 17. Builds the jar on first use, and again when the sources changed. Works from any directory; relative
# paths (job files, --out) are read from the directory you call it in.
#   submit/local.sh train jobs/quickstart.yaml
#   submit/local.sh analyze --metrics runs/quickstart --sql "SELECT * FROM runs"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/signsgd-spark-0.1.0-SNAPSHOT.jar"
cp_file="$root/target/classpath.txt"
# the bench's classpath adds the provided dependencies (DL4J's Spark training, its comparison)
bench_cp_file="$root/target/bench-classpath.txt"
if [ ! -f "$jar" ] || [ ! -f "$cp_file" ] || [ ! -f "$bench_cp_file" ] \
   || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$cp_file" -print -quit)" ]; then
  echo "building signsgd-spark (first use or sources changed; the first build downloads ~430 MB)..." >&2
  (cd "$root" && mvn -B -q -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile=target/classpath.txt \
    && mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=compile \
      -Dmdep.outputFile=target/bench-classpath.txt) >&2
  touch "$cp_file"
fi
if [ "${1:-}" = bench ]; then cp_file="$bench_cp_file"; fi
# the module flags Spark 3.5 needs on Java 17, one per line, shared with the cluster launchers
mapfile -t flags < "$root/submit/java17-flags"
export OMP_NUM_THREADS=1 SPARK_LOCAL_IP=127.0.0.1 SIGNSGD_DATA="${SIGNSGD_DATA:-$root/data}"
# Fetch the datasets a job names (idempotent: a no-op when the files are there with the right md5).
needs() { # needs DATASET: true when a job file or a --set names that dataset and no data.dir of its own
  local arg
  for arg in "${args[@]}"; do
    case "$arg" in *data.dir=*) return 1 ;; esac
    if [ -f "$arg" ] && grep -Eq "^[^#]*[{ ,]dir: " "$arg"; then return 1; fi
  done
  for arg in "${args[@]}"; do
    if [ -f "$arg" ] && grep -Eq "name: *['\"]?$1(['\",} ]|\$)" "$arg"; then return 0; fi
    case "$arg" in *data.name=$1|*"name: $1"*) return 0 ;; esac
  done
  return 1
}
args=("$@")
if [ "${1:-}" = train ] || [ "${1:-}" = sweep ]; then
  # a failed fetch is a warning: the job then says in one line which files are missing where
  if needs mnist; then "$root/datasets/fetch-mnist.sh" "$SIGNSGD_DATA/mnist" >&2 || true; fi
  # jobs/imagefolder-quick.yaml reads MNIST as an image folder (500 training and 50 validation PNGs per digit):
  # made in $SIGNSGD_DATA/mnist-folder and read from there, whatever directory this is called from
  own_dir=0
  for arg in "${args[@]}"; do case "$arg" in *data.dir=*) own_dir=1 ;; esac; done
  for arg in "${args[@]}"; do
    if [ "$own_dir" = 0 ] && [ -f "$arg" ] && grep -Eq "^[^#]*dir: *['\"]?data/mnist-folder(['\", }]|\$)" "$arg"; then
      "$root/datasets/make-image-folder.sh" --per-class-train 500 --per-class-val 50 "$SIGNSGD_DATA/mnist-folder" >&2 \
        || true
      set -- "$@" --set "data.dir=$SIGNSGD_DATA/mnist-folder"
      break
    fi
  done
  if needs fashion-mnist; then
    "$root/datasets/fetch-fashion-mnist.sh" "$SIGNSGD_DATA/fashion-mnist" >&2 || true
  fi
fi
exec java "${flags[@]}" ${SIGNSGD_JAVA_OPTS:--Xmx4g} -cp "$jar:$(cat "$cp_file")" org.signsgd.cli.Main "$@"

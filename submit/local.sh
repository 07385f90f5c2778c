#!/usr/bin/env bash
# Runs any signsgd command (train, analyze, ...) on Spark local[*] with the JVM flags Spark 3.5 needs on
# Java 17. Builds the jar on first use, and again when the sources changed. Works from any directory; relative
# paths (job files, --out) are read from the directory you call it in.
#   submit/local.sh train jobs/quickstart.yaml
#   submit/local.sh analyze --metrics runs/quickstart --sql "SELECT * FROM runs"
#   SIGNSGD_MAVEN_PROFILES=pytorch-peer submit/local.sh bench --only k   (bench section k: PyTorch as a peer)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Maven profiles for the build, comma-separated; pytorch-peer (bench section k: PyTorch's C++ runtime through DJL,
# about 110 MB of jars) builds into target/pytorch-peer and serves the bench only, never a job
profiles="${SIGNSGD_MAVEN_PROFILES:-}"
build="$root/target"
mvn_profiles=()
peer_flags=()
extra=""
if [ -n "$profiles" ]; then
  mvn_profiles=("-P$profiles")
  case ",$profiles," in
    *,pytorch-peer,*)
      if [ "${1:-}" != bench ]; then
        echo "local.sh: SIGNSGD_MAVEN_PROFILES=$profiles: the pytorch-peer profile is for the bench only (section k);" \
          "run '${1:-}' without it" >&2
        exit 2
      fi
      build="$root/target/pytorch-peer"
      extra=", the pytorch-peer profile ~110 MB more"
      # natives from the pytorch-native-cpu jar, extracted under the build directory; never downloaded
      peer_flags=("-DDJL_CACHE_DIR=$build/djl" "-Dai.djl.offline=true" "-Dai.djl.pytorch.num_threads=1"
        "-Dai.djl.pytorch.num_interop_threads=1")
      ;;
  esac
fi
jar="$build/signsgd-spark-0.1.0-SNAPSHOT.jar"
cp_file="$build/classpath.txt"
# the bench's classpath adds the provided dependencies (DL4J's Spark training, its comparison)
bench_cp_file="$build/bench-classpath.txt"
# the profiles the files in $build were built with: a different set rebuilds
profiles_file="$build/maven-profiles.txt"
sources=("$root/src/main" "$root/pom.xml")
if [ "$build" != "$root/target" ]; then sources+=("$root/src/peer"); fi
if [ ! -f "$jar" ] || [ ! -f "$cp_file" ] || [ ! -f "$bench_cp_file" ] \
   || [ "$(cat "$profiles_file" 2>/dev/null || true)" != "$profiles" ] \
   || [ -n "$(find "${sources[@]}" -newer "$cp_file" -print -quit)" ]; then
  echo "building signsgd-spark${profiles:+ with the Maven profiles $profiles} (first use or sources changed;" \
    "the first build downloads ~430 MB$extra)..." >&2
  (cd "$root" && mvn -B -q -ntp ${mvn_profiles[@]+"${mvn_profiles[@]}"} -DskipTests package \
      dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file" \
    && mvn -B -q -ntp ${mvn_profiles[@]+"${mvn_profiles[@]}"} dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile="$bench_cp_file") >&2
  printf '%s' "$profiles" > "$profiles_file"
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
# the commands that read the metrics (analyze, plot) and print (bound, list, help) end within a minute: there
# the JIT's second tier compiles more than it saves (plot of one run: 52 -> 25-30 s of CPU, 31 -> 22-27 s). The
# commands that train and the bench keep it.
jit=()
case "${1:-}" in analyze|plot|bound|list|help|-h|--help|-V|--version|"") jit=(-XX:TieredStopAtLevel=1) ;; esac
# the bench measures steady iterations: its heap is its full size from the start, every page touched once
# (-Xms = -Xmx, AlwaysPreTouch). On a virtual machine the first touch of a page costs a fault; a heap that shrinks
# at the bench's System.gc() between runs and grows again paid those faults inside the measured iterations
# (section j, median at d = 2M: the driver's step 338-352 ms against 503-642 ms, and far less spread between runs)
# SIGNSGD_JAVA_OPTS adds JVM options (a Spark setting as -Dspark.x=y); the heap stays 4 GB unless it sets -Xmx
opts="${SIGNSGD_JAVA_OPTS:-}"
case "$opts" in *-Xmx*|*MaxHeapSize*|*MaxRAMPercentage*) ;; *) opts="-Xmx4g $opts" ;; esac
heap=()
if [ "${1:-}" = bench ]; then
  xmx="$(grep -oE -- '-Xmx[0-9]+[kKmMgGtT]?' <<< "$opts" | tail -n 1 || true)"
  case "$opts" in *-Xms*|*InitialHeapSize*|*MinHeapSize*|*AlwaysPreTouch*) ;; *) if [ -n "$xmx" ]; then heap=("-Xms${xmx#-Xmx}" -XX:+AlwaysPreTouch); fi ;; esac
fi
exec java "${flags[@]}" ${jit[@]+"${jit[@]}"} ${peer_flags[@]+"${peer_flags[@]}"} $opts \
  ${heap[@]+"${heap[@]}"} \
  -cp "$jar:$(cat "$cp_file")" org.signsgd.cli.Main "$@"

# Sourced by standalone.sh, yarn.sh and k8s.sh: builds the cluster jar when needed and assembles the
# spark-submit options every cluster run needs. Not meant to be run by itself.
#   SIGNSGD_EXECUTOR_MEMORY  executor heap (default: from the job's model, see memory_for)
#   SIGNSGD_DRY_RUN=1        print the spark-submit command and stop
#   SPARK_SUBMIT             the spark-submit to run (default: spark-submit on PATH)
#   SIGNSGD_CUDA_DIR         with --gpus: the directory of the CUDA natives jars on every GPU node
#                            (default /opt/signsgd/cuda, where the CUDA image has them)
#   SIGNSGD_CLUSTER_JAR      the application jar to submit instead of building the cluster jar (a jar built
#                            elsewhere, or one whose dependencies the cluster already has)
# Each launcher takes "--gpus N" right before the command word (see take_gpus and gpu_options below).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="0.1.0-SNAPSHOT"
cluster_jar="${SIGNSGD_CLUSTER_JAR:-$root/target/signsgd-spark-$version-cluster.jar}"

build_cluster_jar() {
  if [ -n "${SIGNSGD_CLUSTER_JAR:-}" ]; then
    if [ ! -f "$cluster_jar" ] && [ "${SIGNSGD_DRY_RUN:-0}" != 1 ]; then
      echo "error: SIGNSGD_CLUSTER_JAR=$cluster_jar is not a file" >&2
      exit 2
    fi
    return 0
  fi
  if [ "${SIGNSGD_DRY_RUN:-0}" = 1 ]; then
    return 0
  fi
  # with --gpus the jar must carry ND4J's CUDA backend classes (profile cuda; its natives stay out of the jar)
  local profiles=cluster
  [ -z "$gpus" ] || profiles=cluster,cuda
  if [ ! -f "$cluster_jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$cluster_jar" -print -quit)" ] \
    || { [ -n "$gpus" ] && ! { unzip -l "$cluster_jar" 2>/dev/null || jar tf "$cluster_jar"; } | grep -q 'org/nd4j/linalg/jcublas/JCublasBackend.class'; }
  then
    echo "building the cluster jar (Spark, Scala and Hadoop provided; the rest shaded; profiles $profiles)..." >&2
    (cd "$root" && mvn -B -q -ntp -P"$profiles" -DskipTests package) >&2
  fi
}

# The module flags Spark 3.5 needs on Java 17, for the driver and every executor.
java_flags="$(paste -sd' ' "$root/submit/java17-flags")"

# Executor (and driver) heap from the model the job names: each worker keeps x and v (and, on reference
# iterations, its gradient) for the current and the last checkpointed state, 4·d bytes each, and the driver
# holds the Q messages of an iteration; ND4J's buffers are off-heap.
memory_for() { # memory_for JOB.yaml -> "heap overhead"
  local model=""
  if [ -f "${1:-}" ]; then
    # flow form (model: {name: mengoli-cnn, ...}) or block form (model:\n  name: mengoli-cnn)
    model="$(awk '/^model:/ { if (match($0, /name: *[A-Za-z0-9-]+/)) { print substr($0, RSTART + 5, RLENGTH - 5); exit }
      block = 1; next }
      block && /^[ \t]+name:/ { sub(/^[ \t]+name: */, ""); print $1; exit }
      block && /^[^ \t#]/ { exit }' "$1" | tr -d ' ')"
  fi
  case "$model" in
    mengoli-cnn|akoun-mnistnet) echo "6g 2g" ;;
    mlp|linreg-net|logreg-net) echo "3g 1g" ;;
    *) echo "2g 512m" ;;
  esac
}

# common_options JOB.yaml: the options shared by every cluster manager, into the array "opts"
common_options() {
  local mem overhead
  read -r mem overhead <<<"$(memory_for "${1:-}")"
  mem="${SIGNSGD_EXECUTOR_MEMORY:-$mem}"
  opts=(--class org.signsgd.cli.Main
    --conf "spark.driver.memory=$mem"
    --conf "spark.driver.extraJavaOptions=$java_flags"
    --conf "spark.executor.extraJavaOptions=$java_flags"
    --conf spark.executorEnv.OMP_NUM_THREADS=1
    --conf spark.task.cpus=1
    --conf "spark.executor.memory=$mem"
    --conf "spark.executor.memoryOverhead=$overhead")
}

# take_gpus "submit/LAUNCHER [MASTER]" ARGS...: a leading "--gpus N" (or --gpus=N) into $gpus, the other
# arguments into the array "rest" (callers: take_gpus ... "$@"; set -- ${rest[@]+"${rest[@]}"}). A value that is
# not a whole number of at least 1 is one line and exit code 2.
gpus=""
take_gpus() {
  local launcher="$1" value
  shift
  case "${1:-}" in
    --gpus) if [ $# -ge 2 ]; then value="$2"; shift 2; else value=""; shift; fi ;;
    --gpus=*) value="${1#--gpus=}"; shift ;;
    *) rest=("$@"); return 0 ;;
  esac
  if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
    local got="'$value'"
    [ -n "$value" ] || got=nothing
    echo "error: --gpus takes the number of GPUs per executor, a whole number from 1 (got $got);" \
      "e.g. $launcher --gpus 1 train JOB.yaml" >&2
    exit 2
  fi
  gpus="$value"
  rest=("$@")
}

# gpu_options MANAGER (standalone, yarn or k8s): with --gpus N, adds to "opts" what Spark's GPU scheduling needs:
# N GPUs and N cores per executor and one GPU per task (with spark.task.cpus=1 that is one task per GPU: cores
# and GPUs give the same N task slots), CUDA numbering the GPUs in PCI bus order as nvidia-smi and
# submit/gpu-discovery.sh do, and how an executor finds its GPUs: on YARN the discovery script shipped into its
# container (yarn.sh adds it to --files), on Kubernetes the one in the image, with the device plugin's vendor
# (nvidia.com/gpu); on standalone none (the worker hands each executor its GPUs). Whether a task uses its GPU is
# the job's `device:` setting, not this.
# The CUDA natives jars (target/cuda/ of mvn -Pcluster,cuda package, see docs/gpu.md) are on the executors' class
# path from a directory every GPU node has: /opt/signsgd/cuda in the image, SIGNSGD_CUDA_DIR elsewhere.
gpu_discovery_k8s=/opt/signsgd/gpu-discovery.sh
cuda_dir="${SIGNSGD_CUDA_DIR:-/opt/signsgd/cuda}"
gpu_options() {
  [ -n "$gpus" ] || return 0
  opts+=(--conf "spark.executor.cores=$gpus"
    --conf "spark.executor.resource.gpu.amount=$gpus"
    --conf spark.task.resource.gpu.amount=1
    --conf spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID
    --conf "spark.executor.extraClassPath=$cuda_dir/*")
  case "$1" in
    yarn) opts+=(--conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh) ;;
    k8s) opts+=(--conf "spark.executor.resource.gpu.discoveryScript=$gpu_discovery_k8s"
      --conf spark.executor.resource.gpu.vendor=nvidia.com) ;;
  esac
}

# run_submit ARGS...: prints the command, then runs it (unless SIGNSGD_DRY_RUN=1)
run_submit() {
  local submit="${SPARK_SUBMIT:-spark-submit}"
  printf '%q ' "$submit" "$@" >&2
  echo >&2
  if [ "${SIGNSGD_DRY_RUN:-0}" = 1 ]; then
    return 0
  fi
  if ! command -v "$submit" >/dev/null 2>&1; then
    echo "error: $submit not found; put Spark 3.5's bin/ on PATH or set SPARK_SUBMIT" >&2
    exit 2
  fi
  exec "$submit" "$@"
}

# the job file among the arguments after the command (the first that exists here); for a path inside an image
# (Kubernetes), the job of the same name in this checkout's jobs/, to size the executors
job_of() {
  shift || true
  local a
  for a in "$@"; do
    if [ -f "$a" ]; then echo "$a"; return; fi
  done
  for a in "$@"; do
    case "$a" in *.yaml|*.yml) if [ -f "$root/jobs/$(basename "$a")" ]; then echo "$root/jobs/$(basename "$a")"; return; fi ;; esac
  done
}

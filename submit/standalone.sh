#!/usr/bin/env bash
# Runs a signsgd command on a Spark standalone cluster with spark-submit (client mode: the driver runs here).
#   submit/standalone.sh spark://HOST:7077 train jobs/mengoli-mnist-b64.yaml --out hdfs:///runs
#   submit/standalone.sh spark://HOST:7077 --gpus 1 train JOB.yaml   (1 GPU per executor, one task per GPU; each
#     worker must offer GPUs: spark.worker.resource.gpu.amount and .discoveryScript, see submit/gpu-discovery.sh)
# The job's data.dir must be readable at the same path on every worker (a shared file system), or a Hadoop URI
# (hdfs:///data/mnist).
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
usage="usage: submit/standalone.sh spark://HOST:PORT [--gpus N] COMMAND [ARGS...]   (e.g. train JOB.yaml --out DIR)"
if [ $# -lt 2 ] || [[ "$1" != spark://* ]]; then
  echo "$usage" >&2
  exit 2
fi
master="$1"
shift
take_gpus "submit/standalone.sh spark://HOST:PORT" "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ $# -lt 1 ]; then
  echo "$usage" >&2
  exit 2
fi
build_cluster_jar
common_options "$(job_of "$@")"
gpu_options standalone
run_submit --master "$master" --deploy-mode client "${opts[@]}" \
  "$cluster_jar" "$@"

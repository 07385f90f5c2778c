#!/usr/bin/env bash
# Runs a signsgd command on YARN with spark-submit (cluster mode: the driver runs in the application master).
#   HADOOP_CONF_DIR=/etc/hadoop/conf submit/yarn.sh train jobs/mengoli-mnist-b64.yaml --out hdfs:///user/me/runs
#   submit/yarn.sh --gpus 1 train JOB.yaml   (1 GPU per executor, one task per GPU: Spark asks YARN for yarn.io/gpu;
#     submit/gpu-discovery.sh travels with the application and finds the container's GPU)
# Metrics go to --out on any Hadoop file system (hdfs:, s3a:, file:); data.dir must be readable on every node.
# SIGNSGD_DEPLOY_MODE=client keeps the driver here.
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
take_gpus submit/yarn.sh "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ $# -lt 1 ]; then
  echo "usage: submit/yarn.sh [--gpus N] COMMAND [ARGS...]   (e.g. train JOB.yaml --out hdfs:///runs)" >&2
  exit 2
fi
build_cluster_jar
job="$(job_of "$@")"
common_options "$job"
gpu_options yarn
mode="${SIGNSGD_DEPLOY_MODE:-cluster}"
args=("$@")
files=()
if [ "$mode" = cluster ] && [ -n "$job" ]; then
  # the driver runs in the application master's container: ship the job file there, name it by its base name
  files+=("$job")
  for i in "${!args[@]}"; do
    if [ "${args[$i]}" = "$job" ]; then args[$i]="$(basename "$job")"; fi
  done
fi
if [ -n "$gpus" ]; then
  # every container gets it in its working directory, executable (YARN localises files with the execute bit)
  files+=("$root/submit/gpu-discovery.sh")
fi
ship=()
if [ ${#files[@]} -gt 0 ]; then
  ship=(--files "$(IFS=,; echo "${files[*]}")")
fi
run_submit --master yarn --deploy-mode "$mode" "${opts[@]}" ${ship[@]+"${ship[@]}"} \
  --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=1 \
  --conf spark.yarn.maxAppAttempts=1 \
  "$cluster_jar" "${args[@]}"

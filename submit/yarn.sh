#!/usr/bin/env bash
# Runs a signsgd command on YARN with spark-submit (cluster mode: the driver runs in the application master).
#   HADOOP_CONF_DIR=/etc/hadoop/conf submit/yarn.sh train jobs/mengoli-mnist-b64.yaml --out hdfs:///user/me/runs
# Metrics go to --out on any Hadoop file system (hdfs:, s3a:, file:); data.dir must be readable on every node.
# SIGNSGD_DEPLOY_MODE=client keeps the driver here.
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
if [ $# -lt 1 ]; then
  echo "usage: submit/yarn.sh COMMAND [ARGS...]   (e.g. train JOB.yaml --out hdfs:///runs)" >&2
  exit 2
fi
build_cluster_jar
job="$(job_of "$@")"
common_options "$job"
mode="${SIGNSGD_DEPLOY_MODE:-cluster}"
args=("$@")
ship=()
if [ "$mode" = cluster ] && [ -n "$job" ]; then
  # the driver runs in the application master's container: ship the job file there, name it by its base name
  ship=(--files "$job")
  for i in "${!args[@]}"; do
    if [ "${args[$i]}" = "$job" ]; then args[$i]="$(basename "$job")"; fi
  done
fi
run_submit --master yarn --deploy-mode "$mode" "${opts[@]}" ${ship[@]+"${ship[@]}"} \
  --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=1 \
  --conf spark.yarn.maxAppAttempts=1 \
  "$cluster_jar" "${args[@]}"

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
common_options "$(job_of "$@")"
run_submit --master yarn --deploy-mode "${SIGNSGD_DEPLOY_MODE:-cluster}" "${opts[@]}" \
  --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=1 \
  --conf spark.yarn.maxAppAttempts=1 \
  "$cluster_jar" "$@"

#!/usr/bin/env bash
# Runs a signsgd command on a Spark standalone cluster with spark-submit (client mode: the driver runs here).
#   submit/standalone.sh spark://HOST:7077 train jobs/mengoli-mnist-b64.yaml --out hdfs:///runs
# The job's data.dir must be readable at the same path on every worker (a shared file system), or a Hadoop URI
# (hdfs:///data/mnist).
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
if [ $# -lt 2 ] || [[ "$1" != spark://* ]]; then
  echo "usage: submit/standalone.sh spark://HOST:PORT COMMAND [ARGS...]   (e.g. train JOB.yaml --out DIR)" >&2
  exit 2
fi
master="$1"
shift
build_cluster_jar
common_options "$(job_of "$@")"
run_submit --master "$master" --deploy-mode client "${opts[@]}" \
  "$cluster_jar" "$@"

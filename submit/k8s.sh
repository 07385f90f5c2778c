#!/usr/bin/env bash
# Runs a signsgd command on Kubernetes with spark-submit (cluster mode), in the image of submit/k8s/Dockerfile.
#   SIGNSGD_IMAGE=registry.example.org/signsgd-spark:0.1.0 \
#     submit/k8s.sh k8s://https://API-SERVER:6443 train /opt/signsgd/jobs/mengoli-mnist-b64.yaml --out s3a://bucket/runs
# Paths are inside the image (the jar at /opt/signsgd/signsgd-spark.jar, the jobs at /opt/signsgd/jobs, MNIST at
# /opt/signsgd/data/mnist). SIGNSGD_NAMESPACE (default: default), SIGNSGD_SERVICE_ACCOUNT (default: spark).
#   submit/k8s.sh MASTER --gpus 1 train JOB.yaml   (1 GPU per executor pod, one task per GPU: the pods ask for
#     nvidia.com/gpu; the image must hold submit/gpu-discovery.sh at /opt/signsgd/gpu-discovery.sh, executable)
source "$(dirname "${BASH_SOURCE[0]}")/cluster-common.sh"
usage="usage: submit/k8s.sh k8s://https://API-SERVER:PORT [--gpus N] COMMAND [ARGS...]"
if [ $# -lt 2 ] || [[ "$1" != k8s://* ]]; then
  echo "$usage" >&2
  exit 2
fi
master="$1"
shift
take_gpus "submit/k8s.sh k8s://https://API-SERVER:PORT" "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ $# -lt 1 ]; then
  echo "$usage" >&2
  exit 2
fi
image="${SIGNSGD_IMAGE:-}"
if [ -z "$image" ]; then
  echo "error: SIGNSGD_IMAGE is not set; build the image of submit/k8s/Dockerfile, push it, and set SIGNSGD_IMAGE" >&2
  exit 2
fi
common_options "$(job_of "$@")"
gpu_options k8s
run_submit --master "$master" --deploy-mode cluster "${opts[@]}" \
  --conf "spark.kubernetes.container.image=$image" \
  --conf "spark.kubernetes.namespace=${SIGNSGD_NAMESPACE:-default}" \
  --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${SIGNSGD_SERVICE_ACCOUNT:-spark}" \
  --conf "spark.kubernetes.driver.podTemplateFile=$root/submit/k8s/pod-template.yaml" \
  --conf "spark.kubernetes.executor.podTemplateFile=$root/submit/k8s/pod-template.yaml" \
  --conf spark.kubernetes.driverEnv.OMP_NUM_THREADS=1 \
  --conf spark.kubernetes.driverEnv.SIGNSGD_DATA=/opt/signsgd/data \
  --conf spark.executorEnv.SIGNSGD_DATA=/opt/signsgd/data \
  local:///opt/signsgd/signsgd-spark.jar "$@"

#!/usr/bin/env bash
# Spark's GPU discovery script: prints one line of JSON naming the GPUs this machine (or container) gives the
# process, for example
#   {"name":"gpu","addresses":["0","1"]}
# The addresses are the indices `nvidia-smi --query-gpu=index --format=csv,noheader` lists. When
# CUDA_VISIBLE_DEVICES is set (nvidia-smi itself ignores it), the addresses are its entries in its order, up to the
# first one that is not an index nvidia-smi lists (CUDA stops at the same place), so Spark never hands a task a GPU
# CUDA cannot open; a task finds its CUDA device as the position of its address in CUDA_VISIBLE_DEVICES. The
# launchers set CUDA_DEVICE_ORDER=PCI_BUS_ID in the executors so that CUDA numbers the GPUs as nvidia-smi does.
# Device UUIDs and MIG instances in CUDA_VISIBLE_DEVICES are not mapped: use indices.
# No nvidia-smi, nvidia-smi failing, or no GPU: one line on stderr and exit 1; Spark then fails the executor (or
# the worker) with that line.
#
# Where it runs (submit/standalone.sh, yarn.sh and k8s.sh with --gpus N):
#   YARN        shipped with the application (--files), run in each executor's container as ./gpu-discovery.sh
#               (YARN localises files with the execute bit set);
#   Kubernetes  in the executor image at /opt/signsgd/gpu-discovery.sh (the launcher names that path);
#   standalone  the application needs none (each worker hands its executors their addresses), but every worker
#               needs GPUs of its own, e.g. in the worker's conf/spark-defaults.conf:
#                 spark.worker.resource.gpu.amount          2
#                 spark.worker.resource.gpu.discoveryScript /opt/signsgd-spark/submit/gpu-discovery.sh
set -uo pipefail
host="${HOSTNAME:-$(uname -n 2>/dev/null || echo unknown)}"
fail() { # one line on stderr, exit 1
  echo "gpu-discovery: $* (host $host)" >&2
  exit 1
}

command -v nvidia-smi >/dev/null 2>&1 ||
  fail "no nvidia-smi on PATH: install the NVIDIA driver (it brings nvidia-smi) or give this executor no GPU"
out="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"
code=$?
indices=()
while IFS= read -r line; do
  line="${line//[[:space:]]/}"
  if [[ "$line" =~ ^[0-9]+$ ]]; then indices+=("$line"); fi
done <<<"$out"
if [ "$code" -ne 0 ]; then
  fail "nvidia-smi failed (exit $code): ${out%%$'\n'*}"
fi
[ "${#indices[@]}" -gt 0 ] || fail "nvidia-smi lists no GPU${out:+: ${out%%$'\n'*}}"

addresses=("${indices[@]}")
if [ -n "${CUDA_VISIBLE_DEVICES+set}" ]; then
  addresses=()
  IFS=, read -r -a wanted <<<"$CUDA_VISIBLE_DEVICES"
  for w in ${wanted[@]+"${wanted[@]}"}; do
    w="${w//[[:space:]]/}"
    known=0
    for i in "${indices[@]}"; do
      if [ "$w" = "$i" ]; then known=1; fi
    done
    for a in ${addresses[@]+"${addresses[@]}"}; do
      if [ "$w" = "$a" ]; then known=0; fi # a repeated entry ends the list, as in CUDA
    done
    [ "$known" = 1 ] || break
    addresses+=("$w")
  done
  if [ "${#addresses[@]}" -eq 0 ]; then
    listed="$(IFS=,; echo "${indices[*]}")"
    fail "CUDA_VISIBLE_DEVICES='$CUDA_VISIBLE_DEVICES' names none of the GPUs nvidia-smi lists ($listed);" \
      "set it to some of those indices or unset it"
  fi
fi

json=""
for a in "${addresses[@]}"; do json+="${json:+,}\"$a\""; done
printf '{"name":"gpu","addresses":[%s]}\n' "$json"

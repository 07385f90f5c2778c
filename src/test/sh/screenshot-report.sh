#!/usr/bin/env bash
# Renders an output directory's index.html in headless Chromium (Debian package `chromium`) and saves a PNG of
# the page, so that a report can be looked at without a desktop:
#   src/test/sh/screenshot-report.sh runs/quickstart [shot.png] [height]
# The page opens from the file system (file://): the report must need no server. Default PNG:
# DIR/report-screenshot.png; default height 6000 pixels (the page is cut there), width 1280.
set -euo pipefail
dir="${1:?usage: screenshot-report.sh OUTPUT_DIR [PNG] [HEIGHT]}"
shot="${2:-$dir/report-screenshot.png}"
height="${3:-6000}"
index="$(cd "$dir" && pwd)/index.html"
[ -f "$index" ] || { echo "screenshot-report: no $index; run train, sweep or plot first" >&2; exit 2; }
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "screenshot-report: no Chromium; install it with: sudo apt-get install chromium" >&2; exit 2; }
shot="$(cd "$(dirname "$shot")" && pwd)/$(basename "$shot")"
# --no-sandbox: containers and CI run as root; a fresh profile so that no user state is read
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size=1280,"$height" --screenshot="$shot" "file://$index" >/dev/null 2>&1
[ -s "$shot" ] || { echo "screenshot-report: Chromium wrote no $shot" >&2; exit 1; }
echo "screenshot: $shot"

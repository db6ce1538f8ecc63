#!/usr/bin/env bash
# Screenshots of a run page and a batch page as a user sees them: headless Chromium at 1400 px.
#
#   scripts/screenshot_pages.sh [RUN_DIR] [BATCH_DIR] [OUT_DIR]
#
# Defaults: output/sanctions_2022, output/interdependence, output/screenshots. A missing result
# directory is made first with the release binary (`tradesim run` with --runs 200, `tradesim
# batch` with its own runs, or BATCH_RUNS per variant); set TRADESIM to use another binary. Needs Debian's `chromium`
# (apt-get install chromium). Writes run.png and batch.png (1400 x HEIGHT, default 3000; set
# HEIGHT for more) and prints their paths: open them and look.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR=${1:-output/sanctions_2022}
BATCH_DIR=${2:-output/interdependence}
OUT_DIR=${3:-output/screenshots}
HEIGHT=${HEIGHT:-3000}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "chromium not found: apt-get install chromium (or set CHROMIUM=/path/to/it)" >&2
    exit 2
fi
TRADESIM=${TRADESIM:-}
tradesim() {
    if [ -n "$TRADESIM" ]; then "$TRADESIM" "$@"; else cargo run --release -q -- "$@"; fi
}
if [ ! -f "$RUN_DIR/index.html" ]; then
    tradesim run scenarios/sanctions_2022.toml --runs 200 --out "$RUN_DIR"
fi
if [ ! -f "$BATCH_DIR/index.html" ]; then
    tradesim batch scenarios/interdependence.batch.toml --out "$BATCH_DIR" ${BATCH_RUNS:+--runs "$BATCH_RUNS"}
fi
mkdir -p "$OUT_DIR"
shot() {
    local page=$1 png=$2
    # --no-sandbox: root in containers; a fresh profile so nothing of a user's is read.
    local profile
    profile=$(mktemp -d)
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars=false --user-data-dir="$profile" \
        --virtual-time-budget=20000 --screenshot="$png" --window-size=1400,"$HEIGHT" "file://$(realpath "$page")" >/dev/null 2>&1
    rm -rf "$profile"
    [ -s "$png" ] || { echo "no screenshot of $page" >&2; exit 1; }
    echo "$png"
}
shot "$RUN_DIR/index.html" "$OUT_DIR/run.png"
shot "$BATCH_DIR/index.html" "$OUT_DIR/batch.png"

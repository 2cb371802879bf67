#!/usr/bin/env bash
# Cross-validate config.yml and every candidate in experiments/ on the NLU data
# and print intent / entity / response-selector macro-F1 and wall time for each.
# Usage: scripts/compare_configs.sh [FOLDS]   (default 5). Slow: one training per fold.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"
FOLDS="${1:-5}"
OUT=results/compare
mkdir -p "$OUT"
for config in config.yml experiments/*.yml; do
  name="$(basename "$config" .yml)"
  start=$(date +%s)
  "$BIN/rasa" test nlu --nlu data --config "$config" --cross-validation --folds "$FOLDS" \
    --out "$OUT/$name" >"$OUT/$name.log" 2>&1
  echo "$name $(( $(date +%s) - start ))" >>"$OUT/times.txt"
done
"$BIN/python" scripts/nlu_report.py "$OUT"

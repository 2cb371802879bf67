#!/usr/bin/env bash
# Compare config.yml with every candidate in experiments/ on the NLU data and
# print intent / entity / response-selector macro-F1 and wall time for each.
# Usage: scripts/compare_configs.sh [FOLDS]
#   FOLDS > 0: FOLDS-fold cross-validation on data/ (default 5; one training per fold)
#   FOLDS = 0: one training on data/, tested on the held-out set tests/nlu/ (3x cheaper)
set -euo pipefail
cd "$(dirname "$0")/.."
# config.yml names components in addons/.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
BIN="${VENV:-.venv}/bin"
FOLDS="${1:-5}"
OUT=results/compare
rm -rf "$OUT" && mkdir -p "$OUT"
for config in config.yml experiments/*.yml; do
  name="$(basename "$config" .yml)"
  start=$(date +%s)
  if [ "$FOLDS" -gt 0 ]; then
    "$BIN/rasa" test nlu --nlu data --config "$config" --cross-validation --folds "$FOLDS" \
      --out "$OUT/$name" >"$OUT/$name.log" 2>&1
  else
    "$BIN/rasa" train nlu --nlu data --config "$config" --out "$OUT/models" \
      --fixed-model-name "$name" >"$OUT/$name.log" 2>&1
    "$BIN/rasa" test nlu --model "$OUT/models/$name.tar.gz" --nlu tests/nlu \
      --out "$OUT/$name" >>"$OUT/$name.log" 2>&1
  fi
  echo "$name $(( $(date +%s) - start ))" >>"$OUT/times.txt"
done
"$BIN/python" scripts/nlu_report.py "$OUT"

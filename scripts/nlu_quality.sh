#!/usr/bin/env bash
# Issue 3's NLU quality bar, measured: 5-fold cross-validation of config.yml on
# data/ and the held-out test files (tests/nlu/) that training never sees, all of
# them together ("held-out") and the set written last on its own ("held-out-fresh").
# Prints intent / entity / response-selector macro-F1 for both and exits non-zero
# when cross-validation misses the bar (intent >= 0.95, entity >= 0.90,
# response selector >= 0.90). Slow (six trainings): `make nlu-quality`.
set -euo pipefail
cd "$(dirname "$0")/.."
# config.yml names components in addons/.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
BIN="${VENV:-.venv}/bin"
FOLDS="${FOLDS:-5}"
OUT=results/nlu-quality
rm -rf "$OUT" && mkdir -p "$OUT"
start=$(date +%s)
"$BIN/rasa" test nlu --nlu data --config config.yml --cross-validation --folds "$FOLDS" \
  --out "$OUT/cross-validation" >"$OUT/cross-validation.log" 2>&1
echo "cross-validation $(( $(date +%s) - start ))" >>"$OUT/times.txt"
start=$(date +%s)
"$BIN/rasa" train nlu --nlu data --config config.yml --out "$OUT/model" \
  --fixed-model-name nlu >"$OUT/train.log" 2>&1
"$BIN/rasa" test nlu --model "$OUT/model/nlu.tar.gz" --nlu tests/nlu \
  --out "$OUT/held-out" >"$OUT/held-out.log" 2>&1
"$BIN/rasa" test nlu --model "$OUT/model/nlu.tar.gz" --nlu tests/nlu/heldout_fresh.yml \
  --out "$OUT/held-out-fresh" >"$OUT/held-out-fresh.log" 2>&1
echo "held-out $(( $(date +%s) - start ))" >>"$OUT/times.txt"
"$BIN/python" scripts/nlu_report.py "$OUT" --check cross-validation

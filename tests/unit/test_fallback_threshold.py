"""scripts/fallback_threshold.py: the counts behind the fallback thresholds (docs/pipeline.md)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "fallback_threshold", ROOT / "scripts" / "fallback_threshold.py"
)
assert _spec is not None and _spec.loader is not None
ft = importlib.util.module_from_spec(_spec)
sys.modules["fallback_threshold"] = ft  # dataclasses look their module up
_spec.loader.exec_module(ft)

P = ft.Prediction
PREDICTIONS = [
    P(correct=True, confidence=0.95, second=0.01),
    P(correct=True, confidence=0.42, second=0.40),  # low and ambiguous
    P(correct=True, confidence=0.58, second=0.30),
    P(correct=False, confidence=0.33, second=0.20),
    P(correct=False, confidence=0.52, second=0.48),  # ambiguous
]


def _row(text: str, threshold: float, ambiguity: float) -> tuple[int, int]:
    for line in text.splitlines()[2:]:
        cells = line.split()
        if float(cells[0]) == threshold and float(cells[1]) == ambiguity:
            lost, caught = re.findall(r"(\d+) \(", line)
            return int(lost), int(caught)
    raise AssertionError(f"no row {threshold} {ambiguity}")


@pytest.mark.parametrize(
    ("threshold", "ambiguity", "lost", "caught"),
    [
        (0.30, 0.0, 0, 0),
        (0.35, 0.0, 0, 1),
        (0.45, 0.0, 1, 1),
        (0.55, 0.0, 1, 2),
        (0.60, 0.0, 2, 2),
        (0.30, 0.05, 1, 1),  # only the two ambiguous ones
        (0.30, 0.10, 1, 1),
        (0.40, 0.10, 1, 2),
    ],
)
def test_lost_and_caught(threshold: float, ambiguity: float, lost: int, caught: int) -> None:
    text = ft.table(PREDICTIONS, ft.AMBIGUITIES)
    assert text.splitlines()[0].startswith("5 examples: 3 right, 2 wrong")
    assert _row(text, threshold, ambiguity) == (lost, caught)


def test_reads_cross_validation_results(tmp_path: Path) -> None:
    def row(intent: str, predicted: str, confidence: float) -> dict[str, object]:
        prediction = {"name": predicted, "confidence": confidence}
        return {"text": "t", "intent": intent, "intent_prediction": prediction}

    (tmp_path / "intent_successes.json").write_text(json.dumps([row("greet", "greet", 0.9)]))
    (tmp_path / "intent_errors.json").write_text(json.dumps([row("greet", "stop", 0.4)]))
    got = sorted(ft.from_cross_validation(tmp_path), key=lambda p: p.confidence)
    assert got == [P(False, 0.4, 0.0), P(True, 0.9, 0.0)]


def test_retrieval_intents_count_as_their_base_intent() -> None:
    assert ft.base_intent("faq/what_is_scalp_facial") == "faq"
    assert ft.base_intent("greet") == "greet"

"""The prediction-only model load (addons/nlu/fast_load.py) gives exactly Rasa's own results.

Loads the trained model twice in fresh processes, once with Rasa's own loading
(``FAST_MODEL_LOAD=0``) and once with ours, parses every NLU training example and
the held-out set with both and compares intent rankings, entities and FAQ answers.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from addons.nlu.fast_load import fast_load_enabled

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "scalp-care.tar.gz"


@pytest.mark.parametrize(
    ("value", "enabled"),
    [(None, True), ("1", True), ("true", True), ("0", False), ("false", False), (" No ", False)],
)
def test_switch(monkeypatch: pytest.MonkeyPatch, value: str | None, enabled: bool) -> None:
    if value is None:
        monkeypatch.delenv("FAST_MODEL_LOAD", raising=False)
    else:
        monkeypatch.setenv("FAST_MODEL_LOAD", value)
    assert fast_load_enabled() is enabled


def _texts() -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    texts: list[str] = []
    for folder in (ROOT / "data" / "nlu", ROOT / "tests" / "nlu"):
        texts += [m.get("text") for m in load_data(str(folder)).intent_examples]
    return texts


def _parse_all(model: str, out: str) -> None:
    """Run in a subprocess: load ``model`` and write every parse result to ``out``."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    async def parse() -> list[dict[str, Any]]:
        results = []
        for text in _texts():
            parsed = await agent.parse_message(text)
            selector = parsed.get("response_selector", {}).get("faq", {}).get("response", {})
            faq_answer = selector.get("intent_response_key")
            faq_confidence = round(selector.get("confidence", 0), 4)
            results.append(
                {
                    "text": text,
                    "intents": [
                        [r["name"], round(r["confidence"], 4)] for r in parsed["intent_ranking"]
                    ],
                    "entities": [
                        [e["entity"], e["value"], e["start"], e["end"]] for e in parsed["entities"]
                    ],
                    "faq": [faq_answer, faq_confidence],
                }
            )
        return results

    Path(out).write_text(json.dumps(asyncio.run(parse())))


def _run(tmp_path: Path, fast: bool) -> list[dict[str, Any]]:
    out = tmp_path / f"parsed-{fast}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FAST_MODEL_LOAD": "1" if fast else "0"}
    subprocess.run(
        [sys.executable, __file__, str(MODEL), str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
        capture_output=True,
    )
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_same_predictions_as_rasas_own_load(tmp_path: Path) -> None:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it) first")
    ours, rasas = _run(tmp_path, fast=True), _run(tmp_path, fast=False)
    assert len(ours) == len(rasas) > 1500
    different = [(a, b) for a, b in zip(ours, rasas, strict=True) if a != b]
    assert different == [], f"{len(different)} differ, e.g. {different[:2]}"


if __name__ == "__main__":
    _parse_all(sys.argv[1], sys.argv[2])

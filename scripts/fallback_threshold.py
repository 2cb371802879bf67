"""Choose the FallbackClassifier's thresholds by measurement.

Usage:
  python scripts/fallback_threshold.py --cv RESULTS_DIR
      cross-validation results of `rasa test nlu --cross-validation --successes`
      (intent_successes.json, intent_errors.json): every example predicted by a model
      that never saw it; threshold only (those files hold no ranking).
  python scripts/fallback_threshold.py --model MODEL.tar.gz NLU_FILE...
      parse held-out examples with a trained model: threshold and ambiguity threshold.

For each setting it prints how many right intents the fallback would throw away
("lost": the user is asked to rephrase for nothing) and how many wrong intents it
would catch ("caught": the user is asked to rephrase instead of getting a wrong
answer). A threshold trades one for the other.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
AMBIGUITIES = (0.0, 0.05, 0.1)


@dataclass(frozen=True)
class Prediction:
    """One example: was the top intent right, its confidence, and the runner-up's."""

    correct: bool
    confidence: float
    second: float


def base_intent(name: str) -> str:
    """``faq/what_is_a_scalp_facial`` is the retrieval intent ``faq``."""
    return name.split("/", 1)[0]


def from_cross_validation(results: Path) -> list[Prediction]:
    """Predictions of the held-out folds (no runner-up in these files)."""
    predictions = []
    for name, correct in (("intent_successes.json", True), ("intent_errors.json", False)):
        path = results / name
        if not path.exists():
            continue
        for row in json.loads(path.read_text()):
            confidence = float(row["intent_prediction"]["confidence"])
            predictions.append(Prediction(correct, confidence, 0.0))
    return predictions


def from_model(model: str, files: list[str]) -> list[Prediction]:
    """Parse every example of ``files`` with ``model``; rankings without nlu_fallback."""
    import asyncio
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(model)
    predictions = []
    for file in files:
        for example in load_data(file).intent_examples:
            parsed = asyncio.run(agent.parse_message(example.get("text")))
            ranking = [r for r in parsed["intent_ranking"] if r["name"] != "nlu_fallback"]
            if not ranking:
                continue
            gold = base_intent(example.get("intent"))
            second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
            predictions.append(
                Prediction(ranking[0]["name"] == gold, float(ranking[0]["confidence"]), second)
            )
    return predictions


def table(predictions: list[Prediction], ambiguities: tuple[float, ...]) -> str:
    """Lost right answers and caught wrong answers per (threshold, ambiguity)."""
    right = sum(p.correct for p in predictions)
    wrong = len(predictions) - right
    lines = [
        f"{len(predictions)} examples: {right} right, {wrong} wrong intents before fallback",
        f"{'threshold':>10}{'ambiguity':>10}{'lost right':>16}{'caught wrong':>16}",
    ]
    for threshold in THRESHOLDS:
        for ambiguity in ambiguities:
            falls = [
                p.confidence < threshold or (p.confidence - p.second) < ambiguity
                for p in predictions
            ]
            lost = sum(f and p.correct for f, p in zip(falls, predictions, strict=True))
            caught = sum(f and not p.correct for f, p in zip(falls, predictions, strict=True))
            lines.append(
                f"{threshold:>10.2f}{ambiguity:>10.2f}"
                f"{lost:>7} ({lost / max(right, 1):5.1%})"
                f"{caught:>7} ({caught / max(wrong, 1):5.1%})"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the table for cross-validation results or a model on held-out files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=Path, help="a cross-validation results folder")
    parser.add_argument("--model", help="a trained model to parse the files with")
    parser.add_argument("files", nargs="*", help="NLU files with the --model")
    args = parser.parse_args(argv)
    if args.cv:
        print(table(from_cross_validation(args.cv), (0.0,)))
    elif args.model and args.files:
        print(table(from_model(args.model, args.files), AMBIGUITIES))
    else:
        parser.error("give --cv DIR or --model MODEL with NLU files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

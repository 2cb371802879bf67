"""Measure special-situation detection on phrasing written from public sources.

Usage:
    .venv/bin/python scripts/situations_eval.py dev [--misses]
        The rules alone on the development side (data/situations/dev.jsonl, which the
        rules were written against and the model trains on).
    .venv/bin/python scripts/situations_eval.py heldout [--json FILE]
        The held-out side (tests/data/situations/heldout.jsonl): rules alone, the model
        alone and both together. The model is trained as ``rasa train`` trains it
        (addons/nlu/situation_classifier.py: every file of data/situations and the NLU
        examples). Never tune on this report; ``--misses`` is refused for it.

The sets were written from forum posts, Q&A threads and patient leaflets, each line with
its source address, and split by source before any result was seen. For each kind:
recall (messages of that kind where it is found) and false alarms (messages without the
kind where it is found). ``lab_result`` is no situation but a nutrient context for the
screener: its recall is the rule screener's ``doctor`` level (the learned screener's is in
``make screening-heldout``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scalpcare import situation_model, triage  # noqa: E402
from scalpcare.contract import Referral  # noqa: E402
from scalpcare.situations import Situation, detect  # noqa: E402

FILES = {
    "dev": ROOT / "data" / "situations" / "dev.jsonl",
    "heldout": ROOT / "tests" / "data" / "situations" / "heldout.jsonl",
}
KINDS = ("medicine", "chemo", "pregnancy", "lice", "distress", "crisis", "under_care")
Reader = Callable[[str], set[str]]


def load(split: str) -> list[dict[str, object]]:
    """The split's items (one JSON object per line)."""
    text = FILES[split].read_text(encoding="utf8")
    return [json.loads(line) for line in text.splitlines() if line]


def rules(text: str) -> set[str]:
    """The rules' kinds, ``lab_result`` from the rule screener."""
    kinds = {s.value for s in detect(text) if s is not Situation.OTHER_LANGUAGE}
    if triage.screen(text).level is Referral.DOCTOR:
        kinds.add("lab_result")
    return kinds


def trained_readers(items: list[dict[str, object]]) -> tuple[Reader, Reader]:
    """The model alone and rules plus model, trained as ``rasa train`` does."""
    from rasa.shared.nlu.training_data.loading import load_data

    from addons.nlu.red_flags import encode
    from addons.nlu.situation_classifier import (
        SituationClassifier,
        load_items,
        model_finding,
        train_model,
    )

    config = SituationClassifier.get_default_config()
    training = load_items()
    nlu_texts = [
        str(m.get("text"))
        for m in load_data(str(ROOT / "data" / "nlu")).training_examples
        if m.get("text") and m.get("intent")
    ]
    texts = [str(i["text"]) for i in training] + nlu_texts + [str(i["text"]) for i in items]
    vectors = encode(texts, str(ROOT / config["encoder_path"]))
    model = train_model(training, vectors, [(t, vectors[t]) for t in nlu_texts], config)

    def model_alone(text: str) -> set[str]:
        return {
            s.value for s in model_finding(model, model.probabilities(text, vectors[text]), text)
        }

    def both(text: str) -> set[str]:
        found = situation_model.combine(
            detect(text), model_finding(model, model.probabilities(text, vectors[text]), text)
        )
        kinds = {s.value for s in found if s is not Situation.OTHER_LANGUAGE}
        return kinds | ({"lab_result"} & rules(text))

    return model_alone, both


def measure(items: list[dict[str, object]], found_kinds: Reader) -> dict[str, dict[str, float]]:
    """Recall and false alarms per kind, with counts."""
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    negatives: Counter[str] = Counter()
    for item in items:
        expected = set(item["kinds"])  # type: ignore[arg-type]
        got = found_kinds(str(item["text"]))
        for kind in (*KINDS, "lab_result"):
            if kind in expected:
                total[kind] += 1
                hits[kind] += kind in got
            else:
                negatives[kind] += 1
                alarms[kind] += kind in got and kind != "lab_result"
    return {
        kind: {
            "recall": round(hits[kind] / total[kind], 3) if total[kind] else 0.0,
            "n": total[kind],
            "false_alarm_rate": (
                round(alarms[kind] / negatives[kind], 3) if negatives[kind] else 0.0
            ),
        }
        for kind in (*KINDS, "lab_result")
    }


def report(name: str, items: list[dict[str, object]], reader: Reader) -> dict[str, object]:
    """Print one reader's table; return it."""
    table = measure(items, reader)
    plain = [i for i in items if not i["kinds"]]
    flagged = sum(1 for i in plain if reader(str(i["text"])) - {"lab_result"})
    print(f"\n{name}\n{'kind':<12} {'n':>4} {'recall':>7} {'false alarms':>13}")
    for kind, row in table.items():
        print(f"{kind:<12} {row['n']:>4} {row['recall']:>7.2f} {row['false_alarm_rate']:>13.3f}")
    print(f"plain messages given a situation's answer: {flagged}/{len(plain)}")
    return {"kinds": table, "plain_flagged": flagged, "plain": len(plain)}


def main() -> int:
    """Print the tables (and write them as JSON when asked)."""
    parser = argparse.ArgumentParser(description=str(__doc__).splitlines()[0])
    parser.add_argument("split", nargs="?", default="dev", choices=("dev", "heldout"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--misses", action="store_true", help="list the dev side's misses")
    args = parser.parse_args()
    if args.misses and args.split == "heldout":
        parser.error("the held-out side is measured, never read for misses")
    items = load(args.split)
    sources = len({item["source"] for item in items})
    print(f"{args.split}: {len(items)} messages from {sources} sources")
    results = {"rules alone": report("rules alone", items, rules)}
    if args.split == "heldout":
        model_alone, both = trained_readers(items)
        results["model alone"] = report("model alone", items, model_alone)
        results["both"] = report("rules and model", items, both)
    if args.misses:
        for item in items:
            expected, got = set(item["kinds"]), rules(str(item["text"]))  # type: ignore[arg-type]
            if expected != got:
                print(f"- expected {sorted(expected)} got {sorted(got)}: {item['text']}")
    if args.json:
        args.json.write_text(json.dumps({"split": args.split, **results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

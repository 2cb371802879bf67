"""Measure red-flag screening on the corpus: rules alone, model alone, both.

Usage:
    .venv/bin/python scripts/screening_eval.py cv [--folds 5] [--c 4]
        Cross-validation on the TRAINING side only, folds grouped by source page: the
        out-of-fold precision/recall curve of each level head (with the rules) and the
        thresholds it suggests (recall first, urgent first of all).
    .venv/bin/python scripts/screening_eval.py heldout [--json FILE] [--without P1,P2]
        Train on the whole training side exactly as ``rasa train`` does (same examples,
        same settings: config.yml's RedFlagScreener) and measure on the held-out side
        (``--without``: leave out the held-out items whose ids start with these prefixes,
        to compare with a round measured before those files were added).

Both report, for single messages and for whole conversations (the referral after the
last turn, signs combined across turns): recall at or above the needed level for doctor,
dermatologist and urgent items, and false referrals on benign, negated, past, question,
already-under-care and someone-else items. Never tune on the held-out report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from addons.nlu import red_flags  # noqa: E402
from addons.nlu.corpus_vectors import STORE, VectorStore  # noqa: E402
from addons.nlu.screening_corpus import Item, load, source_key, split, team_table  # noqa: E402
from scalpcare import screening, triage  # noqa: E402
from scalpcare.contract import Referral  # noqa: E402
from scalpcare.other_languages import detect_language  # noqa: E402

NEGATIVE_KINDS = ("benign", "negated", "past", "question", "under_care", "someone_else_none")
LEVELS = (Referral.DOCTOR, Referral.DERMATOLOGIST, Referral.URGENT)


def screener_config() -> dict[str, object]:
    """config.yml's settings of the red-flag screener (defaults filled in)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    for component in config["pipeline"]:
        if component["name"].endswith("RedFlagScreener"):
            return {**red_flags.RedFlagScreener.get_default_config(), **component}
    raise SystemExit("config.yml has no RedFlagScreener")


class Screener:
    """Rules and a trained model, scoring one message or a conversation."""

    def __init__(self, model: screening.ScreeningModel | None, vectors: dict[str, np.ndarray]):
        self.model = model
        self.vectors = vectors
        self._rules: dict[str, triage.ScreenResult] = {}

    def rules(self, text: str) -> triage.ScreenResult:
        if text not in self._rules:
            self._rules[text] = triage.screen(text)
        return self._rules[text]

    def results(self, text: str, use_rules: bool, use_model: bool) -> triage.ScreenResult:
        rules = self.rules(text) if use_rules else triage.ScreenResult()
        if not use_model or self.model is None or detect_language(text) is not None:
            return rules
        probs = self.model.probabilities(text, self.vectors[text])
        return screening.combine_reading(rules, self.model, probs)

    def level(self, item: Item, use_rules: bool = True, use_model: bool = True) -> Referral:
        results = [self.results(turn, use_rules, use_model) for turn in item.turns]
        return screening.conversation_state(results).level


def report(
    items: Sequence[Item], predict: Callable[[Item], Referral], title: str
) -> dict[str, object]:
    """Recall per needed level and false referrals per negative kind."""
    out: dict[str, object] = {}
    for part, subset in (
        ("messages", [i for i in items if not i.is_conversation]),
        ("conversations", [i for i in items if i.is_conversation]),
        ("all", list(items)),
    ):
        got = {i.id: predict(i) for i in subset}
        row: dict[str, object] = {}
        for level in LEVELS:
            need = [i for i in subset if i.level == level.value]
            hit = [i for i in need if got[i.id].rank >= level.rank]
            row[level.value] = [len(hit), len(need)]
        negatives = [i for i in subset if i.level == "none"]
        by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for i in negatives:
            kind = i.kind if i.kind != "conversation" else "conversation"
            by_kind[kind][1] += 1
            by_kind[kind][0] += got[i.id] is not Referral.NONE
        core = [i for i in negatives if i.kind in ("benign", "negated", "past")]
        row["false_referrals_benign_negated_past"] = [
            sum(got[i.id] is not Referral.NONE for i in core),
            len(core),
        ]
        row["false_referrals_all_none"] = [
            sum(got[i.id] is not Referral.NONE for i in negatives),
            len(negatives),
        ]
        row["false_by_kind"] = dict(by_kind)
        out[part] = row
    print(f"\n== {title}")
    for part in ("messages", "conversations", "all"):
        row = out[part]  # type: ignore[assignment]
        cells = []
        for level in LEVELS:
            hit, need = row[level.value]  # type: ignore[index]
            cells.append(f"{level.value} {hit}/{need} ({hit / max(need, 1):.3f})")
        fb, nb = row["false_referrals_benign_negated_past"]  # type: ignore[index]
        fa, na = row["false_referrals_all_none"]  # type: ignore[index]
        print(
            f"  {part:<13} recall: {'  '.join(cells)}\n"
            f"  {'':<13} false referrals: benign/negated/past {fb}/{nb} ({fb / max(nb, 1):.3f}),"
            f" every none item {fa}/{na} ({fa / max(na, 1):.3f})"
        )
    by_kind = out["all"]["false_by_kind"]  # type: ignore[index]
    print("  false referrals by kind:", {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())})
    return out


def folds_by_source(items: Sequence[Item], folds: int) -> list[int]:
    """A fold per item, the same for every item of one source page."""
    import hashlib

    def fold(item: Item) -> int:
        digest = hashlib.sha256(("fold:" + source_key(item.source)).encode()).hexdigest()
        return int(digest[:8], 16) % folds

    return [fold(item) for item in items]


def suggest(curve: list[tuple[float, float, float]], target: float) -> float:
    """The highest threshold whose recall reaches the target, recall first.

    The target is ``target``, or one point below the best recall any threshold reaches
    when that is lower (what the model cannot reach is no reason to flood the others).
    """
    best = max(recall for _, recall, _ in curve)
    goal = min(target, best - 0.01)
    return max(t for t, recall, _ in curve if recall >= goal)


def nlu_texts() -> list[str]:
    """The NLU training examples' texts (benign text for the model)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    return sorted({str(m.get("text")) for m in data.training_examples if m.get("intent")})


def vectors_for(texts: Sequence[str], config: dict[str, object]) -> dict[str, np.ndarray]:
    """Sentence vectors: the corpus's store, then a cache in build/ (held-out texts too)."""
    committed = VectorStore(STORE)
    cache = VectorStore(ROOT / "build" / "screening-vectors.npz")
    known = {t: v for t in set(texts) if (v := committed.get(t)) is not None}
    missing = [t for t in set(texts) if t not in known]
    encoded = cache.vectors_for(
        missing, lambda todo: red_flags.encode(todo, str(config["encoder_path"])), remember=True
    )
    if len(cache) and any(t not in known for t in texts):
        cache.save()
    return {t: known[t] if t in known else encoded[t] for t in texts}


def run_cv(args: argparse.Namespace) -> int:
    config = screener_config()
    train_items, _ = split(load())
    nlu = nlu_texts()
    table = team_table()
    texts = sorted({t for i in train_items for t in i.turns})
    vectors = vectors_for(texts + nlu + [t for t, _ in table], config)
    benign = red_flags.benign_examples((t, vectors[t]) for t in nlu)
    benign += red_flags.table_examples(table, vectors)
    fold_of = folds_by_source(train_items, args.folds)
    oof: dict[str, dict[str, float]] = (
        json.loads(Path(args.reuse).read_text()) if args.reuse else {}
    )
    start = time.perf_counter()
    for k in range(0 if args.reuse else args.folds):
        fit = [i for i, f in zip(train_items, fold_of, strict=True) if f != k]
        test = [i for i, f in zip(train_items, fold_of, strict=True) if f == k]
        examples = red_flags.corpus_examples(fit, vectors) + benign
        model = screening.train(
            examples,
            c=args.c,
            min_positives=int(config["min_sign_examples"]),
            status_c=float(config["status_C"]),  # type: ignore[arg-type]
        )
        for item in test:
            for turn in item.turns:
                oof[turn] = model.probabilities(turn, vectors[turn])
        print(
            f"fold {k + 1}/{args.folds}: {len(examples)} examples,"
            f" {time.perf_counter() - start:.0f} s"
        )

    class OOF(screening.ScreeningModel):
        """Out-of-fold probabilities looked up by text, with the thresholds tried."""

        def __init__(self, thresholds: dict[str, float]):
            heads = list(next(iter(oof.values())))
            sign = float(config["sign_threshold"])  # type: ignore[arg-type]
            signs = {h: sign for h in heads if h not in screening.READING_HEADS}
            super().__init__(heads, np.zeros((0, 0)), np.zeros(0), signs)
            self.thresholds.update(thresholds)

        def probabilities(
            self, text: str, vector: object, rules: object = None
        ) -> dict[str, float]:
            return oof[text]

    if args.dump:
        Path(args.dump).write_text(json.dumps(oof))
    screener = Screener(None, vectors)
    report(train_items, lambda i: screener.level(i, use_model=False), "rules alone (training side)")
    # Precision/recall of each level head, with the rules, at thresholds 0.05 .. 0.95.
    grid = [round(x, 2) for x in np.arange(0.05, 0.96, 0.05)]
    # The status head's threshold is the configured one (``--status`` to try another).
    configured = dict(config["thresholds"])  # type: ignore[call-overload]
    status = {
        screening.STATUS_HEAD: float(
            args.status if args.status is not None else configured.get(screening.STATUS_HEAD, 0.0)
        )
    }
    targets = {"urgent": 0.98, "dermatologist": 0.98, "doctor": 0.98}
    chosen: dict[str, float] = {}
    # The curve is measured where the model reads (English): elsewhere no threshold helps.
    english = [i for i in train_items if all(detect_language(t) is None for t in i.turns)]
    print(
        f"\nLevel heads with the rules, out of fold, {len(english)} English items"
        " (threshold: recall / precision / false referrals on benign, negated, past):"
    )
    for head in reversed(screening.LEVEL_HEADS):
        rank = Referral(head).rank
        curve = []
        for t in grid:
            thresholds = {h: (t if h == head else 2.0) for h in screening.LEVEL_HEADS}
            screener.model = OOF({**thresholds, **status})
            preds = {i.id: screener.level(i) for i in english}
            positives = [i for i in english if Referral(i.level).rank >= rank]
            hits = sum(preds[i.id].rank >= rank for i in positives)
            predicted = [i for i in english if preds[i.id].rank >= rank]
            right = sum(Referral(i.level).rank >= rank for i in predicted)
            core = [i for i in english if i.kind in ("benign", "negated", "past")]
            false = sum(preds[i.id] is not Referral.NONE for i in core)
            curve.append(
                (t, hits / len(positives), right / max(len(predicted), 1), false / len(core))
            )
        chosen[head] = suggest([c[:3] for c in curve], targets[head])
        print(
            f"  {head:<13}", "  ".join(f"{t:.2f}: {r:.3f}/{p:.3f}/{f:.3f}" for t, r, p, f in curve)
        )
        print(f"  {'':<13} suggested threshold {chosen[head]} (recall target {targets[head]})")
    for label, thresholds in (
        ("configured", dict(config["thresholds"])),  # type: ignore[arg-type]
        ("suggested", {**chosen, **status}),
    ):
        screener.model = OOF(thresholds)
        report(
            train_items,
            lambda i: screener.level(i, use_rules=False),
            f"model alone, {label} thresholds {thresholds}",
        )
        report(train_items, lambda i: screener.level(i), f"rules and model, {label} thresholds")
    return 0


def run_heldout(args: argparse.Namespace) -> int:
    config = screener_config()
    train_items, held = split(load())
    if args.without:
        # Compare with an earlier round: leave out the held-out items of files added since.
        prefixes = tuple(f"{p.strip()}-" for p in args.without.split(",") if p.strip())
        held = [i for i in held if not i.id.startswith(prefixes)]
    nlu = nlu_texts()
    table = team_table()
    texts = sorted({t for i in train_items + held for t in i.turns})
    vectors = vectors_for(texts + nlu + [t for t, _ in table], config)
    start = time.perf_counter()
    nlu_vectors = [(t, vectors[t]) for t in nlu]
    model = red_flags.train_model(train_items, vectors, nlu_vectors, config, table)
    print(f"trained in {time.perf_counter() - start:.0f} s; thresholds {model.thresholds}")
    screener = Screener(model, vectors)
    results = {
        "thresholds": model.thresholds,
        "heldout_items": len(held),
        "heldout_sources": len({source_key(i.source) for i in held}),
        "rules": report(
            held, lambda i: screener.level(i, use_model=False), "rules alone (held-out)"
        ),
        "model": report(
            held, lambda i: screener.level(i, use_rules=False), "model alone (held-out)"
        ),
        "both": report(held, lambda i: screener.level(i), "rules and model (held-out)"),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
        print(f"\nwritten to {args.json}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    cv = sub.add_parser("cv", help="cross-validation on the training side")
    cv.add_argument("--folds", type=int, default=5)
    cv.add_argument("--dump", help="write the out-of-fold probabilities to this JSON file")
    cv.add_argument("--reuse", help="read the out-of-fold probabilities from a --dump file")
    cv.add_argument("--c", type=float, default=float(screener_config()["C"]))  # type: ignore[arg-type]
    cv.add_argument(
        "--status", type=float, help="the status head's threshold (default: config.yml's)"
    )
    held = sub.add_parser(
        "heldout", help="train on the training side, measure on the held-out side"
    )
    held.add_argument("--json", help="also write the figures to this file")
    held.add_argument(
        "--without",
        help="comma-separated id prefixes whose held-out items are left out of the report"
        " (e.g. ben4,hn4,conv4,pos4: the items held out before those files were added)",
    )
    args = parser.parse_args(argv)
    return run_cv(args) if args.cmd == "cv" else run_heldout(args)


if __name__ == "__main__":
    sys.exit(main())

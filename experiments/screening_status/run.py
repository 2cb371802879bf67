"""Experiment: a learned "is it live?" head gating the model's referrals (training side only).

The level heads are linear: they add up sign words and status words ("no", "years ago",
"my dermatologist says") and cannot express "a sign AND it is current". A second head,
trained only on messages that talk about a sign (red flags against negated, past,
question, under-care and someone-else's items), learns the status alone; the model's
level then counts only when that head says the message is live. Measured out of fold,
5 folds by page, on the training side, against the same folds' baseline.

    .venv/bin/python experiments/screening_status/run.py --base /tmp/oof_base.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import screening_eval as se  # noqa: E402

from addons.nlu.screening_corpus import load, split, team_table  # noqa: E402
from scalpcare import screening  # noqa: E402
from scalpcare.contract import Referral  # noqa: E402
from scalpcare.other_languages import detect_language  # noqa: E402
from scalpcare.text_model import feature_matrix, fit_head  # noqa: E402

STATUS_NEG = ("negated", "past", "question", "under_care", "someone_else_none")


def live_examples(items, with_benign: bool):
    """The status head's training texts and 0/1 targets (single English messages)."""
    texts, ys = [], []
    for i in items:
        if i.is_conversation or detect_language(i.turns[0]) is not None:
            continue
        if i.kind == "red_flag":
            texts.append(i.turns[0]), ys.append(1)
        elif i.kind in STATUS_NEG or (with_benign and i.kind == "benign"):
            texts.append(i.turns[0]), ys.append(0)
    return texts, np.array(ys)


def main() -> int:
    """Fit the status head out of fold and report the gated model against the baseline."""
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True, help="screening_eval.py cv --dump file")
    p.add_argument("--live", help="cache of the out-of-fold live probabilities")
    p.add_argument("--with-benign", action="store_true")
    p.add_argument("--c", type=float, default=4.0)
    p.add_argument("--compact", action="store_true")
    p.add_argument("--taus", default="0,0.1,0.2,0.3,0.4,0.5,0.6")
    p.add_argument(
        "--combined",
        help="tau:urgent/dermatologist/doctor thresholds, e.g. 0.4:0.3/0.55/0.57;... (full report)",
    )
    args = p.parse_args()
    config = se.screener_config()
    train_items, _ = split(load())
    texts = sorted({t for i in train_items for t in i.turns})
    vectors = se.vectors_for(texts + [t for t, _ in team_table()], config)
    base = json.loads(Path(args.base).read_text())
    fold_of = se.folds_by_source(train_items, 5)
    if args.live and Path(args.live).exists():
        live = json.loads(Path(args.live).read_text())
    else:
        live = {}
        for k in range(5):
            fit = [i for i, f in zip(train_items, fold_of, strict=True) if f != k]
            test = [i for i, f in zip(train_items, fold_of, strict=True) if f == k]
            xt, y = live_examples(fit, args.with_benign)
            w, b = fit_head(feature_matrix(xt, [vectors[t] for t in xt]), y, args.c)
            tt = sorted({t for i in test for t in i.turns})
            scores = feature_matrix(tt, [vectors[t] for t in tt]) @ w + b
            for t, s in zip(tt, 1 / (1 + np.exp(-scores)), strict=True):
                live[t] = float(s)
            print(f"fold {k + 1}: live head on {len(xt)} messages ({int(y.sum())} live)")
        if args.live:
            Path(args.live).write_text(json.dumps(live))

    english = [i for i in train_items if all(detect_language(t) is None for t in i.turns)]
    core = [i for i in english if i.kind in ("benign", "negated", "past")]
    nones = [i for i in english if i.level == "none"]
    sign_t = float(config["sign_threshold"])
    # A dump made with the status head in the model has its column: left out, this
    # script's own out-of-fold head is the one tried.
    heads = [h for h in next(iter(base.values())) if h != screening.STATUS_HEAD]

    class Gated(screening.ScreeningModel):
        def __init__(self, thresholds, tau):
            super().__init__(heads, np.zeros((0, 0)), np.zeros(0), {h: sign_t for h in heads})
            self.thresholds.update(thresholds)
            self.tau = tau

        def probabilities(self, text, vector, rules=None):
            probs = {h: p for h, p in base[text].items() if h != screening.STATUS_HEAD}
            if live.get(text, 1.0) < self.tau:
                probs = {h: 0.0 for h in probs}
            return probs

    screener = se.Screener(None, vectors)
    grid = [round(x, 2) for x in np.arange(0.05, 0.96, 0.01)]
    print(
        "\nFalse referrals (benign/negated/past, every none) at matched recall,"
        " each head with the rules:"
    )
    if args.combined:
        for spec in args.combined.split(";"):
            tau, ths = spec.split(":")
            u, d, doc = (float(x) for x in ths.split("/"))
            screener.model = Gated({"urgent": u, "dermatologist": d, "doctor": doc}, float(tau))
            if not args.compact:
                se.report(train_items, lambda i: screener.level(i), f"rules and gated model {spec}")
                continue
            preds = {i.id: screener.level(i) for i in train_items}
            cells = []
            for level in se.LEVELS:
                need = [i for i in train_items if i.level == level.value]
                cells.append(f"{sum(preds[i.id].rank >= level.rank for i in need)}/{len(need)}")
            negatives = [i for i in train_items if i.level == "none"]
            core_all = [i for i in negatives if i.kind in ("benign", "negated", "past")]
            fb = sum(preds[i.id] is not Referral.NONE for i in core_all)
            fa = sum(preds[i.id] is not Referral.NONE for i in negatives)
            print(
                f"{spec:<22} recall {' '.join(cells)}"
                f"  false {fb}/{len(core_all)} {fa}/{len(negatives)}",
                flush=True,
            )
        return 0
    for tau in (float(x) for x in args.taus.split(",")):
        cells = []
        for head, goals in (
            ("urgent", (0.95, 0.96)),
            ("dermatologist", (0.97, 0.98)),
            ("doctor", (0.97, 0.98)),
        ):
            rank = Referral(head).rank
            positives = [i for i in english if Referral(i.level).rank >= rank]
            curve = []
            for t in grid[::2]:
                th = {h: (t if h == head else 2.0) for h in screening.LEVEL_HEADS}
                screener.model = Gated(th, tau)
                preds = {i.id: screener.level(i) for i in english}
                rec = sum(preds[i.id].rank >= rank for i in positives) / len(positives)
                fb = sum(preds[i.id] is not Referral.NONE for i in core)
                fa = sum(preds[i.id] is not Referral.NONE for i in nones)
                curve.append((t, rec, fb, fa))
            best = max(c[1] for c in curve)
            for g in goals:
                ok = [c for c in curve if c[1] >= g]
                if ok:
                    t, rec, fb, fa = max(ok, key=lambda c: c[0])
                    cells.append(f"{head[:5]}@{g}: t{t:.2f} {fb}/{len(core)} {fa}/{len(nones)}")
                else:
                    cells.append(f"{head[:5]}@{g}: -")
            cells.append(f"(best {best:.3f})")
        print(f"tau {tau:.1f}: " + "  ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

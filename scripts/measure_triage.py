"""Measure the red-flag screener over the labelled table.

Prints recall per category, the false-referral rate on the rows that must not
be referred (benign, negated, historic, question, someone else), nutrient
accuracy, and per-message latency (p50/p95 over several repetitions).

Usage: TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python scripts/measure_triage.py [--reps N]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from scalpcare.contract import Referral  # noqa: E402
from scalpcare.triage import screen, warm_up  # noqa: E402

CASES = ROOT / "data" / "screening" / "triage_table.csv"
NO_REFERRAL_CATEGORIES = ("benign", "negated", "historic", "question", "someone_else")


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print a report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5, help="latency repetitions")
    args = parser.parse_args(argv)

    with CASES.open(newline="", encoding="utf8") as fh:
        rows = list(csv.DictReader(fh))

    start = time.perf_counter()
    warm_up()
    print(f"warm-up (spaCy import + pipeline + tables): {time.perf_counter() - start:.1f} s")
    print(f"rows: {len(rows)}\n")

    results = {row["text"]: screen(row["text"]) for row in rows}

    print("Recall on rows that need a referral (exact level / at least that level):")
    by_cat: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for row in rows:
        want = Referral(row["referral"])
        if want is Referral.NONE:
            continue
        got = results[row["text"]].level
        by_cat[row["category"]].append((got is want, got.rank >= want.rank))
    total_exact = total_least = total = 0
    for cat in sorted(by_cat):
        hits = by_cat[cat]
        exact = sum(e for e, _ in hits)
        least = sum(a for _, a in hits)
        total_exact += exact
        total_least += least
        total += len(hits)
        print(f"  {cat:<13} {exact:>3}/{len(hits):<3} exact  {least:>3}/{len(hits):<3} at least")
    print(
        f"  {'ALL':<13} {total_exact:>3}/{total:<3} exact  {total_least:>3}/{total:<3} at least"
        f"  recall {total_least / total:.1%}\n"
    )

    print("False referrals on rows labelled none:")
    for cat in (*NO_REFERRAL_CATEGORIES, "massage", "nutrient", "mixed"):
        none_rows = [r for r in rows if r["category"] == cat and r["referral"] == "none"]
        if not none_rows:
            continue
        wrong = [r["text"] for r in none_rows if results[r["text"]].has_red_flag]
        print(
            f"  {cat:<13} {len(wrong):>3}/{len(none_rows):<3} = {len(wrong) / len(none_rows):.1%}"
        )
        for text in wrong:
            print(f"      ! {text}")
    nutrient_ok = sum(
        results[r["text"]].nutrient_deficiency is (r["nutrient"] == "true") for r in rows
    )
    print(f"\nNutrient flag agrees with the table: {nutrient_ok}/{len(rows)}\n")

    timings: list[float] = []
    for _ in range(args.reps):
        for row in rows:
            t0 = time.perf_counter()
            screen(row["text"])
            timings.append((time.perf_counter() - t0) * 1000)
    print(f"Latency per message over {len(rows)} rows x {args.reps} reps ({len(timings)} calls):")
    print(
        f"  p50 {_percentile(timings, 50):.2f} ms   p95 {_percentile(timings, 95):.2f} ms   "
        f"max {max(timings):.2f} ms   mean {statistics.mean(timings):.2f} ms"
    )

    big = "my scalp is a bit oily and i use dry shampoo. " * 2200 + "i have a round bald spot"
    t0 = time.perf_counter()
    level = screen(big).level
    print(
        f"  {len(big) // 1000} KB message, flag at the end: {level.value} in "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    dense = "my psoriasis is flaring and i have no fever. " * 2200
    t0 = time.perf_counter()
    level = screen(dense).level
    print(
        f"  {len(dense) // 1000} KB message, a flag in every sentence: {level.value} in "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

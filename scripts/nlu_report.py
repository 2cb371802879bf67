"""Summarise `rasa test nlu` result folders: macro-F1 per task and wall time.

Usage: python scripts/nlu_report.py RESULTS_DIR [--check RUN]
Each sub-folder of RESULTS_DIR is one run of `rasa test nlu --out <sub-folder>`.
With ``--check RUN`` the exit status is 1 when RUN misses the quality bar.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPORTS = {
    "intent": ("intent_report.json",),
    # StoredCRFEntityExtractor_report.json (config.yml), or DIETClassifier_report.json
    # for the experiments that tag entities with DIET.
    "entity": ("*CRFEntityExtractor_report.json", "*DIETClassifier_report.json"),
    "response": ("response_selection_report.json",),
}


def macro_f1(run: Path, patterns: tuple[str, ...]) -> float | None:
    """Return the macro-averaged F1 of a run's report, or None when absent."""
    matches = [match for pattern in patterns for match in sorted(run.glob(pattern))]
    if not matches:
        return None
    report = json.loads(matches[0].read_text())
    return float(report["macro avg"]["f1-score"])


#: The quality bar (issue 3): macro-F1 per task in cross-validation.
BAR = {"intent": 0.95, "entity": 0.90, "response": 0.90}


def main(results_dir: str, check: str | None = None) -> int:
    """Print one row per run; with ``check``, fail when that run misses the bar."""
    root = Path(results_dir)
    times: dict[str, str] = {}
    times_file = root / "times.txt"
    if times_file.exists():
        for line in times_file.read_text().splitlines():
            name, seconds = line.split()
            times[name] = seconds
    print(f"{'run':<24}{'intent F1':>11}{'entity F1':>11}{'response F1':>13}{'time s':>8}")
    for run in sorted(p for p in root.iterdir() if p.is_dir()):
        cells = []
        for report in REPORTS.values():
            value = macro_f1(run, report)
            cells.append("-" if value is None else f"{value:.3f}")
        seconds = times.get(run.name, "-")
        print(f"{run.name:<24}{cells[0]:>11}{cells[1]:>11}{cells[2]:>13}{seconds:>8}")
    if check is None:
        return 0
    failed = []
    for task, report in REPORTS.items():
        value = macro_f1(root / check, report)
        if value is None or value < BAR[task]:
            failed.append(f"{task} F1 {value} < {BAR[task]}")
    print("quality bar:", "; ".join(failed) if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    check_run = None
    if "--check" in args:
        index = args.index("--check")
        check_run = args[index + 1]
        del args[index : index + 2]
    sys.exit(main(args[0] if args else "results/compare", check_run))

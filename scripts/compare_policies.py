"""Compare dialogue-policy choices on the conversation tests (`make compare-policies`).

Each candidate is config.yml with its ``policies`` list changed (the NLU pipeline is
the same, so Rasa's training cache reuses it). For each one this script trains a
model, runs ``rasa test core`` on tests/test_*.yml and reports the conversations
and actions predicted correctly, the dialogue-only training time (``rasa train core``,
which the NLU cache cannot distort) and the time of the test run.

Usage: python scripts/compare_policies.py [--out results/policies]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

Policies = list[dict[str, Any]]


def _without(*names: str) -> Callable[[Policies], Policies]:
    def change(policies: Policies) -> Policies:
        return [p for p in policies if p["name"] not in names]

    return change


#: Rasa's learned policies, as config.yml had them before they were measured out.
MEMOIZATION = {"name": "MemoizationPolicy", "max_history": 5}
TED = {
    "name": "TEDPolicy",
    "max_history": 5,
    "epochs": 100,
    "constrain_similarities": True,
    "random_seed": 42,
}


def _with_learned(policies: Policies) -> Policies:
    """Memoization before RulePolicy and TED after it, as in Rasa's default config."""
    names = [p["name"] for p in policies]
    # RulePolicy or a subclass of it (config.yml: addons.policies.quiet_rule_policy.QuietRulePolicy)
    rule = next((i for i, n in enumerate(names) if n.endswith("RulePolicy")), len(policies))
    return [*policies[:rule], MEMOIZATION, *policies[rule:], TED]


#: name -> how its policies differ from config.yml's.
CANDIDATES: dict[str, Callable[[Policies], Policies]] = {
    "config": lambda policies: policies,
    "with_memoization_ted": _with_learned,
    "with_memoization_ted_no_triage": lambda policies: _with_learned(
        _without("addons.policies.triage_policy.TriagePolicy")(policies)
    ),
}


def candidate_config(base: dict[str, Any], name: str) -> dict[str, Any]:
    """Return config.yml's content with the candidate's policies (pure)."""
    config = dict(base)
    config["policies"] = CANDIDATES[name](list(base["policies"]))
    return config


def story_scores(report_dir: Path) -> dict[str, Any]:
    """Read conversation and action accuracy from a ``rasa test core`` output folder."""
    failed = report_dir / "failed_test_stories.yml"
    failed_count = 0
    if failed.exists():
        failed_count = failed.read_text(encoding="utf-8").count("- story:")
    report = json.loads((report_dir / "story_report.json").read_text(encoding="utf-8"))
    return {
        "failed_conversations": failed_count,
        "action_accuracy": report.get("accuracy"),
        "action_macro_f1": report.get("macro avg", {}).get("f1-score"),
    }


def run(out: Path) -> list[dict[str, Any]]:
    """Train and test every candidate; return one row each."""
    base = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in CANDIDATES:
        folder = out / name
        folder.mkdir(exist_ok=True)
        config_file = folder / "config.yml"
        config_file.write_text(yaml.safe_dump(candidate_config(base, name), sort_keys=False))
        log = (folder / "log.txt").open("w")
        start = time.monotonic()
        subprocess.run(
            [str(BIN / "rasa"), "train", "core", "--config", str(config_file),
             "--out", str(folder / "core"), "--fixed-model-name", "core"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=True,
        )  # fmt: skip
        core_train_s = time.monotonic() - start
        subprocess.run(
            [str(BIN / "rasa"), "train", "--config", str(config_file), "--out", str(folder),
             "--fixed-model-name", "model"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=True,
        )  # fmt: skip
        model = folder / "model.tar.gz"
        start = time.monotonic()
        subprocess.run(
            [str(BIN / "rasa"), "test", "core", "--model", str(model), "--stories", "tests",
             "--out", str(folder / "test")],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=True,
        )  # fmt: skip
        test_s = time.monotonic() - start
        log.close()
        rows.append(
            {
                "candidate": name,
                "policies": [p["name"] for p in candidate_config(base, name)["policies"]],
                **story_scores(folder / "test"),
                "core_train_s": round(core_train_s, 1),
                "test_s": round(test_s, 1),
            }
        )
    (out / "summary.json").write_text(json.dumps(rows, indent=2))
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    """Print one line per candidate."""
    header = ("failed conv.", 13), ("action acc.", 12), ("core train s", 13), ("test s", 8)
    print(f"{'candidate':<32}" + "".join(f"{title:>{width}}" for title, width in header))
    for row in rows:
        accuracy = row["action_accuracy"]
        print(
            f"{row['candidate']:<32}{row['failed_conversations']:>13}"
            f"{'-' if accuracy is None else f'{accuracy:.3f}':>12}"
            f"{row['core_train_s']:>13}{row['test_s']:>8}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/policies", type=Path)
    args = parser.parse_args()
    print_table(run(ROOT / args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

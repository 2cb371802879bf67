"""Play the conversation set against the running assistant and report the pass rate by kind.

Usage:
    .venv/bin/python scripts/conversations_eval.py dev [--failures] [--kind K] [--id ID]
        The dev side (data/conversations/*.yml), with each failing turn when --failures.
    .venv/bin/python scripts/conversations_eval.py heldout [--json FILE] [--min RATE]
        The held-out side (tests/data/conversations/heldout.yml): pass rates by kind only.
        Never tune on it; --failures is refused for it.
    .venv/bin/python scripts/conversations_eval.py split POOL.yml...
        Put newly written conversations on their side (by a hash of their sources, see
        tests/conversations.py): dev ones are appended to data/conversations/<kind>.yml,
        held-out ones to tests/data/conversations/heldout.yml. Run it before playing them.

The assistant is started as the end-to-end tests start it (scripts/run.sh on free ports, its
own SQLite databases in a temporary directory, the trained model in models/); each
conversation gets a new sender id. See data/conversations/GUIDE.md for the format.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests import conversations as conv  # noqa: E402


def play_all(conversations: list[dict[str, Any]]) -> list[conv.Outcome]:
    """Start the assistant once and play every conversation."""
    # tests/conftest.py sets the runtime defaults the Makefile exports (stores, Redis).
    import tests.conftest  # noqa: F401
    from tests.e2e.conftest import running_assistant

    with (
        tempfile.TemporaryDirectory() as workdir,
        running_assistant(Path(workdir), {"CHECKIN_DELAY_SECONDS": "86400"}) as assistant,
    ):
        return [conv.play(assistant, c) for c in conversations]


def print_report(side: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{side}: conversations passing every turn")
    for kind, row in rows.items():
        print(f"  {kind:<18} {int(row['passed']):>4}/{int(row['total']):<4} {row['rate']:.0%}")


def split_pool(paths: list[Path]) -> None:
    """Append each pool conversation to its side's file; refuse duplicate ids."""
    pool = [c for path in paths for c in conv.load(path)]
    known = {c["id"] for c in conv.load_side("dev")}
    if conv.HELDOUT_FILE.exists():
        known |= {c["id"] for c in conv.load_side("heldout")}
    clashes = sorted(known & {c["id"] for c in pool})
    if clashes:
        raise SystemExit(f"ids already in the set: {clashes}")
    sides = conv.split(pool)
    by_file: dict[Path, list[Any]] = {}
    for conversation in sides["dev"]:
        by_file.setdefault(conv.DEV_DIR / f"{conversation['kind']}.yml", []).append(conversation)
    by_file[conv.HELDOUT_FILE] = list(sides["heldout"])
    for path, new in by_file.items():
        old = conv.load(path) if path.exists() else []
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(
            {"conversations": old + new}, allow_unicode=True, sort_keys=False, width=100
        )
        path.write_text(text, encoding="utf8")
    kinds = Counter(c["kind"] for c in sides["heldout"])
    print(
        f"dev {len(sides['dev'])}, held-out {len(sides['heldout'])}: {dict(sorted(kinds.items()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("side", choices=("dev", "heldout", "split"))
    parser.add_argument("pool", nargs="*", type=Path, help="with split: the files to add")
    parser.add_argument("--failures", action="store_true", help="dev only: show failing turns")
    parser.add_argument("--kind", help="only this kind")
    parser.add_argument("--id", help="only this conversation")
    parser.add_argument("--json", type=Path, help="write the rates to this file")
    parser.add_argument("--min", type=float, default=0.0, help="exit 1 below this pass rate")
    args = parser.parse_args()
    if args.side == "split":
        split_pool(args.pool)
        return
    if args.side == "heldout" and (args.failures or args.id):
        raise SystemExit("the held-out side is reported by kind only: never tune on it")
    conversations = [
        c
        for c in conv.load_side(args.side)
        if (not args.kind or c["kind"] == args.kind) and (not args.id or c["id"] == args.id)
    ]
    outcomes = play_all(conversations)
    if args.failures:
        for outcome in outcomes:
            if not outcome.passed:
                print(f"\n{outcome.id} ({outcome.kind})")
                print("\n".join(outcome.failures))
    rows = conv.report(outcomes)
    print_report(args.side, rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf8")
    if rows["ALL"]["rate"] < args.min:
        raise SystemExit(f"pass rate {rows['ALL']['rate']:.1%} is below {args.min:.0%}")


if __name__ == "__main__":
    main()

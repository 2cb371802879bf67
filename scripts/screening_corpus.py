"""The screening corpus (data/screening/sources/*.jsonl): check it and count it.

Usage:
    python scripts/screening_corpus.py check [FILE ...]   # format and labels (exit 1 on errors)
    python scripts/screening_corpus.py stats              # counts per level, kind, style, side

Runs without the venv (standard library only).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addons.nlu.screening_corpus import SOURCES, load, read_items, source_key, split


def _check(paths: list[Path]) -> int:
    bad = 0
    ids: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    for path, n, raw, errs in read_items(paths):
        for err in errs:
            print(f"{path.name}:{n}: {err}")
        bad += bool(errs)
        if raw.get("id"):
            ids[str(raw["id"])] += 1
        key = " ".join(str(raw.get("text") or raw.get("turns") or "").lower().split())
        texts[key] += 1
    for key, count in ids.items():
        if count > 1:
            print(f"duplicate id {key} ({count}x)")
            bad += 1
    dups = [t for t, c in texts.items() if c > 1 and t]
    for text in dups:
        print(f"duplicate text ({texts[text]}x): {text[:80]}")
    print(f"{sum(ids.values())} items, {bad} with errors, {len(dups)} duplicate texts")
    return 1 if bad or dups else 0


def _stats() -> int:
    items = load()
    train, held = split(items)
    for name, part in (("all", items), ("train", train), ("held-out", held)):
        msgs = sum(len(i.turns) for i in part)
        srcs = len({source_key(i.source) for i in part})
        print(f"{name}: {len(part)} items ({msgs} user messages) from {srcs} source pages")
        print("  level:", dict(sorted(Counter(i.level for i in part).items())))
        print("  kind: ", dict(sorted(Counter(i.kind for i in part).items())))
        print("  about:", dict(sorted(Counter(i.about for i in part).items())))
        print("  lang: ", dict(sorted(Counter(i.lang for i in part).items())))
        print("  style:", dict(sorted(Counter(s for i in part for s in i.style).items())))
    print("per file:", dict(sorted(Counter(i.file for i in items).items())))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    check = sub.add_parser("check", help="check the format and labels")
    check.add_argument("files", nargs="*", type=Path)
    sub.add_parser("stats", help="counts per level, kind, style and side")
    args = parser.parse_args(argv)
    if args.cmd == "check":
        return _check(args.files or sorted(SOURCES.glob("*.jsonl")))
    return _stats()


if __name__ == "__main__":
    sys.exit(main())

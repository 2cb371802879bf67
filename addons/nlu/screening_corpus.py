"""The screening corpus (data/screening/sources/*.jsonl): read, check and split it.

Standard library only (``scripts/screening_corpus.py`` runs it without the venv). The
held-out side of an item is decided by its source page alone (:func:`heldout_source`),
so no page is on both sides; the rule was fixed before any result was seen
(data/screening/GUIDE.md). Training (``addons.nlu.red_flags``) reads the training side only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "data" / "screening" / "sources"
#: The team's own labelled table (written for the rules, not from public sources): the
#: model trains on it too; it is never part of the held-out side.
TEAM_TABLE = ROOT / "data" / "screening" / "triage_table.csv"

LEVELS = ("none", "doctor", "dermatologist", "urgent")
SIGNS = frozenset(
    [
        "fever",
        "infection",
        "spreading",
        "swelling",
        "bleeding",
        "severe_pain",
        "blisters",
        "patchy_loss",
        "scaling",
        "redness",
        "non_healing",
        "scarring",
        "lump",
        "fungal",
        "allergic",
        "head_injury",
        "chemical_burn",
        "deficiency",
    ]
)
KINDS = frozenset(
    [
        "red_flag",
        "benign",
        "negated",
        "past",
        "question",
        "under_care",
        "someone_else_none",
        "conversation",
    ]
)
ABOUT = frozenset(("self", "child", "adult_other"))
STYLES = frozenset(
    [
        "plain",
        "chat",
        "typo",
        "caps",
        "run_on",
        "non_native",
        "multi_problem",
        "older_person",
        "aside",
        "emoji",
        "long",
    ]
)
LANGS = frozenset(("en", "es", "fr", "de"))
#: Share of source pages set aside for the held-out split (fixed before any result).
HELDOUT_PERCENT = 22


@dataclass(frozen=True)
class Item:
    """One labelled message or conversation of the corpus."""

    id: str
    turns: tuple[str, ...]
    level: str
    signs: tuple[str, ...]
    kind: str
    about: str
    source: str
    turn_levels: tuple[str, ...] = ()
    style: tuple[str, ...] = ()
    lang: str = "en"
    file: str = field(default="", compare=False)

    @property
    def is_conversation(self) -> bool:
        """True for a multi-turn chat."""
        return self.kind == "conversation"

    @property
    def text(self) -> str:
        """The message (a conversation's turns joined, for display)."""
        return " | ".join(self.turns)

    @property
    def heldout(self) -> bool:
        """Whether this item's source page is on the held-out side."""
        return heldout_source(self.source)


def source_key(url: str) -> str:
    """A page's identity: host without ``www.`` and path, no query or fragment."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower()


def heldout_source(url: str) -> bool:
    """Is this source page on the held-out side? (a hash of its address; fixed)."""
    digest = hashlib.sha256(source_key(url).encode("utf8")).hexdigest()
    return int(digest[:8], 16) % 100 < HELDOUT_PERCENT


def _errors(raw: dict[str, object]) -> list[str]:
    """What is wrong with one raw line (empty when it is valid)."""
    errs: list[str] = []
    conv = raw.get("kind") == "conversation"
    if not isinstance(raw.get("id"), str) or not raw["id"]:
        errs.append("id missing")
    if conv:
        turns = raw.get("turns")
        if (
            not isinstance(turns, list)
            or len(turns) < 2
            or not all(isinstance(t, str) and t.strip() for t in turns)
        ):
            errs.append("turns must be a list of at least 2 non-empty strings")
        tl = raw.get("turn_levels")
        if not isinstance(tl, list) or not isinstance(turns, list) or len(tl) != len(turns):
            errs.append("turn_levels must have one level per turn")
        elif any(level not in LEVELS for level in tl):
            errs.append(f"turn_levels: unknown level in {tl}")
    elif not isinstance(raw.get("text"), str) or not str(raw["text"]).strip():
        errs.append("text missing")
    if raw.get("level") not in LEVELS:
        errs.append(f"level {raw.get('level')!r} not in {LEVELS}")
    signs = raw.get("signs", [])
    if not isinstance(signs, list) or any(s not in SIGNS for s in signs):
        errs.append(f"signs {signs!r}: unknown sign")
    if raw.get("kind") not in KINDS:
        errs.append(f"kind {raw.get('kind')!r} not in {sorted(KINDS)}")
    if raw.get("about", "self") not in ABOUT:
        errs.append(f"about {raw.get('about')!r} not in {sorted(ABOUT)}")
    style = raw.get("style", [])
    if not isinstance(style, list) or any(s not in STYLES for s in style):
        errs.append(f"style {style!r}: unknown style")
    if raw.get("lang", "en") not in LANGS:
        errs.append(f"lang {raw.get('lang')!r} not in {sorted(LANGS)}")
    src = raw.get("source")
    if not isinstance(src, str) or not src.startswith(("http://", "https://")):
        errs.append("source must be the page's http(s) address")
    level = raw.get("level")
    if (
        raw.get("kind") in ("benign", "negated", "past", "question", "under_care")
        and level != "none"
    ):
        errs.append(f"kind {raw.get('kind')} needs level none")
    if raw.get("kind") == "red_flag" and level == "none":
        errs.append("kind red_flag needs a level above none")
    return errs


def read_items(paths: Iterable[Path]) -> Iterator[tuple[Path, int, dict[str, object], list[str]]]:
    """Every line of the files: (file, line number, raw dict, errors)."""
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                yield path, n, {}, [f"not JSON: {exc}"]
                continue
            if not isinstance(raw, dict):
                yield path, n, {}, ["not a JSON object"]
                continue
            yield path, n, raw, _errors(raw)


def _item(raw: dict[str, object], path: Path) -> Item:
    """Build an :class:`Item` from a valid raw line."""
    conv = raw["kind"] == "conversation"
    turns = tuple(raw["turns"]) if conv else (str(raw["text"]),)  # type: ignore[arg-type]
    return Item(
        id=str(raw["id"]),
        turns=turns,
        level=str(raw["level"]),
        signs=tuple(raw.get("signs") or ()),  # type: ignore[arg-type]
        kind=str(raw["kind"]),
        about=str(raw.get("about", "self")),
        source=str(raw["source"]),
        turn_levels=tuple(raw.get("turn_levels") or ()),  # type: ignore[arg-type]
        style=tuple(raw.get("style") or ()),  # type: ignore[arg-type]
        lang=str(raw.get("lang", "en")),
        file=path.name,
    )


def load(paths: Iterable[Path] | None = None) -> list[Item]:
    """Load every valid item (invalid lines are skipped; ``check`` reports them)."""
    files = sorted(SOURCES.glob("*.jsonl")) if paths is None else list(paths)
    return [_item(raw, path) for path, _, raw, errs in read_items(files) if not errs]


def split(items: Iterable[Item]) -> tuple[list[Item], list[Item]]:
    """(training side, held-out side), by source page."""
    train: list[Item] = []
    held: list[Item] = []
    for item in items:
        (held if item.heldout else train).append(item)
    return train, held


def team_table(path: Path = TEAM_TABLE) -> list[tuple[str, str]]:
    """The team's table as (text, level) rows."""
    import csv

    with path.open(newline="", encoding="utf8") as handle:
        return [(row["text"], row["referral"]) for row in csv.DictReader(handle)]

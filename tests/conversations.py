"""The conversation set (data/conversations/GUIDE.md): loading, splitting and checking turns.

A conversation is played against the running assistant; after each user message the events
since that message (the actions run, the replies with the response each was rendered from)
and the tracker's slots are checked against the turn's ``expect``. The checks are pure
functions of those, so they are tested as tables (tests/unit/test_conversation_checks.py);
scripts/conversations_eval.py and tests/e2e/test_conversations_http.py play the set.
"""

from __future__ import annotations

import csv
import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV_DIR = ROOT / "data" / "conversations"
HELDOUT_FILE = ROOT / "tests" / "data" / "conversations" / "heldout.yml"
#: Typed answers to the erasure question ("Shall I go ahead?") and whether each erases.
ERASURE_ANSWERS = ROOT / "tests" / "data" / "erasure_answers.csv"
#: Replies that say the assistant did not understand; they fail a turn unless it is
#: marked ``confused: true``.
CONFUSED = frozenset(
    (
        "utter_ask_rephrase",
        "utter_not_sure",
        "utter_not_sure_with_topics",
        "utter_give_up",
        "utter_default",
    )
)
EXPECT_KEYS = frozenset(
    ("replies", "no_replies", "actions", "no_actions", "says", "not_says", "slots", "confused")
)
#: A sentence shorter than this may repeat in one message ("Okay." twice is no wall of text).
MIN_REPEATED_SENTENCE = 25
#: The share of sources set aside (1 in HELDOUT_MODULUS, by a hash of the address).
HELDOUT_MODULUS = 3


@dataclass(frozen=True)
class Turn:
    """What the assistant did after one user message."""

    actions: tuple[str, ...]
    #: (response name or "", text) for each reply, in order.
    replies: tuple[tuple[str, str], ...]
    slots: Mapping[str, Any]


@dataclass
class Outcome:
    """One conversation's result: the first failing turn's problems, if any."""

    id: str
    kind: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def erasure_answers() -> list[tuple[str, bool]]:
    """The table of typed answers to the erasure question, played end to end too."""
    with ERASURE_ANSWERS.open(encoding="utf8") as rows:
        return [(row["answer"], row["erased"] == "true") for row in csv.DictReader(rows)]


def load(path: Path) -> list[dict[str, Any]]:
    """The conversations in one YAML file, each checked for its fields."""
    data = yaml.safe_load(path.read_text(encoding="utf8")) or {}
    conversations = list(data.get("conversations") or [])
    for conversation in conversations:
        problems = shape_problems(conversation)
        if problems:
            raise ValueError(f"{path}: {conversation.get('id')}: {'; '.join(problems)}")
    return conversations


def load_side(side: str) -> list[dict[str, Any]]:
    """The dev side (every data/conversations/*.yml) or the held-out side."""
    if side == "heldout":
        return load(HELDOUT_FILE)
    return [c for path in sorted(DEV_DIR.glob("*.yml")) for c in load(path)]


def shape_problems(conversation: Mapping[str, Any]) -> list[str]:
    """What is missing or unknown in a conversation's fields."""
    problems = [
        f"no {key}" for key in ("id", "kind", "sources", "turns") if not conversation.get(key)
    ]
    for number, turn in enumerate(conversation.get("turns") or [], start=1):
        if not isinstance(turn, Mapping) or not isinstance(turn.get("user"), str):
            problems.append(f"turn {number} has no user message")
            continue
        unknown = set(turn.get("expect") or {}) - EXPECT_KEYS
        if unknown:
            problems.append(f"turn {number}: unknown expect keys {sorted(unknown)}")
    return problems


def side_of(source: str) -> str:
    """``heldout`` for a third of the source addresses (a hash decides), else ``dev``."""
    digest = hashlib.sha1(source.strip().encode("utf8")).hexdigest()
    return "heldout" if int(digest, 16) % HELDOUT_MODULUS == 0 else "dev"


def split(conversations: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Each conversation on the side of its first source; no page on both sides.

    A conversation citing several pages goes held-out when any of them does, so a page
    written from on the held-out side never also shapes a dev conversation.
    """
    sides: dict[str, list[Mapping[str, Any]]] = {"dev": [], "heldout": []}
    for conversation in conversations:
        held = any(side_of(s) == "heldout" for s in conversation["sources"])
        sides["heldout" if held else "dev"].append(conversation)
    return sides


def _alternatives(item: str) -> list[str]:
    return [part.strip() for part in str(item).split("|") if part.strip()]


def _matches(name: str, pattern: str) -> bool:
    if pattern.endswith("/*"):
        return name.startswith(pattern[:-1])
    return name == pattern


def _any_named(names: Sequence[str], item: str) -> bool:
    return any(_matches(name, p) for p in _alternatives(item) for name in names)


def _sentences(text: str) -> list[str]:
    return [s.strip().lower() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def repeated_sentences(texts: Iterable[str]) -> list[str]:
    """Sentences (long enough to matter) said twice in one turn's replies."""
    seen: set[str] = set()
    repeated: list[str] = []
    for text in texts:
        for sentence in _sentences(text):
            if len(sentence) < MIN_REPEATED_SENTENCE:
                continue
            if sentence in seen and sentence not in repeated:
                repeated.append(sentence)
            seen.add(sentence)
    return repeated


def _slot_problem(name: str, expected: Any, actual: Any) -> str | None:
    if isinstance(expected, list):
        have = list(actual or [])
        missing = [item for item in expected if item not in have]
        return f"slot {name}={actual!r}, missing {missing}" if missing else None
    if isinstance(expected, float) or isinstance(actual, float):
        try:
            same = expected is not None and actual is not None and float(expected) == float(actual)
        except (TypeError, ValueError):
            same = False
        return None if same or expected == actual else f"slot {name}={actual!r}, not {expected!r}"
    return None if expected == actual else f"slot {name}={actual!r}, not {expected!r}"


def check_turn(expect: Mapping[str, Any] | None, turn: Turn) -> list[str]:
    """What is wrong with ``turn`` given the turn's ``expect`` (empty when it passes)."""
    expect = {
        key: [value] if isinstance(value, str) and key != "confused" else value
        for key, value in (expect or {}).items()
    }
    names = [name for name, _ in turn.replies if name]
    texts = [text for _, text in turn.replies]
    joined = "\n".join(texts).lower()
    problems: list[str] = []
    if not turn.replies:
        problems.append("no reply")
    confused = sorted(set(names) & CONFUSED)
    if confused and not expect.get("confused"):
        problems.append(f"not understood ({', '.join(confused)})")
    problems += [f"said twice: {s!r}" for s in repeated_sentences(texts)]
    problems += [
        f"no {item}" for item in expect.get("replies") or [] if not _any_named(names, item)
    ]
    problems += [
        f"said {item}" for item in expect.get("no_replies") or [] if _any_named(names, item)
    ]
    problems += [
        f"did not run {item}"
        for item in expect.get("actions") or []
        if not _any_named(turn.actions, item)
    ]
    problems += [
        f"ran {item}" for item in expect.get("no_actions") or [] if _any_named(turn.actions, item)
    ]
    problems += [
        f"does not say {item!r}"
        for item in expect.get("says") or []
        if not any(alt.lower() in joined for alt in _alternatives(item))
    ]
    problems += [
        f"says {item!r}" for item in expect.get("not_says") or [] if str(item).lower() in joined
    ]
    for slot, value in (expect.get("slots") or {}).items():
        problem = _slot_problem(slot, value, turn.slots.get(slot))
        if problem:
            problems.append(problem)
    return problems


def turn_from_events(events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any]) -> Turn:
    """The actions and replies after the last user message in a tracker's events."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    actions: list[str] = []
    replies: list[tuple[str, str]] = []
    for event in events[last_user + 1 :]:
        if event.get("event") == "action" and event.get("name") != "action_listen":
            actions.append(str(event.get("name")))
        elif event.get("event") == "bot":
            metadata = event.get("metadata") or {}
            replies.append((str(metadata.get("utter_action") or ""), str(event.get("text") or "")))
    return Turn(tuple(actions), tuple(replies), dict(slots))


def play(assistant: Any, conversation: dict[str, Any]) -> Outcome:
    """Say each turn; stop at the first turn that fails its checks."""
    sender = f"rest:conv-{conversation['id']}-{uuid.uuid4().hex[:8]}"
    outcome = Outcome(str(conversation["id"]), str(conversation["kind"]))
    for number, step in enumerate(conversation["turns"], start=1):
        assistant.say(sender, step["user"])
        tracker = assistant.tracker(sender)
        turn = turn_from_events(tracker.get("events") or [], tracker.get("slots") or {})
        problems = check_turn(step.get("expect"), turn)
        if problems:
            said = " | ".join(f"[{name or '-'}] {text[:90]!r}" for name, text in turn.replies)
            outcome.failures = [
                f"turn {number} {step['user'][:80]!r}: " + "; ".join(problems),
                f"    ran {list(turn.actions)}; replied {said}",
            ]
            break
    return outcome


def report(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Pass counts and rates by kind, and overall."""
    total, passed = Counter[str](), Counter[str]()
    for outcome in outcomes:
        total[outcome.kind] += 1
        passed[outcome.kind] += outcome.passed
    rows = {
        kind: {"passed": passed[kind], "total": total[kind], "rate": passed[kind] / total[kind]}
        for kind in sorted(total)
    }
    count = sum(total.values())
    rows["ALL"] = {
        "passed": sum(passed.values()),
        "total": count,
        "rate": sum(passed.values()) / count if count else 0.0,
    }
    return rows

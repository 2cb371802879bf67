"""A cap on message length that never hides a red flag (pure).

Rasa's NLU cost grows faster than the message: on 2 cores a 2,000-character message
takes about 0.2 s, 20,000 characters about 3 s and 100,000 characters over a
minute, during which the server answers nobody. Every channel
(``addons/channels.py``) therefore shortens a message longer than
``MESSAGE_MAX_CHARS`` (default 2,000) before Rasa reads it, and tells the user so.

Safety first: the whole message is screened for red flags
(:func:`actions.triage.screen`, about 0.3 s for 100 KB) and every flagged sentence
beyond the cut is kept, with its own words (negation and history cues included), so
the referral is the same as for the whole message.
"""

from __future__ import annotations

import os
import re

from actions import triage

ENV_VAR = "MESSAGE_MAX_CHARS"
DEFAULT_MAX_CHARS = 2000
#: At most this many characters of context on each side of a flag beyond the cut.
CONTEXT_CHARS = 200
#: At most this many flagged sentences are carried over.
MAX_KEPT = 5
SEPARATOR = " … "
_SENTENCE_END = re.compile(r"[.!?\n]")


def max_chars() -> int:
    """``$MESSAGE_MAX_CHARS`` when it is a sensible number, else 2,000."""
    try:
        value = int(os.environ.get(ENV_VAR, DEFAULT_MAX_CHARS))
    except ValueError:
        return DEFAULT_MAX_CHARS
    return value if value >= 200 else DEFAULT_MAX_CHARS


def notice(length: int, limit: int, kept_flags: bool) -> str:
    """The polite note sent before the bot's answer to a shortened message."""
    also = " and what you said about symptoms further on" if kept_flags else ""
    return (
        f"That's a long message ({length:,} characters), so I've read the first "
        f"{limit:,}{also}. For the best answer, send one question or topic at a time."
    )


def _cut(text: str, limit: int) -> str:
    head = text[:limit]
    space = head.rfind(" ", limit - CONTEXT_CHARS)
    return head[:space] if space > 0 else head


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    lower = max(0, start - CONTEXT_CHARS)
    ends_before = [m.end() for m in _SENTENCE_END.finditer(text, lower, start)]
    begin = ends_before[-1] if ends_before else lower
    after = _SENTENCE_END.search(text, end, min(len(text), end + CONTEXT_CHARS))
    return begin, after.end() if after else min(len(text), end + CONTEXT_CHARS)


def shorten(text: str, limit: int | None = None) -> tuple[str, str | None]:
    """Return the text Rasa should read and the note for the user (None if unchanged).

    Args:
        text: The message as the user sent it.
        limit: The cap in characters; None reads ``$MESSAGE_MAX_CHARS``.

    Returns:
        ``(text, None)`` for a message within the cap; otherwise the beginning of the
        message cut at a word boundary, followed by every red-flagged sentence
        beyond the cut, and the note.
    """
    limit = max_chars() if limit is None else limit
    if len(text) <= limit:
        return text, None
    head = _cut(text, limit)
    spans: list[tuple[int, int]] = []
    for flag in triage.screen(text).flags:
        if flag.start < len(head):
            continue
        span = _sentence_around(text, flag.start, flag.end)
        if spans and span[0] < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(span[1], spans[-1][1]))
        else:
            spans.append(span)
    kept = [" ".join(text[a:b].split()) for a, b in spans[:MAX_KEPT]]
    shortened = SEPARATOR.join([head.rstrip(), *kept]) if kept else head.rstrip()
    return shortened, notice(len(text), limit, bool(kept))

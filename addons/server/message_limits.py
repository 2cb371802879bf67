"""A cap on message length that never hides a red flag (pure).

Rasa's NLU cost grows faster than the message: on 2 cores a 2,000-character message
takes about 0.2 s, 20,000 characters about 3 s and 100,000 characters over a
minute, during which the server answers nobody. Every channel
(``addons/server/channels.py``) therefore shortens a message longer than
``MESSAGE_MAX_CHARS`` (default 2,000) before Rasa reads it, and tells the user so
(a phrase of the domain, ``utter_server_message_shortened...``).

Safety first, in bounded time: beyond the cut, a fast scan for red-flag words (one
regular expression, linear in the length: a few milliseconds for a megabyte) picks at
most ``MAX_CANDIDATES`` sentences around them, the screener reads only those
(:func:`scalpcare.triage.screen`), and at most ``MAX_KEPT`` flagged sentences are kept,
with their own words (negation and history cues included). Whatever the message's
length, the text Rasa reads is at most ``limit + MAX_KEPT * (2 * CONTEXT_CHARS + ...)``
characters.
"""

from __future__ import annotations

import os
import re

from scalpcare import triage
from scalpcare.phrases import Phrase, phrase

ENV_VAR = "MESSAGE_MAX_CHARS"
DEFAULT_MAX_CHARS = 2000
#: At most this many characters of context on each side of a flag beyond the cut.
CONTEXT_CHARS = 200
#: At most this many flagged sentences are carried over.
MAX_KEPT = 5
#: At most this many sentences with a red-flag word are screened beyond the cut.
MAX_CANDIDATES = 40
#: Words that start a red flag, for the scan beyond the cut (symptoms, conditions,
#: deficiency context); the screener then decides.
_FLAG_WORD = re.compile(
    r"\b(?:pain|hurt|ache|aching|sore|tender|burn|sting|bleed|bled|blood|lump|bump|swell"
    r"|swollen|fever|temperature|shiver|chill|pus|ooz|weep|rash|blister|numb|throb|dizz"
    r"|headache|wound|scab|crust|inflam|infect|vomit|faint|confus|drows|breath|swallow"
    r"|bald|clump|handful|shed|scaly|scales|scaling|flak|plaque|silver|greasy|spread"
    r"|psoria|eczema|dermatit|seb|ringworm|tinea|fung|alopec|scar|lupus|lichen|impetigo"
    r"|shingles|cancer|melanoma|mole|cyst|growth|ulcer|heal|boil|abscess|allerg|henna|dye"
    r"|bleach|relaxer|chemical|vegan|vegetarian|diet|calori|period|ferritin|iron|anaemi"
    r"|anemi|deficien|vitamin|b12|postpartum|pregnan|birth|baby|covid|flu|surgery|weight"
    r"|thyroid)",
    re.IGNORECASE,
)
SEPARATOR = " … "
_SENTENCE_END = re.compile(r"[.!?\n]")


def max_chars() -> int:
    """``$MESSAGE_MAX_CHARS`` when it is a sensible number, else 2,000."""
    try:
        value = int(os.environ.get(ENV_VAR, DEFAULT_MAX_CHARS))
    except ValueError:
        return DEFAULT_MAX_CHARS
    return value if value >= 200 else DEFAULT_MAX_CHARS


def notice(length: int, limit: int, kept_flags: bool) -> Phrase:
    """The polite note sent before the bot's answer to a shortened message.

    Args:
        length: The message's length in characters.
        limit: How many characters were read.
        kept_flags: Whether red-flagged sentences beyond the cut were kept.
    """
    name = (
        "utter_server_message_shortened_kept_symptoms"
        if kept_flags
        else "utter_server_message_shortened"
    )
    return phrase(name, length=f"{length:,}", limit=f"{limit:,}")


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


def shorten(text: str, limit: int | None = None) -> tuple[str, Phrase | None]:
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
    # Sentences beyond the cut around a red-flag word, merged where they overlap.
    spans: list[tuple[int, int]] = []
    for match in _FLAG_WORD.finditer(text, len(head)):
        if spans and match.start() < spans[-1][1]:
            continue
        spans.append(_sentence_around(text, match.start(), match.end()))
        if len(spans) >= MAX_CANDIDATES:
            break
    kept: list[str] = []
    for begin, end in spans:
        sentence = " ".join(text[begin:end].split())
        if triage.screen(sentence).has_red_flag:
            kept.append(sentence)
            if len(kept) >= MAX_KEPT:
                break
    shortened = SEPARATOR.join([head.rstrip(), *kept]) if kept else head.rstrip()
    return shortened, notice(len(text), limit, bool(kept))

"""What a client's words say about their booking request: a time, a change, a cancel.

"can I move my booking to Friday?" asks to change the request; "friday at 3pm instead"
names a time; "just cancel it" cancels. Pure and table-tested
(tests/unit/test_booking_words.py); the booking form (actions/booking.py), the booking
actions (actions/own_bookings.py) and the context policy read them.
"""

from __future__ import annotations

import re

#: A day, a part of the day or a clock time.
TIME_WORDS = re.compile(
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\b|\bweekdays?\b"
    r"|\bweekends?\b|\btomorrow\b|\bnext week\b|\bmornings?\b|\bafternoons?\b"
    r"|\bevenings?\b|\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b",
    re.IGNORECASE,
)
#: Other ways to say when: a date, a clock time, lunchtime, "any time", "same time"...
_MORE_TIME_WORDS = re.compile(
    r"\b(?:\d{1,2}[:.]\d{2}|\d{1,2}(?:st|nd|rd|th)\b|lunch ?time|noon|midday|any ?time"
    r"|tonight|today|this week|next month|(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)"
    r"[a-z]*\s+\d{1,2}\b|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)"
    r"|(?:earlier|later) (?:in the (?:day|week)|on|that day)|after work|before work)",
    re.IGNORECASE,
)
#: "change", "move", "reschedule", "push back", "another day" said of the booking.
_CHANGE = re.compile(
    r"\b(?:chang\w*|mov(?:e|ing)|re-?schedul\w*|re-?book\w*|re-?arrang\w*|postpon\w*"
    r"|push (?:it |my \w+ )?(?:back|forward)|bring (?:it |my \w+ )?forward"
    r"|(?:a |an )?(?:different|another|other|new) (?:day|date|time|slot)s?)\b",
    re.IGNORECASE,
)
_CANCEL = re.compile(r"\bcancel\w*\b", re.IGNORECASE)
_NOT_CANCEL = re.compile(r"\b(?:don'?t|do not|not|no need to|never mind)\s+cancel", re.I)


def _clean(text: str | None) -> str:
    return " ".join(str(text or "").replace("’", "'").split())[:500]


def names_a_time(text: str | None) -> bool:
    """Whether the message names a day or a time (pure)."""
    clean = _clean(text)
    return bool(TIME_WORDS.search(clean) or _MORE_TIME_WORDS.search(clean))


_NEGATED = re.compile(
    r"\b(?:not|doesn'?t|don'?t|dont|can'?t|cant|cannot|won'?t|isn'?t|no longer)\b", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(r"[,;!?\n]|\.(?=\s|$)|\bbut\b")


def offers_a_time(text: str | None) -> bool:
    """Whether a part of the message offers a day or time, not only rules one out (pure).

    "friday at 3 instead" and "can't do saturday, but monday works" offer one; "I can't
    make saturday" does not.
    """
    return any(
        names_a_time(clause) and not _NEGATED.search(clause)
        for clause in _CLAUSE_BREAK.split(_clean(text))
    )


#: Words that belong to the time that follows them ("next friday", "on the 14th").
_LEAD = re.compile(r"(?:\b(?:next|this|on|the|early|late|mid|any|every|a)\s+)+$", re.IGNORECASE)
_FILLER = re.compile(
    r"(?:[\s?!.,;:]+|\s*\b(?:instead|please|pls|plz|thanks?|thank you|then|if (?:possible|"
    r"that'?s (?:ok|okay|alright|fine)|you can)|would be (?:better|great|good)|works?"
    r"|(?:is|would be) (?:ok|okay|fine|good|better))\b)+$",
    re.IGNORECASE,
)


def time_span(text: str | None) -> str | None:
    """The part of the message from the day or time it offers on (pure).

    "can I move my booking to next Friday at 6pm instead?" -> "next Friday at 6pm";
    "no, could we do monday morning, 10ish?" -> "monday morning, 10ish"; "can't do sat,
    but sunday works" -> "sunday"; None when no time is offered.
    """
    clean = _clean(text)
    offset = 0
    for clause in _CLAUSE_BREAK.split(clean):
        at = clean.find(clause, offset)
        offset = at + len(clause)
        if not clause.strip() or _NEGATED.search(clause) or not names_a_time(clause):
            continue
        found = (TIME_WORDS.search(clause), _MORE_TIME_WORDS.search(clause))
        start = at + min(match.start() for match in found if match is not None)
        lead = _LEAD.search(clean[:start])
        if lead:
            start = lead.start()
        span = _FILLER.sub("", clean[start:]).strip()
        return span or None
    return None


def asks_to_change(text: str | None) -> bool:
    """Whether the message asks to change the booking's time rather than cancel it (pure).

    "can I reschedule?", "can we move my appointment to friday", "I need a different
    time": a change. "cancel my booking" or "change of plans, cancel it": not a change,
    unless a new time is named ("cancel friday and move it to saturday").
    """
    clean = _clean(text)
    if not _CHANGE.search(clean):
        return False
    # "change of plans, please cancel it": a cancel, unless a new time is named too.
    return not says_cancel(clean) or names_a_time(clean)


def says_cancel(text: str | None) -> bool:
    """Whether the message asks to cancel ("just cancel it"), not "don't cancel" (pure)."""
    clean = _clean(text)
    return bool(_CANCEL.search(clean)) and not _NOT_CANCEL.search(clean)

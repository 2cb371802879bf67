"""What a question about the salon itself asks: hours, where, how to reach it, prices.

The intent classifier says a message asks about the salon (``ask_salon``); this reads
which details it wants, so that one answer can give several ("where are you and when
are you open?"). Pure and table-tested (tests/unit/test_salon_questions.py).
"""

from __future__ import annotations

import re

HOURS = "hours"
LOCATION = "location"
CONTACT = "contact"
PRICES = "prices"
SERVICES = "services"
#: In the order an answer gives them.
TOPICS = (HOURS, LOCATION, CONTACT, SERVICES, PRICES)

_WORDS = {
    HOURS: re.compile(
        r"\b(?:open(?:ing)?|opens|close[sd]?|closing|hours?|what time|when (?:are|r) (?:you|u)"
        r"|when can i (?:come|drop)|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekends?"
        r"|bank holidays?|late nights?|evenings?)\b"
    ),
    LOCATION: re.compile(
        r"\b(?:where|address|located|location|directions?|find (?:you|u)|get (?:to|there)"
        r"|park(?:ing)?|post ?code|nearest|bus|train|station|which (?:street|road|town))\b"
    ),
    CONTACT: re.compile(
        r"\b(?:phone|call|ring|number|e-?mail|contact|reach (?:you|u|the salon)|telephone"
        r"|whats ?app|get in touch)\b"
    ),
    PRICES: re.compile(
        r"(?:£|\$|€|\bhow much\b|\bprices?\b|\bpricing\b|\bcosts?\b|\bcharges?\b|\bfees?\b"
        r"|\bexpensive\b|\bcheap\b|\brates?\b|\bpay\b)"
    ),
    SERVICES: re.compile(
        r"\b(?:what (?:services|treatments)|which (?:services|treatments)|services|treatments"
        r"|menu|what do (?:you|u) (?:do|offer)|do (?:you|u) (?:do|offer)|can (?:you|u) do"
        r"|how long (?:is|does|are)"
        r"|how long (?:will|would|does|did|is) (?:it|that|this|the \w+) (?:last|take|be))"
        r"\b"
    ),
}


def salon_topics(text: str) -> tuple[str, ...]:
    """The salon details a message asks for, in answer order; () when it names none.

    Args:
        text: The client's message.

    Returns:
        Some of :data:`TOPICS`. A price question also reads as a services question only
        when it names no service ("how much are your treatments?"); the caller decides
        which service a price is for.
    """
    lowered = " ".join(text.lower().split())
    found = {topic for topic, pattern in _WORDS.items() if pattern.search(lowered)}
    if PRICES in found:
        found.discard(SERVICES)  # the price list names the services
    return tuple(topic for topic in TOPICS if topic in found)


#: "it", "that", "the appointment": a question about something named before.
_REFERS_BACK = re.compile(
    r"\b(?:it|that|this|the (?:appointment|session|booking|one|treatment|massage|facial))\b"
)


def refers_back(text: str) -> bool:
    """Does the question point back at something said before ("how long will it last?")?"""
    return bool(_REFERS_BACK.search(text.lower()))

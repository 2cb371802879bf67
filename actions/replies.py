"""Sending the core's phrases: each worded by its response in the domain Rasa sends.

The core (scalpcare.phrases) returns what to say as named phrases; this module words
them with the ``domain`` an action receives on every call, so a change to
``domain.yml`` changes the reply without touching Python. Like Rasa's own response
generator, it picks one of a response's variations at random and prefers the
variations written for the client's channel (``channel:``).
"""

from __future__ import annotations

import random
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from scalpcare.phrases import Lookup, Value, render


def domain_lookup(domain: dict[str, Any], channel: str | None = None) -> Lookup:
    """From a response's name to the text of one of its variations in ``domain``.

    Raises:
        KeyError: The domain has no text for the response (a test keeps every phrase
            the core names in the domain).
    """
    responses = domain.get("responses") or {}

    def lookup(name: str) -> str:
        variations = [v for v in responses.get(name) or [] if v.get("text") is not None]
        own = [v for v in variations if channel and v.get("channel") == channel]
        usable = own or [v for v in variations if not v.get("channel")]
        if not usable:
            raise KeyError(f"domain.yml has no response {name!r}")
        return str(random.choice(usable)["text"])

    return lookup


def worded(value: Value, domain: dict[str, Any], tracker: Tracker | None = None) -> str:
    """The text of ``value``, worded by the domain (for the client's channel)."""
    channel = tracker.get_latest_input_channel() if tracker is not None else None
    return render(value, domain_lookup(domain, channel))


def say(
    dispatcher: CollectingDispatcher,
    value: Value,
    domain: dict[str, Any],
    tracker: Tracker | None = None,
    **message: Any,
) -> str:
    """Send ``value`` worded by the domain (``message``: buttons and the like).

    Returns:
        The text sent (for storing, e.g. the routine a client consented to keep).
    """
    text = worded(value, domain, tracker)
    dispatcher.utter_message(text=text, **message)
    return text

"""Sending the core's phrases: each worded by its response in the domain Rasa sends.

The core (scalpcare.phrases) returns what to say as named phrases; this module words
them with the ``domain`` an action receives on every call, so a change to
``domain.yml`` changes the reply without touching Python. Like Rasa's own response
generator, it picks one of a response's variations at random and prefers the
variations written for the client's channel (``channel:``). Without a domain from Rasa
(``enable_selective_domain``) it reads ``domain.yml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from scalpcare.phrases import Lookup, Value, pick_text, render

#: Read when Rasa sends no domain (``enable_selective_domain`` in endpoints.yml) or one
#: without the response (a model trained before it was added).
DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"


@lru_cache(maxsize=1)
def file_responses() -> dict[str, list[dict[str, Any]]]:
    """The responses of ``domain.yml`` in the project root, read once."""
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf8")) or {}
    return dict(domain.get("responses") or {})


def domain_lookup(domain: dict[str, Any], channel: str | None = None) -> Lookup:
    """From a response's name to the text of one of its variations in ``domain``.

    A response the domain Rasa sent lacks is read from ``domain.yml``.

    Raises:
        KeyError: Neither has a text for the response (a test keeps every phrase the
            core names in the domain).
    """
    responses = domain.get("responses") or {}

    def sources() -> Iterator[dict[str, Any]]:
        yield responses
        yield file_responses()  # read only when the domain Rasa sent lacks the response

    def lookup(name: str) -> str:
        return pick_text(name, sources(), channel)

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

"""The server's own replies, worded by the responses of the domain the server runs.

The parts of the Rasa server that answer a client themselves (a message over the rate,
an over-long message, a failed turn, numbered choices: ``addons/server/guards.py``,
``faults.py``, ``message_limits.py``, ``choices.py``) say it with named phrases
(:mod:`scalpcare.phrases`, ``utter_server_...``), worded here like the action server's
(``actions/replies.py``): from the responses of the running agent's domain (the trained
model's), else of ``domain.yml`` in the project root, loaded once with Rasa's
``Domain.load``. A response the agent's domain lacks (a model trained before it was
added) is read from ``domain.yml``. Like Rasa's response generator, one of a response's
variations is picked at random, those written for the client's channel (``channel:``)
preferred, else those without a channel.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from sanic import Sanic
from sanic.exceptions import SanicException

from scalpcare.phrases import Lookup, Value, pick_text, render

#: Read when no agent is running (or its domain lacks a response).
DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
#: The Sanic apps ``rasa run`` creates (with and without ``--enable-api``); the agent
#: is in their ``ctx.agent``.
RASA_APPS = ("rasa_server", "rasa_core_no_api")


@lru_cache(maxsize=1)
def file_domain() -> Domain:
    """``domain.yml`` of the project root, loaded once."""
    return Domain.load(DOMAIN_FILE)


def agent_domain(app: Any = None) -> Domain | None:
    """The domain of the agent the server runs, or None (no agent, no model loaded yet).

    Args:
        app: The Sanic app serving the request, when there is one at hand; else
            Rasa's server app is looked up by name.
    """
    apps = [app] if app is not None else [_registered(name) for name in RASA_APPS]
    for candidate in apps:
        ctx = getattr(candidate, "ctx", None)
        domain = getattr(getattr(ctx, "agent", None), "domain", None)
        if isinstance(domain, Domain):
            return domain
    return None


def _registered(name: str) -> Sanic | None:
    try:
        return Sanic.get_app(name)
    except SanicException:
        return None


def server_lookup(channel: str | None = None, domain: Domain | None = None) -> Lookup:
    """From a response's name to the text of one of its variations.

    Args:
        channel: The client's channel (``rest``, ``twilio``...), when known.
        domain: The domain to read first; None reads the running agent's.

    Raises:
        KeyError: (from the lookup) Neither domain has a text for the response.
    """
    first = domain if domain is not None else agent_domain()

    def sources() -> Iterator[dict[str, Any]]:
        if first is not None:
            yield first.responses
        yield file_domain().responses  # loaded only when the running domain lacks it

    def lookup(name: str) -> str:
        return pick_text(name, sources(), channel)

    return lookup


def worded(value: Value, channel: str | None = None, domain: Domain | None = None) -> str:
    """The text of ``value`` for a client of ``channel`` (see :func:`server_lookup`)."""
    return render(value, server_lookup(channel, domain))

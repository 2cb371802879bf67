"""The domain's replies as the client reads them, for tests.

Actions send replies by name (``utter_message(response=..., **variables)``); Rasa then
fills the response's text from ``domain.yml`` with those variables
(``rasa.core.nlg.interpolator.interpolate_text``, the same function Rasa's response
generator calls) and adds the response's buttons to any the action sent.
``RenderingDispatcher`` does the same, so a test reads ``message["text"]`` and
``message["buttons"]`` as the client would get them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.nlg.interpolator import interpolate_text
from rasa_sdk.executor import CollectingDispatcher

from scalpcare.phrases import Value, render

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"
#: What rasa-sdk puts in every message; anything else an action passes is a variable.
MESSAGE_KEYS = frozenset(
    ("text", "buttons", "elements", "custom", "template", "response", "image", "attachment")
)


@lru_cache(maxsize=1)
def responses() -> dict[str, list[dict[str, Any]]]:
    """The domain's responses, by name."""
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf8"))
    return dict(domain["responses"])


def reply(response: str, /, **variables: Any) -> str:
    """The text of ``response`` (its first variation) with ``variables`` filled in."""
    text = str(responses()[response][0]["text"])
    return str(interpolate_text(text, {k: str(v) for k, v in variables.items()}))


def response_text(name: str) -> str:
    """The text of ``name``'s first variation (the lookup the core's phrases use in tests)."""
    return str(responses()[name][0]["text"])


def rendered(value: Value) -> str:
    """A core phrase (or joined phrases) as the client reads it, worded by domain.yml."""
    return render(value, response_text)


def reply_buttons(response: str) -> list[dict[str, Any]]:
    """The buttons ``response`` defines."""
    return list(responses()[response][0].get("buttons") or [])


class RenderingDispatcher(CollectingDispatcher):
    """A dispatcher that renders named responses as Rasa's server would."""

    def utter_message(self, *args: Any, **kwargs: Any) -> None:
        """Collect the message, with the named response's text and buttons filled in."""
        super().utter_message(*args, **kwargs)
        message = self.messages[-1]
        name = message.get("response")
        if not name:
            return
        variables = {k: v for k, v in message.items() if k not in MESSAGE_KEYS}
        message["text"] = reply(name, **variables)
        message["buttons"] = reply_buttons(name) + list(message.get("buttons") or [])


def handoff_told(text: str) -> bool:
    """Whether ``text`` holds the handoff reply as the action words it now (pure).

    It says roughly when a person answers, which depends on the clock; every wording
    (open now, closed until..., hours as text, no hours) is accepted, filled as the action
    fills it at this moment.
    """
    from datetime import datetime, timezone

    from actions.salon_actions import handoff_reply
    from salon.profile import profile

    told = handoff_reply(profile(), datetime.now(timezone.utc))
    variables = {k: rendered(v) for k, v in told.items() if k != "response"}
    return reply(told["response"], **variables) in text

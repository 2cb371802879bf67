"""Buttons on channels without buttons: numbered choices, and a typed number read back.

WhatsApp (Twilio) shows no buttons, and Messenger shows at most 13 quick replies of 20
characters: the choices are numbered in the text, and a reply "2" is read as the second
choice's payload, looked up in the conversation (so it works with several replicas).
The numbering and the hint are responses of the domain (``utter_server_choice``,
``utter_server_choice_hint``; ``addons/server/replies.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic.request import Request

from addons.server.replies import worded
from scalpcare.phrases import Phrase, lines, phrase

#: Messenger shows at most 13 quick replies, each title at most 20 characters.
MESSENGER_MAX_QUICK_REPLIES = 13
MESSENGER_MAX_TITLE = 20
#: After the numbered choices: how to pick one.
CHOICE_HINT = phrase("utter_server_choice_hint")
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def choice_lines(buttons: Sequence[dict[str, Any]]) -> list[Phrase]:
    """The buttons as numbered choices ("1. Yes"), one phrase each (pure)."""
    return [
        phrase("utter_server_choice", number=number, title=str(button.get("title", "")))
        for number, button in enumerate(buttons, 1)
    ]


def numbered_choices(
    text: str, buttons: Sequence[dict[str, Any]], channel: str | None = None
) -> str:
    """The text followed by the buttons as a numbered list, for channels without buttons.

    Args:
        text: The bot's message.
        buttons: Its buttons.
        channel: The client's channel, for the responses' ``channel:`` variations.
    """
    choices = worded(lines([*choice_lines(buttons), CHOICE_HINT]), channel)
    return f"{text.strip()}\n{choices}"


def choice_payload(text: str | None, events: Iterable[Event]) -> str | None:
    """The payload a numbered reply picks, or None when the reply is not a valid number.

    Looks at the bot's messages since the user's previous message (newest first)
    for the last one with buttons; "2" picks its second button.
    """
    match = _CHOICE.match(text or "")
    if not match:
        return None
    number = int(match.group(1))
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            buttons = event.data["buttons"]
            if 1 <= number <= len(buttons):
                return str(buttons[number - 1].get("payload") or buttons[number - 1]["title"])
            return None
    return None


async def resolve_choice(request: Request, sender_id: str, text: str | None) -> str | None:
    """Replace a numbered reply with the payload of the choice it picks, from the tracker."""
    agent = getattr(request.app.ctx, "agent", None)
    if text is None or agent is None or agent.tracker_store is None or not _CHOICE.match(text):
        return text
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return text
    return choice_payload(text, tracker.events) or text

"""Rasa's HTTP API as the action server and the staff console use it (token-checked).

``RASA_URL`` is where it answers and ``RASA_API_TOKEN`` its token. The calls: have Rasa
handle an external intent (a scheduled check-in), replying on the client's latest channel
or only recording it in the conversation; send a message from staff on the client's
latest channel; and hand a paused conversation back to the assistant.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

RASA_URL_ENV = "RASA_URL"
TOKEN_ENV = "RASA_API_TOKEN"
#: Seconds to wait for Rasa (a turn may run actions).
TIMEOUT = 30.0


class RasaUnreachableError(Exception):
    """Rasa did not answer at all (not up yet, restarting): try again later."""


def conversation_path(sender_id: str) -> str:
    """The conversation id as Rasa's routes take it: literal, only unsafe characters encoded.

    Rasa's ``/conversations/<conversation_id:path>/...`` routes do not decode ``%3A``: an
    id sent as ``rest%3Aabc`` would name another, new conversation. The channels' ids
    (``web:...``, ``whatsapp:+44...``) go through as they are.
    """
    return quote(sender_id, safe=":/@+!$&'()*,;=-._~")


@dataclass(frozen=True)
class RasaApi:
    """Where Rasa's HTTP API answers, and its token."""

    url: str
    token: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RasaApi | None:
        """``RASA_URL`` and ``RASA_API_TOKEN``; None when no URL is set."""
        env = os.environ if env is None else env
        url = env.get(RASA_URL_ENV, "").strip().rstrip("/")
        if not url:
            return None
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"{RASA_URL_ENV} must be an http:// or https:// URL")
        return cls(url, env.get(TOKEN_ENV, "").strip())

    def _post(self, sender_id: str, what: str, body: Any, **query: str) -> None:
        """POST ``body`` to ``/conversations/<id>/<what>``; raise on anything but 2xx."""
        query = {**query, **({"token": self.token} if self.token else {})}
        request = urllib.request.Request(
            f"{self.url}/conversations/{conversation_path(sender_id)}/{what}?" + urlencode(query),
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT):
                return
        except urllib.error.HTTPError:
            raise
        except urllib.error.URLError as error:
            if isinstance(error.reason, ConnectionError | TimeoutError):
                raise RasaUnreachableError(str(error.reason)) from None
            raise

    def trigger_intent(self, sender_id: str, intent: str) -> None:
        """Have Rasa handle ``intent`` on the conversation, replying on its latest channel."""
        self._post(sender_id, "trigger_intent", {"name": intent}, output_channel="latest")

    def record_intent(self, sender_id: str, intent: str) -> None:
        """Have Rasa handle ``intent`` on the conversation without sending its reply.

        Without ``output_channel`` Rasa's ``trigger_intent`` route answers into a
        ``CollectingOutputChannel`` (rasa/server.py, ``_get_output_channel``): the action
        runs and its events are stored, so the client's answer is read in context, but
        nothing reaches the client. For a check-in sent some other way (a WhatsApp
        template, :mod:`salon.twilio_api`).
        """
        self._post(sender_id, "trigger_intent", {"name": intent})

    def send_staff_message(
        self,
        sender_id: str,
        text: str,
        widget: dict[str, str] | None = None,
        slots: Mapping[str, Any] | None = None,
    ) -> None:
        """Send ``text`` from staff to the client on the channel they last wrote from.

        ``widget`` is a signal for the website chat (``{"scalp_care": ...}``), sent after
        the text; only for ``socketio`` conversations (other channels' outputs would try
        to read it as one of their own API calls). ``slots`` are set in the conversation
        with it (``booking_reply_id``: the client's next message answers staff).
        """
        event: dict[str, Any] = {"event": "bot", "text": text}
        if widget:
            event["data"] = {"custom": {"data": widget}}
        slot_events = [
            {"event": "slot", "name": name, "value": value} for name, value in (slots or {}).items()
        ]
        self._post(
            sender_id,
            "tracker/events",
            [event, *slot_events],
            execute_side_effects="true",
            output_channel="latest",
        )

    def resume(self, sender_id: str) -> None:
        """Hand a paused conversation back to the assistant."""
        self._post(sender_id, "tracker/events", [{"event": "resume"}])

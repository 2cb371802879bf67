"""WhatsApp through Twilio's REST API: a check-in sent as an approved template.

WhatsApp takes a free-form message only within 24 hours of the client's last one; later,
only a template Meta approved. Twilio sends one with its Content API: ``POST
{TWILIO_API_URL}/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json`` with HTTP basic
auth (account SID, auth token) and the form fields ``From``, ``To``, ``ContentSid`` and
``ContentVariables``. :mod:`salon.schedule` uses it for a check-in due outside the window.

The settings are the WhatsApp channel's own (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``,
``TWILIO_WHATSAPP_NUMBER``, ``TWILIO_API_URL``; credentials.yml) and
``TWILIO_CHECKIN_CONTENT_SID``, the approved template's Content SID (``HX...``). The
standard library's urllib does the request, as in :mod:`salon.rasa_api`.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

CONTENT_SID_ENV = "TWILIO_CHECKIN_CONTENT_SID"
ACCOUNT_SID_ENV = "TWILIO_ACCOUNT_SID"
AUTH_TOKEN_ENV = "TWILIO_AUTH_TOKEN"
NUMBER_ENV = "TWILIO_WHATSAPP_NUMBER"
API_URL_ENV = "TWILIO_API_URL"
DEFAULT_API_URL = "https://api.twilio.com"
#: Seconds to wait for Twilio.
TIMEOUT = 15.0
#: Twilio's addresses for WhatsApp: ``whatsapp:+447700900123``.
WHATSAPP = "whatsapp:"


class TwilioError(OSError):
    """Twilio answered with an error (``status``), or its answer could not be read."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the HTTP status and Twilio's own message."""
        super().__init__(message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        """What staff read: who refused, the HTTP status and Twilio's words."""
        if 400 <= self.status < 500:
            return f"Twilio refused the template (HTTP {self.status}): {self.message}"
        return f"Twilio answered HTTP {self.status}: {self.message}"


def whatsapp_address(value: str) -> str:
    """A number as Twilio addresses it on WhatsApp: ``+44...`` -> ``whatsapp:+44...``.

    A WhatsApp conversation's id is already one (``whatsapp:+44...``, the prefix it is
    stored under is Twilio's own), as is ``TWILIO_WHATSAPP_NUMBER`` when written as
    docs/channels.md says; both stay as they are.
    """
    value = value.strip()
    return value if value.startswith(WHATSAPP) else WHATSAPP + value


def _error_message(body: bytes) -> str:
    """Twilio's error text from its JSON answer (``{"code": ..., "message": ...}``)."""
    try:
        answer = json.loads(body)
    except ValueError:
        return body.decode("utf8", "replace").strip()[:200] or "no details"
    if not isinstance(answer, dict):
        return "no details"
    message = str(answer.get("message") or "no details")
    return f"{message} (error {answer['code']})" if answer.get("code") else message


@dataclass(frozen=True)
class CheckinTemplate:
    """The approved WhatsApp template of the check-in and the Twilio account sending it."""

    content_sid: str = ""
    account_sid: str = ""
    auth_token: str = field(default="", repr=False)
    number: str = ""
    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CheckinTemplate:
        """The settings from the environment; see :attr:`missing` for whether they do."""
        env = os.environ if env is None else env
        return cls(
            content_sid=env.get(CONTENT_SID_ENV, "").strip(),
            account_sid=env.get(ACCOUNT_SID_ENV, "").strip(),
            auth_token=env.get(AUTH_TOKEN_ENV, "").strip(),
            number=env.get(NUMBER_ENV, "").strip(),
            api_url=(env.get(API_URL_ENV, "").strip() or DEFAULT_API_URL).rstrip("/"),
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """The settings still to set (or, for the API's URL, to correct); empty: usable."""
        names = [
            name
            for name, value in (
                (CONTENT_SID_ENV, self.content_sid),
                (ACCOUNT_SID_ENV, self.account_sid),
                (AUTH_TOKEN_ENV, self.auth_token),
                (NUMBER_ENV, self.number),
            )
            if not value
        ]
        if urlsplit(self.api_url).scheme not in ("http", "https"):
            names.append(API_URL_ENV)
        return tuple(names)

    def send(self, to: str, variables: Mapping[str, str]) -> str:
        """Send the template to ``to`` (a WhatsApp conversation's id); return its message SID.

        Args:
            to: The client: ``whatsapp:+44...``.
            variables: The template's variables (``{"1": "the salon's name"}``).

        Returns:
            The SID Twilio gave the message (``SM...``), or ``""`` if it gave none.

        Raises:
            TwilioError: Twilio answered with an error (4xx: it refused; its words kept).
            OSError: Twilio could not be reached.
            ValueError: The settings are incomplete (:attr:`missing`).
        """
        if self.missing:
            raise ValueError("not configured: " + ", ".join(self.missing))
        form = {
            "From": whatsapp_address(self.number),
            "To": whatsapp_address(to),
            "ContentSid": self.content_sid,
            "ContentVariables": json.dumps(dict(variables)),
        }
        login = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(
            f"{self.api_url}/2010-04-01/Accounts/{quote(self.account_sid, safe='')}/Messages.json",
            data=urlencode(form).encode(),
            headers={
                "Authorization": f"Basic {login}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                body = answer.read()
        except urllib.error.HTTPError as error:
            raise TwilioError(error.code, _error_message(error.read())) from None
        try:
            sent = json.loads(body) if body else {}
        except ValueError:
            return ""
        return str(sent.get("sid") or "") if isinstance(sent, dict) else ""

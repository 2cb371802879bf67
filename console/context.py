"""What every page of the staff console shares: :class:`Console`, built once per app.

It holds the salon database, Rasa's HTTP API and the tracker store, and the helpers the
pages use: :meth:`Console.in_db` (database work off the event loop), :meth:`Console.page`
(a template with the session's staff and CSRF token), :meth:`Console.gone` (the 404 of an
erased or purged conversation), the transcript readers and :meth:`Console.deliver` (a
message to a client, recorded whether or not it reached them).
"""

from __future__ import annotations

import asyncio
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
import yaml
from jinja2 import Environment
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from console import accounts
from salon import db, tracker
from salon.models import StaffReply
from salon.profile import profile
from salon.rasa_api import RasaApi, RasaUnreachableError

T = TypeVar("T")

MAX_REPLY_CHARS = 2000


def clean_reply(text: str | None) -> str:
    """A message staff wrote, as the client gets it (pure).

    Spaces tidied, line breaks and at most one blank line kept between paragraphs, at
    most :data:`MAX_REPLY_CHARS`.
    """
    lines = [" ".join(line.split()) for line in str(text or "").splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()[:MAX_REPLY_CHARS]


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


DOMAIN = Path(__file__).resolve().parent.parent / "domain.yml"
#: How a message from staff reaches the client: who at the salon wrote it. The console
#: fills its placeholders itself (Rasa never renders it).
STAFF_SAYS = "utter_staff_says"
STAFF_SAYS_VARIABLES = ("staff", "salon", "text")


@lru_cache(maxsize=8)
def domain_reply(name: str) -> str:
    """The text of a domain response (its first variation without a channel)."""
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf8"))["responses"][name]
    plain = [r for r in responses if not r.get("channel")] or responses
    return " ".join(str(plain[0]["text"]).split())


def from_staff(username: str, text: str) -> str:
    """``text`` as the client reads it: "Sam at <salon>: ..." (the domain's wording)."""
    values = {
        "staff": username[:1].upper() + username[1:],
        "salon": profile().name,
        "text": text,
    }
    said = domain_reply(STAFF_SAYS)
    for name in STAFF_SAYS_VARIABLES:  # the client's words last: never read as a placeholder
        said = said.replace("{" + name + "}", values[name])
    return said


#: Set with a staff message about a booking request: the request the client's answer is for.
BOOKING_REPLY_SLOT = "booking_reply_id"


@dataclass
class Console:
    """The console's database, Rasa's API, the tracker store and its templates.

    Attributes:
        engine: The salon database.
        rasa: Rasa's HTTP API, or None (replies then fail, visibly, and can be retried).
        tracker_url: The tracker store (transcripts); None reads ``$TRACKER_DB_URL``.
        templates: The Jinja2 environment of ``console/templates`` (auto-escaping).
    """

    engine: Engine
    rasa: RasaApi | None
    tracker_url: str | None
    templates: Environment

    async def in_db(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction of the salon database, in a worker thread."""

        def run() -> T:
            with db.session_scope(self.engine) as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def replies_to(
        self, *, booking_id: int | None = None, handoff_id: int | None = None
    ) -> list[StaffReply]:
        """Staff's replies about a booking or a handoff, oldest first."""
        about = (
            StaffReply.booking_id == booking_id
            if booking_id is not None
            else StaffReply.handoff_id == handoff_id
        )
        return await self.in_db(
            lambda s: list(
                s.execute(sa.select(StaffReply).where(about).order_by(StaffReply.id)).scalars()
            )
        )

    def page(self, name: str, request: Request, status: int = 200, **values: Any) -> HTTPResponse:
        """The template ``name`` with the session's staff, the salon and the CSRF token."""
        staff = request.ctx.staff if hasattr(request.ctx, "staff") else None
        body = self.templates.get_template(name).render(
            staff=staff, salon=profile(), csrf=staff.csrf_token if staff else "", **values
        )
        return response.html(body, status=status)

    def gone(self, request: Request) -> HTTPResponse:
        """The page of a conversation that is no longer stored (404)."""
        return self.page(
            "message.html",
            request,
            404,
            title="Not found",
            message="This conversation is no longer here: the client was erased, or it was "
            "purged. Nothing was sent.",
        )

    def tracker_or_none(self) -> Engine | None:
        """An engine on the tracker store, or None when it is not configured."""
        try:
            return tracker.tracker_engine(self.tracker_url)
        except tracker.TrackerStoreError:
            return None

    def transcript_of(self, sender: str) -> list[dict[str, str]]:
        """A conversation's lines (time, speaker, text); empty without a tracker store."""
        engine_ = self.tracker_or_none()
        if engine_ is None:
            return []
        try:
            return [
                {
                    "at": line.timestamp.strftime("%H:%M") if line.timestamp else "",
                    "speaker": line.speaker,
                    "text": line.text,
                }
                for line in tracker.read_transcript(engine_, sender)
            ]
        finally:
            engine_.dispose()

    async def deliver(
        self, staff: accounts.Staff, sender: str, text: str, **target: int | None
    ) -> StaffReply:
        """Send ``text`` to the client through Rasa; record it, delivered or not.

        About a booking request, the client's next message is their answer to it
        (``booking_reply_id``, read by the context policy): staff see it on the request.
        """
        error = None
        booking_id = target.get("booking_id")
        slots = {BOOKING_REPLY_SLOT: float(booking_id)} if booking_id else None
        if self.rasa is None:
            error = "Rasa's address is not configured (RASA_URL)"
        else:
            try:
                await asyncio.to_thread(
                    self.rasa.send_staff_message,
                    sender,
                    from_staff(staff.username, text),
                    None,
                    slots,
                )
            except RasaUnreachableError:
                error = "The assistant's server is not reachable right now."
            except (urllib.error.URLError, OSError, ValueError) as failure:
                error = f"Not delivered: {failure.__class__.__name__}"

        def record(s: Session) -> StaffReply:
            reply = StaffReply(
                sender_id=sender,
                text=text,
                username=staff.username,
                status="failed" if error else "delivered",
                error=error,
                **target,
            )
            s.add(reply)
            accounts.audit(s, staff.username, "reply" if not error else "reply failed", sender)
            s.flush()
            return reply

        return await self.in_db(record)

"""The console's booking requests: the list, a request's page, and staff's answer.

- ``GET /staff/bookings``: the latest 200 requests, contacts masked.
- ``GET /staff/bookings/<id>``: one request in full, with the messages staff sent.
- ``POST /staff/bookings/<id>/confirm``, ``.../decline`` and ``.../propose``: set the
  status (confirmed, declined, unchanged) and send the message staff wrote to the client
  on their channel (kept as not delivered when Rasa is down, with a retry). A closed
  request takes no answer, and a held one is confirmed only once a doctor has seen the
  client (:func:`refusal`); a refused answer shows the page again with the words kept.
- The client's answer in the chat is kept in the request's history (actions/own_bookings.py).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from console import accounts
from console.context import MAX_REPLY_CHARS, Console, clean_reply
from salon import notify
from salon.models import OPEN_BOOKING_STATUSES, BookingEvent, BookingRequest
from salon.profile import profile
from salon.repository import record_booking_event
from salon.validation import mask_email, mask_name, mask_phone

#: Each answer's step in the request's history.
EVENTS = {"confirm": "confirmed", "decline": "declined", "propose": "proposed"}
#: The history's steps as staff read them.
EVENT_WORDS = {
    "requested": "Requested in the chat",
    "held": "Requested in the chat, held under a referral",
    "changed": "The client asked for other times",
    "confirmed": "Confirmed",
    "proposed": "Another time proposed",
    "declined": "Declined",
    "replied": "The client answered",
    "cancelled": "Cancelled by the client",
    "status": "Status set",
}
#: Kept before the message of a held request's confirmation: what staff ticked.
DOCTOR_SEEN = "[Ticked: the client says a doctor has seen their scalp.]"
#: The word in the console's suggested answers that staff replace with the day and time.
PLACEHOLDER = "WHEN"


def refusal(booking: BookingRequest, action: str, text: str, doctor_seen: bool) -> str | None:
    """Why staff's answer to ``booking`` is not sent, or None to send it (pure).

    A cancelled, declined or done request takes no answer; a held one (a dermatologist or
    urgent referral stood when it was made) is confirmed only once staff tick that a doctor
    has seen the client; a suggested answer must have its ``WHEN`` replaced.
    """
    if booking.status not in OPEN_BOOKING_STATUSES:
        return (
            f"This request is {booking.status}: nothing was sent. The client can send a new "
            "request in the chat."
        )
    if not text:
        return "Write the message the client will read, then send it again."
    if PLACEHOLDER in text:
        return f"Replace {PLACEHOLDER} with the day and time, then send it again."
    if action == "confirm" and booking.status == "held" and not doctor_seen:
        return (
            "This request is held: a referral stood when it was made. Confirm it only once "
            "the client says a doctor has seen their scalp, and tick the box to say so."
        )
    return None


def client_service(key: str) -> str:
    """The service as a sentence names it: "scalp facial" (from the salon profile)."""
    service = profile().service(key)
    name = service.name if service else key.replace("_", " ")
    return name[:1].lower() + name[1:]


def register(app: Sanic, ctx: Console) -> None:
    """Add the booking pages and the confirm, decline and propose actions to ``app``."""
    in_db, page, gone = ctx.in_db, ctx.page, ctx.gone

    @app.get("/staff/bookings")
    async def bookings(request: Request) -> HTTPResponse:
        def read(s: Session) -> list[dict[str, Any]]:
            rows = s.execute(
                sa.select(BookingRequest).order_by(BookingRequest.created_at.desc()).limit(200)
            ).scalars()
            return [
                {
                    "id": b.id,
                    "created": b.created_at,
                    "service": notify.service_name(b.service),
                    "times": b.preferred_times,
                    "status": b.status,
                    "name": mask_name(b.name),
                    "contact": mask_email(b.email) if b.email else mask_phone(b.phone),
                }
                for b in rows
            ]

        return page("bookings.html", request, bookings=await in_db(read))

    async def booking_or_none(booking_id: int) -> tuple[BookingRequest, str] | None:
        def read(s: Session) -> tuple[BookingRequest, str] | None:
            booking = s.get(BookingRequest, booking_id)
            if booking is None:
                return None
            return booking, booking.client.sender_id

        return await in_db(read)

    async def history(booking_id: int) -> list[dict[str, Any]]:
        def read(s: Session) -> list[dict[str, Any]]:
            steps = s.execute(
                sa.select(BookingEvent)
                .where(BookingEvent.booking_id == booking_id)
                .order_by(BookingEvent.created_at, BookingEvent.id)
            ).scalars()
            return [
                {
                    "at": step.created_at,
                    "what": EVENT_WORDS.get(step.event, step.event),
                    "status": step.status,
                    "by": step.by,
                    "note": step.note,
                }
                for step in steps
            ]

        return await in_db(read)

    async def booking_page(
        request: Request,
        booking_id: int,
        status: int = 200,
        error: str | None = None,
        drafts: dict[str, str] | None = None,
    ) -> HTTPResponse:
        """The request's page; after a refused answer, with why and the words kept."""
        found = await booking_or_none(booking_id)
        if found is None:
            return gone(request)
        booking, sender = found
        return page(
            "booking.html",
            request,
            status,
            booking=booking,
            sender=sender,
            service=notify.service_name(booking.service),
            client_service=client_service(booking.service),
            replies=await ctx.replies_to(booking_id=booking_id),
            history=await history(booking_id),
            answerable=booking.status in OPEN_BOOKING_STATUSES,
            error=error,
            drafts=drafts or {},
        )

    @app.get("/staff/bookings/<booking_id:int>")
    async def show(request: Request, booking_id: int) -> HTTPResponse:
        return await booking_page(request, booking_id)

    @app.post("/staff/bookings/<booking_id:int>/<action:str>")
    async def decide(request: Request, booking_id: int, action: str) -> HTTPResponse:
        if action not in EVENTS:
            return response.text("not found", status=404)
        found = await booking_or_none(booking_id)
        if found is None:
            return gone(request)
        booking, sender = found
        text = clean_reply(request.form.get("text"))
        refused = refusal(booking, action, text, request.form.get("doctor_seen") == "yes")
        if refused:
            drafts = {action: str(request.form.get("text") or "")[:MAX_REPLY_CHARS]}
            return await booking_page(request, booking_id, 400, refused, drafts)
        staff: accounts.Staff = request.ctx.staff
        status = {"confirm": "confirmed", "decline": "declined", "propose": booking.status}[action]

        # A held request confirmed: what staff ticked stays in its history and the audit log.
        seen = action == "confirm" and booking.status == "held"

        def change(s: Session) -> None:
            row = s.get(BookingRequest, booking_id)
            if row is not None:
                row.status = status
                note = f"{DOCTOR_SEEN} {text}" if seen else text
                record_booking_event(row, EVENTS[action], staff.username, note)
            what = f"booking {action}" + (" (doctor has seen the client)" if seen else "")
            accounts.audit(s, staff.username, what, str(booking_id))

        await in_db(change)
        await ctx.deliver(staff, sender, text, booking_id=booking_id)
        return response.redirect(f"/staff/bookings/{booking_id}")

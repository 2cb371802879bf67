"""The console's inbox: open handoffs, their live transcript, replies, hand back and close.

- ``GET /staff/api/counts``: the live counts of the menu (:func:`count_now`).
- ``GET /staff/``: open handoffs, newest first, and the notifications that keep failing.
- ``GET /staff/handoffs/<id>``: a handoff's transcript and the replies staff sent;
  ``GET /staff/api/handoffs/<id>/transcript`` feeds its live update.
- ``POST /staff/handoffs/<id>/reply`` sends a reply through Rasa;
  ``POST /staff/replies/<id>/retry`` sends a failed one again (a booking's too).
- ``POST /staff/handoffs/<id>/handback`` and ``.../close`` give the conversation back to
  the assistant, which tells the client (:data:`BACK`).
"""

from __future__ import annotations

import asyncio
import urllib.error
from typing import Any

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from console import accounts
from console.context import Console, clean_reply, domain_reply
from salon.models import BookingRequest, HandoffRequest, Notification, StaffReply
from salon.rasa_api import RasaUnreachableError

#: The domain's response said when staff hand a conversation back.
BACK = "utter_assistant_back"


def count_now(s: Session) -> dict[str, int]:
    """Open handoffs (and those with a red flag), requests to answer, failing notifications."""

    def count(model: Any, *where: Any) -> int:
        return int(s.execute(sa.select(sa.func.count(model.id)).where(*where)).scalar_one())

    return {
        "handoffs": count(HandoffRequest, HandoffRequest.status == "open"),
        # Open handoffs with a red flag written while waiting: the inbox reloads on a new one.
        "alerts": count(
            HandoffRequest, HandoffRequest.status == "open", HandoffRequest.alert.is_not(None)
        ),
        "bookings": count(BookingRequest, BookingRequest.status.in_(("requested", "held"))),
        "notifications_failing": count(
            Notification,
            sa.or_(
                Notification.status == "failed",
                sa.and_(Notification.status == "pending", Notification.attempts > 0),
            ),
        ),
    }


def register(app: Sanic, ctx: Console) -> None:
    """Add the counts API, the inbox and the handoff pages and actions to ``app``."""
    in_db, page, gone = ctx.in_db, ctx.page, ctx.gone

    @app.get("/staff/api/counts")
    async def counts(request: Request) -> HTTPResponse:
        return response.json(await in_db(count_now))

    @app.get("/staff/")
    async def inbox(request: Request) -> HTTPResponse:
        def read(s: Session) -> dict[str, Any]:
            handoffs = s.execute(
                sa.select(HandoffRequest)
                .where(HandoffRequest.status == "open")
                .order_by(HandoffRequest.created_at.desc(), HandoffRequest.id.desc())
            ).scalars()
            failing = s.execute(
                sa.select(Notification)
                .where(Notification.status != "sent", Notification.attempts > 0)
                .order_by(Notification.id.desc())
                .limit(20)
            ).scalars()
            return {"handoffs": list(handoffs), "failing": list(failing), "counts": count_now(s)}

        return page("inbox.html", request, **await in_db(read))

    async def handoff_or_none(handoff_id: int) -> HandoffRequest | None:
        return await in_db(lambda s: s.get(HandoffRequest, handoff_id))

    @app.get("/staff/handoffs/<handoff_id:int>")
    async def handoff_page(request: Request, handoff_id: int) -> HTTPResponse:
        handoff = await handoff_or_none(handoff_id)
        if handoff is None:
            return gone(request)
        lines = await asyncio.to_thread(ctx.transcript_of, handoff.sender_id)
        replies = await ctx.replies_to(handoff_id=handoff_id)
        return page("handoff.html", request, handoff=handoff, lines=lines, replies=replies)

    @app.get("/staff/api/handoffs/<handoff_id:int>/transcript")
    async def handoff_transcript(request: Request, handoff_id: int) -> HTTPResponse:
        handoff = await handoff_or_none(handoff_id)
        if handoff is None:
            return response.json({"error": "erased"}, status=404)
        lines = await asyncio.to_thread(ctx.transcript_of, handoff.sender_id)
        return response.json({"status": handoff.status, "lines": lines, "alert": handoff.alert})

    @app.post("/staff/handoffs/<handoff_id:int>/reply")
    async def reply(request: Request, handoff_id: int) -> HTTPResponse:
        handoff = await handoff_or_none(handoff_id)
        if handoff is None:
            return gone(request)
        text = clean_reply(request.form.get("text"))
        if text:
            await ctx.deliver(request.ctx.staff, handoff.sender_id, text, handoff_id=handoff_id)
        return response.redirect(f"/staff/handoffs/{handoff_id}")

    @app.post("/staff/replies/<reply_id:int>/retry")
    async def retry_reply(request: Request, reply_id: int) -> HTTPResponse:
        failed = await in_db(lambda s: s.get(StaffReply, reply_id))
        if failed is None:
            return gone(request)
        if failed.status == "failed":
            again = await ctx.deliver(
                request.ctx.staff,
                failed.sender_id,
                failed.text,
                handoff_id=failed.handoff_id,
                booking_id=failed.booking_id,
            )
            if again.status == "delivered":
                await in_db(
                    lambda s: s.execute(sa.delete(StaffReply).where(StaffReply.id == reply_id))
                )
        where = (
            f"/staff/handoffs/{failed.handoff_id}"
            if failed.handoff_id
            else f"/staff/bookings/{failed.booking_id}"
        )
        return response.redirect(where)

    @app.post("/staff/handoffs/<handoff_id:int>/<action:str>")
    async def finish(request: Request, handoff_id: int, action: str) -> HTTPResponse:
        if action not in ("handback", "close"):
            return response.text("not found", status=404)
        handoff = await handoff_or_none(handoff_id)
        if handoff is None:
            return gone(request)
        staff: accounts.Staff = request.ctx.staff
        rasa = ctx.rasa
        # Either way the assistant answers again if the client writes: a closed request
        # must not leave anyone unanswered.
        try:
            if rasa is None:
                raise RasaUnreachableError("RASA_URL is not configured")
            await asyncio.to_thread(rasa.resume, handoff.sender_id)
            # The client is told, and the website chat shows typing dots again.
            widget = {"scalp_care": "assistant_back"} if handoff.channel == "socketio" else None
            await asyncio.to_thread(
                rasa.send_staff_message, handoff.sender_id, domain_reply(BACK), widget
            )
        except (RasaUnreachableError, urllib.error.URLError, OSError) as failure:
            return page(
                "message.html",
                request,
                503,
                title="Not handed back",
                message="The assistant's server did not answer "
                f"({failure.__class__.__name__}). The conversation is still with staff; "
                "try again in a moment.",
            )

        def close(s: Session) -> None:
            row = s.get(HandoffRequest, handoff_id)
            if row is not None:
                row.status = "closed"
            accounts.audit(s, staff.username, f"handoff {action}", str(handoff_id))

        await in_db(close)
        return response.redirect("/staff/")

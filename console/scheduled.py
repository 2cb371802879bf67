"""The console's scheduled messages: the check-ins, sent, waiting, skipped or failed.

- ``GET /staff/scheduled``: the latest :data:`LIMIT` by due time, newest first, with the
  channel, the client (masked), the status and the reason; ``?status=...`` shows one
  status (:data:`STATUSES`). Counts per status head the page, skipped and failed ones
  marked, so they are seen at a glance.
- ``POST /staff/scheduled/<id>/retry``: a failed one (or a skipped WhatsApp one, once the
  template is configured) goes out at the action server's next run; audited.

The action server sends them (salon/schedule.py); this page only reads them, and a retry
only makes one due again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from console import accounts
from console.context import Console
from salon import schedule
from salon.models import ScheduledMessage
from salon.notify import CHANNEL_NAMES
from salon.validation import mask_sender

#: At most this many rows on the page.
LIMIT = 200
#: The statuses staff filter by. ``retrying`` is a ``scheduled`` row that failed before
#: and waits for its next try; ``scheduled`` ones have not been tried yet.
STATUSES = ("scheduled", "retrying", "sent", "skipped", "failed", "cancelled")
#: Statuses that need someone to look.
ATTENTION = ("skipped", "failed")


def shown_status(message: ScheduledMessage) -> str:
    """The status as staff read it: ``retrying`` for a scheduled one that failed before."""
    if message.status == "scheduled" and message.attempts:
        return "retrying"
    return str(message.status)


def _where(status: str) -> Any:
    """The rows of one shown status."""
    if status == "scheduled":
        return sa.and_(ScheduledMessage.status == "scheduled", ScheduledMessage.attempts == 0)
    if status == "retrying":
        return sa.and_(ScheduledMessage.status == "scheduled", ScheduledMessage.attempts > 0)
    return ScheduledMessage.status == status


def _note(message: ScheduledMessage) -> str:
    """The reason kept with the message, or how a sent one went."""
    if message.last_error:
        return str(message.last_error)
    if (
        message.status == "sent"
        and message.sent_at is not None
        and schedule.outside_window(message.channel, message.created_at, message.sent_at)
    ):
        return "sent as the approved WhatsApp template (outside the 24-hour window)"
    return ""


def _row(message: ScheduledMessage) -> dict[str, Any]:
    status = shown_status(message)
    return {
        "id": message.id,
        "due": message.due_at,
        "sent": message.sent_at,
        "channel": CHANNEL_NAMES.get(message.channel, message.channel),
        "sender": mask_sender(message.sender_id),
        "status": status,
        "attempts": message.attempts,
        "note": _note(message),
        # A failed one; a skipped WhatsApp one, should the template now be configured.
        "retry": status == "failed" or (status == "skipped" and message.channel == "twilio"),
    }


def counts(s: Session) -> dict[str, int]:
    """How many messages there are of each shown status (all of them, not only the page's)."""
    found = {status: 0 for status in STATUSES}
    for status, failed_before, count in s.execute(
        sa.select(
            ScheduledMessage.status,
            ScheduledMessage.attempts > 0,
            sa.func.count(ScheduledMessage.id),
        ).group_by(ScheduledMessage.status, ScheduledMessage.attempts > 0)
    ):
        shown = "retrying" if status == "scheduled" and failed_before else status
        found[shown] = found.get(shown, 0) + int(count)
    return found


def register(app: Sanic, ctx: Console) -> None:
    """Add the scheduled messages' page and their retry to ``app``."""
    in_db, page = ctx.in_db, ctx.page

    @app.get("/staff/scheduled")
    async def scheduled(request: Request) -> HTTPResponse:
        status = request.args.get("status") or ""
        error = None
        if status and status not in STATUSES:
            status, error = "", "Unknown status: showing them all."

        def read(s: Session) -> dict[str, Any]:
            statement = sa.select(ScheduledMessage)
            if status:
                statement = statement.where(_where(status))
            rows = s.execute(
                statement.order_by(
                    ScheduledMessage.due_at.desc(), ScheduledMessage.id.desc()
                ).limit(LIMIT)
            ).scalars()
            return {"messages": [_row(m) for m in rows], "counts": counts(s)}

        return page(
            "scheduled.html",
            request,
            400 if error else 200,
            **await in_db(read),
            chosen=status,
            statuses=STATUSES,
            attention=ATTENTION,
            error=error,
            limit=LIMIT,
        )

    @app.post("/staff/scheduled/<message_id:int>/retry")
    async def retry(request: Request, message_id: int) -> HTTPResponse:
        staff: accounts.Staff = request.ctx.staff

        def again(s: Session) -> bool:
            if not schedule.retry(s, message_id):
                return False
            accounts.audit(s, staff.username, "retry scheduled message", str(message_id))
            return True

        if not await in_db(again):
            return page(
                "message.html",
                request,
                409,
                title="Not retried",
                message="This message is no longer failed or skipped (or no longer here): "
                "nothing was changed.",
            )
        return response.redirect("/staff/scheduled")

"""The console's records: referrals, conversations, erasure, the report and the health check.

- ``GET /staff/referrals``: the referrals made, by period (:func:`period`) and level.
- ``GET /staff/conversations``: conversations found by part of their id and by period;
  ``GET /staff/conversation?sender=...``: one transcript.
- ``POST /staff/conversation/erase``: forget a client (their conversation and every
  salon record about them), audited.
- ``GET /staff/report``: the counts and charts of ``salon.staff report`` over a period.
- ``GET /staff/health``: open without a session, for the monitors.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.error
from argparse import ArgumentTypeError
from typing import Any

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from console import accounts
from console.context import CSP, Console, domain_reply
from salon import db, tracker
from salon.models import (
    OPEN_BOOKING_STATUSES,
    REFERRAL_LEVELS,
    BookingRequest,
    Client,
    HandoffRequest,
    utcnow,
)
from salon.profile import profile
from salon.rasa_api import RasaUnreachableError
from salon.report import render_report_html
from salon.repository import SalonRepository
from salon.staff import StaffError, day_range, parse_day

logger = logging.getLogger(__name__)


def period(request: Request) -> tuple[Any, Any, str | None]:
    """``from``/``to`` (YYYY-MM-DD, UTC, ``to`` inclusive) of a page's query; or an error."""
    try:
        start = parse_day(request.args.get("from")) if request.args.get("from") else None
        end = parse_day(request.args.get("to")) if request.args.get("to") else None
    except ArgumentTypeError as error:
        return None, None, str(error)
    if start and end and end < start:
        return None, None, f"The last day ({end}) is before the first day ({start})."
    try:
        since, until = day_range(start, end)
    except StaffError as error:
        return None, None, str(error)
    return since, until, None


#: Website chat conversations (addons/server/session_ids.py) and the reply that says a
#: client was erased by staff.
WEBSITE_PREFIX = "web:"
ERASED = "utter_erased_by_staff"


def register(app: Sanic, ctx: Console) -> None:
    """Add the referrals, conversations, erase, report and health pages to ``app``."""
    in_db, page, gone = ctx.in_db, ctx.page, ctx.gone

    @app.get("/staff/referrals")
    async def referrals(request: Request) -> HTTPResponse:
        since, until, error = period(request)
        level = request.args.get("level") or None
        if level not in (None, *REFERRAL_LEVELS):
            level, error = None, f"unknown level {level!r}"
        rows = (
            []  # a period or level that cannot be read filters nothing: show nothing
            if error
            else await in_db(lambda s: SalonRepository(s).list_referrals(since, until, level=level))
        )
        return page(
            "referrals.html",
            request,
            400 if error else 200,
            referrals=list(reversed(rows)),
            error=error,
            levels=REFERRAL_LEVELS,
            query=request.args,
        )

    @app.get("/staff/conversations")
    async def conversations(request: Request) -> HTTPResponse:
        since, until, error = period(request)
        contains = (request.args.get("sender") or "").strip()[:200]

        def read() -> list[tracker.ConversationSummary]:
            engine_ = ctx.tracker_or_none()
            if engine_ is None:
                return []
            try:
                return tracker.list_conversations(engine_, contains, since, until)
            finally:
                engine_.dispose()

        found = [] if error else await asyncio.to_thread(read)
        return page(
            "conversations.html",
            request,
            400 if error else 200,
            found=found,
            error=error,
            query=request.args,
        )

    @app.get("/staff/conversation")
    async def conversation(request: Request) -> HTTPResponse:
        sender = (request.args.get("sender") or "")[:255]
        lines = await asyncio.to_thread(ctx.transcript_of, sender) if sender else []
        if not lines:
            return gone(request)
        return page(
            "conversation.html", request, sender=sender, lines=lines, **await open_items(sender)
        )

    async def open_items(sender: str) -> dict[str, Any]:
        """The client's open handoffs and booking requests: what erasing would delete."""

        def read(s: Session) -> dict[str, Any]:
            handoffs = s.execute(
                sa.select(HandoffRequest.id).where(
                    HandoffRequest.sender_id == sender, HandoffRequest.status == "open"
                )
            ).scalars()
            bookings = s.execute(
                sa.select(BookingRequest)
                .join(Client, Client.id == BookingRequest.client_id)
                .where(
                    Client.sender_id == sender,
                    BookingRequest.status.in_(OPEN_BOOKING_STATUSES),
                )
            ).scalars()
            return {
                "open_handoffs": list(handoffs),
                "open_bookings": [
                    {"id": b.id, "status": b.status, "times": b.preferred_times} for b in bookings
                ],
            }

        return await ctx.in_db(read)

    def tell_the_widget(sender: str) -> None:
        """A website visitor still on the page drops their stored history now.

        The reply carries the widget's ``forgotten`` signal; it is erased with the rest
        just after. A visitor who has left drops it at their next connection anyway, so
        a failure here changes nothing.
        """
        if ctx.rasa is None or not sender.startswith(WEBSITE_PREFIX):
            return
        try:
            ctx.rasa.send_staff_message(sender, domain_reply(ERASED), {"scalp_care": "forgotten"})
        except (RasaUnreachableError, urllib.error.URLError, OSError, ValueError):
            logger.warning("the website chat of an erased client was not told at once")

    @app.post("/staff/conversation/erase")
    async def erase(request: Request) -> HTTPResponse:
        sender = (request.form.get("sender") or "")[:255]
        staff: accounts.Staff = request.ctx.staff
        if request.form.get("confirm") != "yes":
            return page(
                "message.html",
                request,
                400,
                title="Nothing erased",
                message="Tick the box that says you understand it cannot be undone, then "
                "erase again.",
            )

        def forget() -> int:
            tell_the_widget(sender)
            engine_ = ctx.tracker_or_none()
            events = 0
            if engine_ is not None:
                try:
                    events = tracker.delete_events(engine_, sender)
                finally:
                    engine_.dispose()
            with db.session_scope(ctx.engine) as s:
                deleted = SalonRepository(s).forget_client(sender)
                accounts.audit(s, staff.username, "erase client", sender)
            return events + deleted.total

        erased = await asyncio.to_thread(forget) if sender else 0
        return page(
            "message.html",
            request,
            200 if erased else 404,
            title="Client erased" if erased else "Nothing to erase",
            message=(
                "Their conversation and every salon record about them are deleted. A "
                "website chat still open was cleared at once; one closed clears its history "
                "the next time it connects."
                if erased
                else "Nothing was stored for that conversation."
            ),
        )

    @app.get("/staff/report")
    async def report(request: Request) -> HTTPResponse:
        since, until, error = period(request)
        if error or since is None or until is None:
            return page(
                "report_form.html",
                request,
                400 if error or request.args else 200,
                error=error or ("Give both dates." if request.args else None),
                query=request.args,
            )
        counts = await in_db(lambda s: SalonRepository(s).report_counts(since, until))
        report = render_report_html(counts, title=f"{profile().name}: report")
        # The way back to the console, on the report's own self-contained page.
        back = (
            '<p><a href="/staff/">Back to the console</a> · '
            '<a href="/staff/report">Another period</a></p>'
        )
        resp = response.html(report.replace("<body>\n", "<body>\n" + back + "\n", 1))
        # The report is one self-contained page with its own styles.
        resp.headers["Content-Security-Policy"] = CSP.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return resp

    @app.get("/staff/health")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"ok": True, "at": utcnow().isoformat()})

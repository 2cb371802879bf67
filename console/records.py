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
from argparse import ArgumentTypeError
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from console import accounts
from console.context import CSP, Console
from salon import db, tracker
from salon.models import REFERRAL_LEVELS, utcnow
from salon.profile import profile
from salon.report import render_report_html
from salon.repository import SalonRepository
from salon.staff import StaffError, day_range, parse_day


def period(request: Request) -> tuple[Any, Any, str | None]:
    """``from``/``to`` (YYYY-MM-DD, UTC, ``to`` inclusive) of a page's query; or an error."""
    try:
        start = parse_day(request.args.get("from")) if request.args.get("from") else None
        end = parse_day(request.args.get("to")) if request.args.get("to") else None
        since, until = day_range(start, end)
    except (ArgumentTypeError, StaffError) as error:
        return None, None, str(error)
    return since, until, None


def register(app: Sanic, ctx: Console) -> None:
    """Add the referrals, conversations, erase, report and health pages to ``app``."""
    in_db, page, gone = ctx.in_db, ctx.page, ctx.gone

    @app.get("/staff/referrals")
    async def referrals(request: Request) -> HTTPResponse:
        since, until, error = period(request)
        level = request.args.get("level") or None
        if level not in (None, *REFERRAL_LEVELS):
            level, error = None, f"unknown level {level!r}"
        rows = await in_db(lambda s: SalonRepository(s).list_referrals(since, until, level=level))
        return page(
            "referrals.html",
            request,
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

        found = await asyncio.to_thread(read)
        return page("conversations.html", request, found=found, error=error, query=request.args)

    @app.get("/staff/conversation")
    async def conversation(request: Request) -> HTTPResponse:
        sender = (request.args.get("sender") or "")[:255]
        lines = await asyncio.to_thread(ctx.transcript_of, sender) if sender else []
        if not lines:
            return gone(request)
        return page("conversation.html", request, sender=sender, lines=lines)

    @app.post("/staff/conversation/erase")
    async def erase(request: Request) -> HTTPResponse:
        sender = (request.form.get("sender") or "")[:255]
        staff: accounts.Staff = request.ctx.staff

        def forget() -> int:
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
                "Their conversation and every salon record about them are deleted. If they "
                "use the website chat, it drops its history the next time it connects."
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
        resp = response.html(render_report_html(counts, title=f"{profile().name}: report"))
        # The report is one self-contained page with its own styles.
        resp.headers["Content-Security-Policy"] = CSP.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return resp

    @app.get("/staff/health")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"ok": True, "at": utcnow().isoformat()})

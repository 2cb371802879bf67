"""The staff console: a Sanic app with Jinja2 templates, served at ``/staff/``.

Sanic because the stack already runs on it (Rasa and rasa-sdk are Sanic apps), so the
console adds no second web framework; Jinja2 (Rasa's own dependency) renders every page
with auto-escaping, so whatever a client wrote is shown as text.

Pages: the inbox of open handoffs with the live transcript, a reply box, hand back and
close; booking requests with confirm, decline and propose-another-time, each telling the
client on their channel. ``/staff/api/counts`` feeds the live counts. Every page and API
needs a session (login with an account from ``python -m console.accounts create``);
forms carry the session's CSRF token; every action is in the audit log.

Usage: python -m console.app [--port 8090]   (scripts/run.sh starts it; the salon page's
server on :8080 passes /staff/ on to it)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
import urllib.error
from argparse import ArgumentTypeError
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from console import accounts
from salon import db, notify, tracker
from salon.models import (
    REFERRAL_LEVELS,
    BookingRequest,
    HandoffRequest,
    Notification,
    StaffReply,
    utcnow,
)
from salon.profile import profile
from salon.rasa_api import RasaApi, RasaUnreachableError
from salon.report import render_report_html
from salon.repository import SalonRepository
from salon.staff import StaffError, day_range, parse_day
from salon.validation import mask_email, mask_name, mask_phone

logger = logging.getLogger(__name__)
T = TypeVar("T")

HERE = Path(__file__).resolve().parent
COOKIE = "staff_session"
LOGIN_COOKIE = "staff_login_csrf"
OPEN_PATHS = ("/staff/login", "/staff/static/", "/staff/health")
MAX_REPLY_CHARS = 2000
#: The domain's response said when staff hand a conversation back.
BACK = "utter_assistant_back"
DOMAIN = HERE.parent / "domain.yml"


@lru_cache(maxsize=8)
def domain_reply(name: str) -> str:
    """The text of a domain response (its first variation without a channel)."""
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf8"))["responses"][name]
    plain = [r for r in responses if not r.get("channel")] or responses
    return " ".join(str(plain[0]["text"]).split())


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def secure_cookies(scheme: str, environ: Mapping[str, str] | None = None) -> bool:
    """Should the console's cookies be ``Secure``? Over HTTPS, or always.

    Always with ``CONSOLE_SECURE_COOKIES=1`` (a proxy that ends TLS without saying so).
    Behind nginx, Sanic reads the scheme from ``X-Forwarded-Proto`` once
    ``SANIC_PROXIES_COUNT`` is set (deploy/). Plain ``http://localhost`` keeps working.
    """
    env = os.environ if environ is None else environ
    forced = env.get("CONSOLE_SECURE_COOKIES", "").strip().lower() in {"1", "true", "yes"}
    return forced or scheme in {"https", "wss"}


def session_hours() -> float:
    """How long a login lasts (``CONSOLE_SESSION_HOURS``, 12 by default)."""
    try:
        return max(0.1, float(os.environ.get("CONSOLE_SESSION_HOURS", "12")))
    except ValueError:
        return 12.0


def create_app(engine: Engine, rasa: RasaApi | None, tracker_url: str | None = None) -> Sanic:
    """The console app on the salon database, talking to Rasa's API to reach clients.

    Args:
        engine: The salon database.
        rasa: Rasa's HTTP API, or None (replies then fail, visibly, and can be retried).
        tracker_url: The tracker store (transcripts); None reads ``$TRACKER_DB_URL``.
    """
    app = Sanic(f"staff_console_{secrets.token_hex(4)}")
    app.config.REQUEST_MAX_SIZE = 64 * 1024
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    limiter = accounts.LoginLimiter()
    app.static("/staff/static", str(HERE / "static"), name="static")

    async def in_db(work: Callable[[Session], T]) -> T:
        def run() -> T:
            with db.session_scope(engine) as session:
                return work(session)

        return await asyncio.to_thread(run)

    def page(name: str, request: Request, status: int = 200, **values: Any) -> HTTPResponse:
        staff = request.ctx.staff if hasattr(request.ctx, "staff") else None
        body = templates.get_template(name).render(
            staff=staff, salon=profile(), csrf=staff.csrf_token if staff else "", **values
        )
        return response.html(body, status=status)

    @app.middleware("request")
    async def authenticate(request: Request) -> HTTPResponse | None:
        if not request.path.startswith("/staff"):
            return response.text("not found", status=404)
        if any(request.path.startswith(path) for path in OPEN_PATHS):
            return None
        token = request.cookies.get(COOKIE)
        staff = await in_db(lambda s: accounts.staff_for(s, token))
        if staff is None:
            if request.path.startswith("/staff/api/") or request.method != "GET":
                return response.json({"error": "log in first"}, status=401)
            return response.redirect("/staff/login")
        request.ctx.staff = staff
        if request.method == "POST" and not accounts.csrf_matches(
            staff.csrf_token, request.form.get("csrf")
        ):
            return response.text(
                "This form has expired or did not come from the console. Go back, reload "
                "the page and try again.",
                status=403,
            )
        return None

    @app.middleware("response")
    async def headers(request: Request, resp: HTTPResponse) -> None:
        if "Content-Security-Policy" not in resp.headers:
            resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["Referrer-Policy"] = "same-origin"

    def set_cookie(
        request: Request, resp: HTTPResponse, name: str, value: str, max_age: int
    ) -> None:
        resp.cookies[name] = value
        cookie = resp.cookies[name]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        if secure_cookies(request.scheme):
            cookie["secure"] = True
        cookie["path"] = "/staff"
        cookie["max-age"] = max_age

    # ------------------------------------------------------------------ login
    @app.get("/staff/login")
    async def login_form(request: Request) -> HTTPResponse:
        login_csrf = secrets.token_urlsafe(24)
        resp = page("login.html", request, login_csrf=login_csrf, error=None)
        set_cookie(request, resp, LOGIN_COOKIE, login_csrf, 3600)
        return resp

    @app.post("/staff/login")
    async def login(request: Request) -> HTTPResponse:
        username = (request.form.get("username") or "").strip()[:64]
        password = (request.form.get("password") or "")[:1024]
        address = request.remote_addr or request.ip or "?"
        if not accounts.csrf_matches(
            request.cookies.get(LOGIN_COOKIE, ""), request.form.get("login_csrf")
        ):
            return await error_login(request, "The form expired. Please try again.", 403)
        if limiter.blocked(username, address):
            return await error_login(
                request, "Too many failed logins. Wait 15 minutes and try again.", 429
            )
        account = await in_db(lambda s: accounts.check_password(s, username, password))
        if account is None:
            limiter.failed(username, address)
            await in_db(lambda s: accounts.audit(s, username or "?", "failed login", address))
            return await error_login(request, "Wrong user name or password.", 401)
        hours = session_hours()

        def start(s: Session) -> str:
            fresh = s.get(type(account), account.id)
            token = accounts.start_session(s, fresh, hours)
            accounts.audit(s, fresh.username, "login", address)
            return token

        token = await in_db(start)
        resp = response.redirect("/staff/")
        set_cookie(request, resp, COOKIE, token, int(hours * 3600))
        return resp

    async def error_login(request: Request, message: str, status: int) -> HTTPResponse:
        login_csrf = secrets.token_urlsafe(24)
        resp = page("login.html", request, status, login_csrf=login_csrf, error=message)
        set_cookie(request, resp, LOGIN_COOKIE, login_csrf, 3600)
        return resp

    @app.post("/staff/logout")
    async def logout(request: Request) -> HTTPResponse:
        token = request.cookies.get(COOKIE)
        await in_db(lambda s: accounts.end_session(s, token))
        resp = response.redirect("/staff/login")
        set_cookie(request, resp, COOKIE, "", 0)
        return resp

    # ------------------------------------------------------------------ counts
    def count_now(s: Session) -> dict[str, int]:
        def count(model: Any, *where: Any) -> int:
            return int(s.execute(sa.select(sa.func.count(model.id)).where(*where)).scalar_one())

        return {
            "handoffs": count(HandoffRequest, HandoffRequest.status == "open"),
            "bookings": count(BookingRequest, BookingRequest.status.in_(("requested", "held"))),
            "notifications_failing": count(
                Notification,
                sa.or_(
                    Notification.status == "failed",
                    sa.and_(Notification.status == "pending", Notification.attempts > 0),
                ),
            ),
        }

    @app.get("/staff/api/counts")
    async def counts(request: Request) -> HTTPResponse:
        return response.json(await in_db(count_now))

    # ------------------------------------------------------------------ inbox
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

    def tracker_or_none() -> Engine | None:
        try:
            return tracker.tracker_engine(tracker_url)
        except tracker.TrackerStoreError:
            return None

    def transcript_of(sender: str) -> list[dict[str, str]]:
        engine_ = tracker_or_none()
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

    async def handoff_or_none(handoff_id: int) -> HandoffRequest | None:
        return await in_db(lambda s: s.get(HandoffRequest, handoff_id))

    def gone(request: Request) -> HTTPResponse:
        return page(
            "message.html",
            request,
            404,
            title="Not found",
            message="This conversation is no longer here: the client was erased, or it was "
            "purged. Nothing was sent.",
        )

    @app.get("/staff/handoffs/<handoff_id:int>")
    async def handoff_page(request: Request, handoff_id: int) -> HTTPResponse:
        handoff = await handoff_or_none(handoff_id)
        if handoff is None:
            return gone(request)
        lines = await asyncio.to_thread(transcript_of, handoff.sender_id)
        replies = await in_db(
            lambda s: list(
                s.execute(
                    sa.select(StaffReply)
                    .where(StaffReply.handoff_id == handoff_id)
                    .order_by(StaffReply.id)
                ).scalars()
            )
        )
        return page("handoff.html", request, handoff=handoff, lines=lines, replies=replies)

    @app.get("/staff/api/handoffs/<handoff_id:int>/transcript")
    async def handoff_transcript(request: Request, handoff_id: int) -> HTTPResponse:
        handoff = await handoff_or_none(handoff_id)
        if handoff is None:
            return response.json({"error": "erased"}, status=404)
        lines = await asyncio.to_thread(transcript_of, handoff.sender_id)
        return response.json({"status": handoff.status, "lines": lines})

    async def deliver(
        staff: accounts.Staff, sender: str, text: str, **target: int | None
    ) -> StaffReply:
        """Send ``text`` to the client through Rasa; record it, delivered or not."""
        error = None
        if rasa is None:
            error = "Rasa's address is not configured (RASA_URL)"
        else:
            try:
                await asyncio.to_thread(rasa.send_staff_message, sender, text)
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

        return await in_db(record)

    @app.post("/staff/handoffs/<handoff_id:int>/reply")
    async def reply(request: Request, handoff_id: int) -> HTTPResponse:
        handoff = await handoff_or_none(handoff_id)
        if handoff is None:
            return gone(request)
        text = " ".join((request.form.get("text") or "").split())[:MAX_REPLY_CHARS]
        if text:
            await deliver(request.ctx.staff, handoff.sender_id, text, handoff_id=handoff_id)
        return response.redirect(f"/staff/handoffs/{handoff_id}")

    @app.post("/staff/replies/<reply_id:int>/retry")
    async def retry_reply(request: Request, reply_id: int) -> HTTPResponse:
        failed = await in_db(lambda s: s.get(StaffReply, reply_id))
        if failed is None:
            return gone(request)
        if failed.status == "failed":
            again = await deliver(
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

    # ------------------------------------------------------------------ bookings
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
                    "service": notify.SERVICE_NAMES.get(b.service, b.service),
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

    @app.get("/staff/bookings/<booking_id:int>")
    async def booking_page(request: Request, booking_id: int) -> HTTPResponse:
        found = await booking_or_none(booking_id)
        if found is None:
            return gone(request)
        booking, sender = found
        replies = await in_db(
            lambda s: list(
                s.execute(
                    sa.select(StaffReply)
                    .where(StaffReply.booking_id == booking_id)
                    .order_by(StaffReply.id)
                ).scalars()
            )
        )
        service = notify.SERVICE_NAMES.get(booking.service, booking.service)
        return page(
            "booking.html",
            request,
            booking=booking,
            sender=sender,
            service=service,
            replies=replies,
        )

    @app.post("/staff/bookings/<booking_id:int>/<action:str>")
    async def decide(request: Request, booking_id: int, action: str) -> HTTPResponse:
        if action not in ("confirm", "decline", "propose"):
            return response.text("not found", status=404)
        found = await booking_or_none(booking_id)
        if found is None:
            return gone(request)
        booking, sender = found
        text = " ".join((request.form.get("text") or "").split())[:MAX_REPLY_CHARS]
        if not text:
            return page(
                "message.html",
                request,
                400,
                title="Nothing sent",
                message="Write the message the client will read, then send it again.",
            )
        staff: accounts.Staff = request.ctx.staff
        status = {"confirm": "confirmed", "decline": "cancelled", "propose": booking.status}[action]

        def change(s: Session) -> None:
            row = s.get(BookingRequest, booking_id)
            if row is not None:
                row.status = status
            accounts.audit(s, staff.username, f"booking {action}", str(booking_id))

        await in_db(change)
        await deliver(staff, sender, text, booking_id=booking_id)
        return response.redirect(f"/staff/bookings/{booking_id}")

    # ------------------------------------------------------------------ referrals
    def period(request: Request) -> tuple[Any, Any, str | None]:
        """``from``/``to`` (YYYY-MM-DD, UTC, ``to`` inclusive) of a page's query; or an error."""
        try:
            start = parse_day(request.args.get("from")) if request.args.get("from") else None
            end = parse_day(request.args.get("to")) if request.args.get("to") else None
            since, until = day_range(start, end)
        except (ArgumentTypeError, StaffError) as error:
            return None, None, str(error)
        return since, until, None

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

    # ------------------------------------------------------------------ conversations
    @app.get("/staff/conversations")
    async def conversations(request: Request) -> HTTPResponse:
        since, until, error = period(request)
        contains = (request.args.get("sender") or "").strip()[:200]

        def read() -> list[tracker.ConversationSummary]:
            engine_ = tracker_or_none()
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
        lines = await asyncio.to_thread(transcript_of, sender) if sender else []
        if not lines:
            return gone(request)
        return page("conversation.html", request, sender=sender, lines=lines)

    @app.post("/staff/conversation/erase")
    async def erase(request: Request) -> HTTPResponse:
        sender = (request.form.get("sender") or "")[:255]
        staff: accounts.Staff = request.ctx.staff

        def forget() -> int:
            engine_ = tracker_or_none()
            events = 0
            if engine_ is not None:
                try:
                    events = tracker.delete_events(engine_, sender)
                finally:
                    engine_.dispose()
            with db.session_scope(engine) as s:
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

    # ------------------------------------------------------------------ report
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

    return app


def main(argv: list[str] | None = None) -> int:
    """Serve the console on 127.0.0.1 until stopped."""
    parser = argparse.ArgumentParser(description="The salon's staff console.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "8090")))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    try:
        rasa = RasaApi.from_env()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    app = create_app(db.engine_from_env(), rasa)
    app.run(args.host, args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

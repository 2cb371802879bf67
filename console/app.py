"""The staff console: a Sanic app with Jinja2 templates, served at ``/staff/``.

Sanic because the stack already runs on it (Rasa and rasa-sdk are Sanic apps), so the
console adds no second web framework; Jinja2 (Rasa's own dependency) renders every page
with auto-escaping, so whatever a client wrote is shown as text.

Pages: the inbox of open handoffs with the live transcript, a reply box, hand back and
close; booking requests with confirm, decline and propose-another-time, each telling the
client on their channel; referrals, conversations, the report; the scheduled check-ins.
``/staff/api/counts`` feeds the live counts. Every page and API needs a session (login
with an account from ``python -m console.accounts create``); forms carry the session's
CSRF token; every action is in the audit log.

Where each part lives:

- console/app.py (here): :func:`create_app` builds the app, its request middleware (the
  session, 401 or a redirect to the login without one, the CSRF check of every form) and
  response middleware (CSP and the other security headers), then adds the pages below.
- console/context.py: :class:`~console.context.Console`, what the pages share (database,
  Rasa's API, tracker store, ``page()``, ``gone()``, transcripts, ``deliver()``).
- console/auth.py: ``/staff/login``, ``/staff/logout``, the cookies, session hours.
- console/inbox.py: ``/staff/`` (handoffs), a handoff's page, live transcript, reply,
  retry, hand back and close; ``/staff/api/counts``.
- console/bookings.py: ``/staff/bookings``, a request's page, confirm, decline, propose.
- console/records.py: ``/staff/referrals``, ``/staff/conversations``,
  ``/staff/conversation`` and its erasure, ``/staff/report``, ``/staff/health``.
- console/scheduled.py: ``/staff/scheduled``, the check-ins (sent, waiting, skipped or
  failed, with the reason), and the retry of a failed (or skipped WhatsApp) one.
- console/accounts.py: accounts, sessions, the failed-login limit, the audit log.

Usage: python -m console.app [--port 8090]   (scripts/run.sh starts it; the salon page's
server on :8080 passes /staff/ on to it)
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from console import accounts, auth, bookings, inbox, records, scheduled
from console.context import CSP, Console
from salon import db, notify
from salon.rasa_api import RasaApi

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
OPEN_PATHS = ("/staff/login", "/staff/static/", "/staff/health")


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
    # "socketio" -> "website chat": channels as staff know them.
    templates.filters["channel"] = lambda name: notify.CHANNEL_NAMES.get(
        name or "", name or "unknown channel"
    )
    ctx = Console(engine=engine, rasa=rasa, tracker_url=tracker_url, templates=templates)
    app.static("/staff/static", str(HERE / "static"), name="static")

    @app.middleware("request")
    async def authenticate(request: Request) -> HTTPResponse | None:
        if not request.path.startswith("/staff"):
            return response.text("not found", status=404)
        if any(request.path.startswith(path) for path in OPEN_PATHS):
            return None
        token = request.cookies.get(auth.COOKIE)
        staff = await ctx.in_db(lambda s: accounts.staff_for(s, token))
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

    # Each part adds its pages; login first, then the inbox, bookings, records and the
    # scheduled messages.
    for part in (auth, inbox, bookings, records, scheduled):
        part.register(app, ctx)
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

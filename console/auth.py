"""The console's login and logout pages, its cookies and how long a login lasts.

- ``GET /staff/login`` sets a login CSRF cookie (``staff_login_csrf``) that the form
  must echo; ``POST /staff/login`` checks it, the failed-login limit
  (:class:`console.accounts.LoginLimiter`) and the password, audits the attempt and sets
  the session cookie (``staff_session``); ``POST /staff/logout`` ends the session.
- Both cookies are HttpOnly, SameSite=Strict, limited to ``/staff`` and ``Secure`` over
  HTTPS (:func:`secure_cookies`).

The session and CSRF check of every other page is the request middleware of
console/app.py.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from console import accounts
from console.context import Console

COOKIE = "staff_session"
LOGIN_COOKIE = "staff_login_csrf"


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


def set_cookie(request: Request, resp: HTTPResponse, name: str, value: str, max_age: int) -> None:
    """Set one of the console's cookies: HttpOnly, SameSite=Strict, path ``/staff``."""
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    if secure_cookies(request.scheme):
        cookie["secure"] = True
    cookie["path"] = "/staff"
    cookie["max-age"] = max_age


def register(app: Sanic, ctx: Console) -> None:
    """Add the login and logout pages to ``app``; each app has its own failed-login limit."""
    limiter = accounts.LoginLimiter()
    in_db = ctx.in_db

    @app.get("/staff/login")
    async def login_form(request: Request) -> HTTPResponse:
        login_csrf = secrets.token_urlsafe(24)
        resp = ctx.page("login.html", request, login_csrf=login_csrf, error=None)
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
        resp = ctx.page("login.html", request, status, login_csrf=login_csrf, error=message)
        set_cookie(request, resp, LOGIN_COOKIE, login_csrf, 3600)
        return resp

    @app.post("/staff/logout")
    async def logout(request: Request) -> HTTPResponse:
        token = request.cookies.get(COOKIE)
        await in_db(lambda s: accounts.end_session(s, token))
        resp = response.redirect("/staff/login")
        set_cookie(request, resp, COOKIE, "", 0)
        return resp

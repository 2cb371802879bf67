"""Serve the demo salon page and the chat widget (web/dist) for `make run`.

A tiny static server on 127.0.0.1 (standard library, and the salon's profile: the page's
name, address, hours, phone and services come from ``salon.yml``). Besides the files in
web/dist it answers ``/config.js`` with the address of Rasa's socket.io channel,
so the page talks to whichever port Rasa runs on, and with how many days the widget keeps
the conversation in the browser (``WIDGET_HISTORY_DAYS``, default 7; 0: none).

Usage: python scripts/serve_web.py --port 8080 --server http://localhost:5005
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import sys
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from salon.profile import SalonProfile, profile  # noqa: E402


def render_page(template: str, salon: SalonProfile) -> str:
    """The demo page with the salon's details from its profile, every value HTML-escaped."""
    services = "\n".join(
        f"        <li><h3>{html.escape(service.name)}</h3>"
        f"<p>{html.escape(service.details)}</p></li>"
        for service in salon.services
    )
    visit = " · ".join(part for part in (salon.address, salon.opening_hours, salon.phone) if part)
    values = {"name": salon.name, "visit": visit}
    page = template.replace("{{services}}", services)
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", html.escape(value))
    return page


def content_security_policy(server: str) -> str:
    """Only this page's own files, and connections to Rasa (HTTP polling and WebSocket)."""
    parts = urlsplit(server)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    origin = f"{parts.scheme}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        f"connect-src 'self' {origin} {ws_scheme}://{parts.netloc}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


#: Request headers passed on to the staff console, and response headers passed back.
_TO_CONSOLE = ("Cookie", "Content-Type", "Content-Length", "Accept", "User-Agent")
_FROM_CONSOLE = (
    "Content-Type",
    "Set-Cookie",
    "Location",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Cache-Control",
    "Referrer-Policy",
)


class Handler(SimpleHTTPRequestHandler):
    server_url = "http://localhost:5005"
    #: The staff console (console/app.py) that /staff/ is passed on to; empty: none.
    console_url = ""
    #: How long the widget keeps the conversation in the browser (WIDGET_HISTORY_DAYS).
    history_days = 7.0

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", content_security_policy(self.server_url))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def proxy_to_console(self) -> None:
        """Pass a /staff/ request on to the console and its answer back, as they are."""
        if not self.console_url:
            self.send_error(404, "The staff console is not running")
            return
        target = urlsplit(self.console_url)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1_048_576)) if length else None
        headers = {k: v for k in _TO_CONSOLE if (v := self.headers.get(k)) is not None}
        # The visitor's own address (set here, never passed on from the request), so the
        # console's failed-login limit counts each address (run.sh: SANIC_PROXIES_COUNT=1).
        headers["X-Forwarded-For"] = self.client_address[0]
        headers["X-Forwarded-Proto"] = "http"
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        except OSError:
            self.send_error(502, "The staff console is not reachable")
            return
        finally:
            connection.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.title() in _FROM_CONSOLE or name in _FROM_CONSOLE:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        BaseHTTPRequestHandler.end_headers(self)  # the console's own headers, not the page's
        self.wfile.write(content)

    def do_POST(self) -> None:
        if urlsplit(self.path).path.startswith("/staff"):
            self.proxy_to_console()
            return
        self.send_error(405)

    def do_GET(self) -> None:
        if urlsplit(self.path).path.startswith("/staff"):
            self.proxy_to_console()
            return
        if urlsplit(self.path).path in ("/", "/index.html"):
            template = (Path(self.directory) / "index.html").read_text(encoding="utf8")
            body = render_page(template, profile()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if urlsplit(self.path).path == "/config.js":
            config = {"server": self.server_url, "historyDays": self.history_days}
            body = f"window.SCALP_CARE = {json.dumps(config)};\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


def history_days(value: str, default: float = 7.0) -> float:
    """``WIDGET_HISTORY_DAYS`` as a number of days (0: the browser keeps no history)."""
    try:
        days = float(value) if value.strip() else default
    except ValueError:
        return default
    return days if days >= 0 else default


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--server", default="http://localhost:5005", help="Rasa's public URL")
    parser.add_argument("--directory", default=str(ROOT / "web" / "dist"))
    parser.add_argument("--console", default="", help="the staff console's URL, for /staff/")
    args = parser.parse_args()
    if not (Path(args.directory) / "index.html").exists():
        raise SystemExit(f"{args.directory}/index.html is missing: run `make web`")
    Handler.server_url = args.server.rstrip("/")
    Handler.console_url = args.console.rstrip("/")
    Handler.history_days = history_days(os.environ.get("WIDGET_HISTORY_DAYS", ""))
    handler = partial(Handler, directory=args.directory)
    with ThreadingHTTPServer((args.host, args.port), handler) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main()

"""A real SMTP server for the tests (aiosmtpd, in a thread) and an HTTP receiver of JSON POSTs."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received: parsed messages and their envelopes' recipients."""

    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Message]:
        """Wait until ``count`` messages arrived; return them (fewer after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.messages)


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[str, Mailbox]]:
    """Run an SMTP server on 127.0.0.1; yield its ``smtp://`` URL and its mailbox."""
    mailbox = Mailbox()
    port = port or free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", mailbox
    finally:
        controller.stop()


@dataclass
class Webhook:
    """What the webhook receiver got, and the status it answers with (settable)."""

    payloads: list[dict[str, Any]] = field(default_factory=list)
    #: The path and query of each request taken.
    paths: list[str] = field(default_factory=list)
    status: int = 200


@contextmanager
def webhook_server(port: int | None = None) -> Iterator[tuple[str, Webhook]]:
    """Run an HTTP server that records JSON POSTs; yield its URL and its record."""
    hook = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if hook.status == 200:
                hook.payloads.append(json.loads(body))
                hook.paths.append(self.path)
            self.send_response(hook.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", hook
    finally:
        server.shutdown()
        server.server_close()

"""A local stand-in for the vendors' HTTP APIs (Telegram Bot API, Twilio, Messenger Graph API).

The assistant's channels are pointed at it (``TELEGRAM_API_URL``, ``TWILIO_API_URL``,
``FACEBOOK_GRAPH_URL``): it answers like the vendor does and records every request,
so a test can check what the vendor would have received.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TELEGRAM_BOT = {"id": 4242, "is_bot": True, "first_name": "Salon", "username": "fernhill_bot"}


@dataclass
class Call:
    vendor: str  # "telegram", "twilio" or "facebook"
    method: str  # the API method or path after the vendor prefix
    data: dict[str, Any]
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeVendors:
    server: ThreadingHTTPServer
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def snapshot(self) -> list[Call]:
        with self.lock:
            return list(self.calls)

    def wait_for(
        self, predicate: Callable[[list[Call]], bool], timeout: float = 90.0, settle: float = 1.5
    ) -> list[Call]:
        """Wait until the recorded calls satisfy ``predicate`` (plus a moment for stragglers)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.snapshot()):
                time.sleep(settle)
                return self.snapshot()
            time.sleep(0.2)
        raise AssertionError(f"the vendor did not receive the expected calls: {self.snapshot()}")


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {key: values[0] for key, values in parse_qs(body.decode()).items()}
    if content_type.startswith("multipart/form-data"):
        # aiogram posts form fields as multipart; keep the simple text fields.
        boundary = content_type.split("boundary=")[1].strip('"').encode()
        fields: dict[str, Any] = {}
        for part in body.split(b"--" + boundary):
            head, _, value = part.partition(b"\r\n\r\n")
            if b'name="' not in head:
                continue
            name = head.split(b'name="')[1].split(b'"')[0].decode()
            fields[name] = value.rstrip(b"\r\n").decode()
        return fields
    return {"raw": body.decode(errors="replace")}


def start_fake_vendors() -> FakeVendors:
    vendors: FakeVendors

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _reply(self, status: int, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            data = _parse_body(self.headers.get("Content-Type", ""), self.rfile.read(length))
            data.update({k: v[0] for k, v in parse_qs(parts.query).items() if k not in data})
            vendor, _, rest = parts.path.lstrip("/").partition("/")
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if vendor == "telegram":
                # /telegram/bot<token>/<method>
                method = rest.split("/", 1)[1] if "/" in rest else rest
                vendors.record(Call(vendor, method, data, query, dict(self.headers)))
                if method == "getMe":
                    return self._reply(200, {"ok": True, "result": TELEGRAM_BOT})
                if method == "setWebhook":
                    return self._reply(200, {"ok": True, "result": True})
                if method == "sendMessage":
                    message = {
                        "message_id": len(vendors.calls),
                        "date": int(time.time()),
                        "chat": {"id": int(data.get("chat_id", 0)), "type": "private"},
                        "from": TELEGRAM_BOT,
                        "text": data.get("text", ""),
                    }
                    return self._reply(200, {"ok": True, "result": message})
                return self._reply(200, {"ok": True, "result": True})
            if vendor == "twilio":
                vendors.record(Call(vendor, rest, data, query, dict(self.headers)))
                if rest.endswith("/Messages.json"):
                    return self._reply(
                        201,
                        {
                            "sid": f"SM{len(vendors.calls):032d}",
                            "account_sid": rest.split("/")[2],
                            "to": data.get("To"),
                            "from": data.get("From"),
                            "body": data.get("Body"),
                            "status": "queued",
                            "num_segments": "1",
                        },
                    )
                return self._reply(404, {"message": "not found"})
            if vendor == "facebook":
                vendors.record(Call(vendor, rest, data, query, dict(self.headers)))
                recipient = (data.get("recipient") or {}).get("id")
                return self._reply(200, {"recipient_id": recipient, "message_id": "mid.1"})
            return self._reply(404, {"error": "unknown vendor"})

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    vendors = FakeVendors(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return vendors

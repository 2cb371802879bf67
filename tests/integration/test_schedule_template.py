"""A WhatsApp check-in outside its 24-hour window, sent as the approved template (SQLite, PG).

salon.schedule.send_due first has Rasa record the check-in in the conversation
(``trigger_intent`` without ``output_channel``), then sends the template through Twilio's
REST API. Twilio cannot be reached from here: a real HTTP server on a free port stands in
for its API (``TWILIO_API_URL``), recording each request and answering as Twilio does;
the HTTP receiver of tests/mail.py stands in for Rasa's API, as in test_schedule.py.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from salon import db, notify, schedule
from salon.models import ScheduledMessage, utcnow
from salon.profile import profile
from salon.repository import SalonRepository
from salon.twilio_api import CheckinTemplate
from tests.mail import free_port, webhook_server

INTENT = "EXTERNAL_routine_checkin"
CLIENT = "whatsapp:+447700900123"
ACCOUNT = "AC" + "1" * 32
TOKEN = "twilio-auth-token"
NUMBER = "whatsapp:+14155238886"
CONTENT = "HX" + "2" * 32
WEEK = timedelta(days=7)


@dataclass
class Twilio:
    """What the stand-in for Twilio's API received, and how it answers (settable)."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 201
    answer: dict[str, Any] = field(
        default_factory=lambda: {"sid": "SM" + "3" * 32, "status": "queued"}
    )


@contextmanager
def twilio_server() -> Iterator[tuple[str, Twilio]]:
    """Run an HTTP server answering as Twilio's Messages API; yield its URL and record."""
    twilio = Twilio()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            twilio.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization", ""),
                    "content_type": self.headers.get("Content-Type", ""),
                    "form": parse_qs(body.decode(), strict_parsing=True),
                }
            )
            answer = json.dumps(twilio.answer).encode()
            self.send_response(twilio.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    twilio.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield twilio.url, twilio
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def twilio_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Twilio]:
    """The WhatsApp channel's settings and the template's, Twilio's API on this machine."""
    with twilio_server() as (url, twilio):
        for name, value in {
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_WHATSAPP_NUMBER": NUMBER,
            "TWILIO_CHECKIN_CONTENT_SID": CONTENT,
            "TWILIO_API_URL": url,
        }.items():
            monkeypatch.setenv(name, value)
        yield twilio


def scheduled(engine: Engine, channel: str = "twilio", sender: str = CLIENT) -> int:
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        repo.give_consent(channel, sender)
        return repo.schedule_message(channel, sender, INTENT, utcnow() + WEEK).id


def the_message(engine: Engine) -> ScheduledMessage:
    with db.session_scope(engine) as session:
        return session.execute(sa.select(ScheduledMessage)).scalar_one()


def test_a_late_whatsapp_check_in_is_recorded_then_sent_as_the_template(
    engine: Engine, twilio_env: Twilio
) -> None:
    scheduled(engine)
    with webhook_server() as (url, rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"), token="rasa-token")
        done = schedule.send_due(engine, api, now=utcnow() + WEEK)
        assert (done.sent, done.templates) == (1, 1)
        # Once: a second run sends nothing more.
        assert schedule.send_due(engine, api, now=utcnow() + WEEK + timedelta(hours=1)).sent == 0
    # Rasa ran the check-in on the conversation without sending it on the channel.
    (path,) = rasa.paths
    parts = urlsplit(path)
    assert parts.path == f"/conversations/{CLIENT}/trigger_intent"
    assert parse_qs(parts.query) == {"token": ["rasa-token"]}  # no output_channel
    assert rasa.payloads == [{"name": INTENT}]
    # Twilio got the template, from the salon's WhatsApp number to the client.
    (sent,) = twilio_env.requests
    assert sent["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    scheme, _, login = sent["authorization"].partition(" ")
    assert scheme == "Basic" and base64.b64decode(login).decode() == f"{ACCOUNT}:{TOKEN}"
    assert sent["content_type"] == "application/x-www-form-urlencoded"
    form = {name: values[0] for name, values in sent["form"].items()}
    assert form.keys() == {"From", "To", "ContentSid", "ContentVariables"}
    assert (form["From"], form["To"], form["ContentSid"]) == (NUMBER, CLIENT, CONTENT)
    assert json.loads(form["ContentVariables"]) == {"1": profile().name}
    message = the_message(engine)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, None)


def test_a_number_without_its_prefix_is_sent_from_whatsapp(
    engine: Engine, twilio_env: Twilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_WHATSAPP_NUMBER", "+14155238886")
    scheduled(engine)
    with webhook_server() as (url, _rasa):
        schedule.send_due(engine, schedule.RasaApi(url.removesuffix("/hook")), utcnow() + WEEK)
    assert twilio_env.requests[0]["form"]["From"] == [NUMBER]


def test_twilio_refusing_is_recorded_with_its_message_and_retried_then_failed(
    engine: Engine, twilio_env: Twilio
) -> None:
    twilio_env.status = 400
    twilio_env.answer = {
        "code": 63016,
        "message": "Failed to send freeform message because you are outside the allowed "
        "window. If you are using WhatsApp, please use a Message Template.",
        "more_info": "https://www.twilio.com/docs/errors/63016",
        "status": 400,
    }
    scheduled(engine)
    now = utcnow() + WEEK
    with webhook_server() as (url, rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"))
        assert schedule.send_due(engine, api, now=now).retrying == 1
        waiting = the_message(engine)
        assert (waiting.status, waiting.attempts) == ("scheduled", 1)
        assert waiting.due_at == pytest.approx(now + notify.backoff(1))
        assert waiting.recorded_at == now  # in the conversation: a retry sends only the template
        reason = waiting.last_error or ""
        assert reason.startswith(schedule.RECORDED)
        assert "Twilio refused the template (HTTP 400)" in reason
        assert "outside the allowed window" in reason and "63016" in reason
        for hour in range(1, notify.MAX_ATTEMPTS):
            done = schedule.send_due(engine, api, now=now + timedelta(hours=hour))
        assert done.failed == 1
    # The check-in went into the conversation once, however often Twilio was tried.
    assert len(rasa.paths) == 1
    assert len(twilio_env.requests) == notify.MAX_ATTEMPTS
    failed = the_message(engine)
    assert (failed.status, failed.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert "outside the allowed window" in (failed.last_error or "")


def test_twilio_unreachable_or_failing_is_retried_and_then_sent(
    engine: Engine, twilio_env: Twilio, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheduled(engine)
    now = utcnow() + WEEK
    with webhook_server() as (url, rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"))
        # Nothing listens there: not reached, an attempt all the same.
        monkeypatch.setenv("TWILIO_API_URL", f"http://127.0.0.1:{free_port()}")
        assert schedule.send_due(engine, api, now=now).retrying == 1
        assert "URLError" in (the_message(engine).last_error or "")
        # Back, but failing on its side.
        monkeypatch.setenv("TWILIO_API_URL", twilio_env.url)
        twilio_env.status = 503
        twilio_env.answer = {"code": 20500, "message": "Internal Server Error"}
        assert schedule.send_due(engine, api, now=now + timedelta(hours=1)).retrying == 1
        assert "Twilio answered HTTP 503" in (the_message(engine).last_error or "")
        twilio_env.status, twilio_env.answer = 201, {"sid": "SM1"}
        assert schedule.send_due(engine, api, now=now + timedelta(hours=2)).templates == 1
    assert len(rasa.paths) == 1
    message = the_message(engine)
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, None)


@pytest.mark.parametrize(
    ("channel", "sender", "unset", "reason"),
    [
        ("twilio", CLIENT, "TWILIO_CHECKIN_CONTENT_SID", "set TWILIO_CHECKIN_CONTENT_SID"),
        ("twilio", CLIENT, "TWILIO_AUTH_TOKEN", "set TWILIO_AUTH_TOKEN"),
        ("facebook", "messenger:2417730125643", "", "none of them allows a check-in"),
    ],
)
def test_without_the_template_or_on_messenger_it_is_skipped_with_the_reason(
    engine: Engine,
    twilio_env: Twilio,
    monkeypatch: pytest.MonkeyPatch,
    channel: str,
    sender: str,
    unset: str,
    reason: str,
) -> None:
    if unset:
        monkeypatch.delenv(unset)
    scheduled(engine, channel, sender)
    with webhook_server() as (url, rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"))
        done = schedule.send_due(engine, api, now=utcnow() + WEEK)
    assert done.skipped == 1
    assert rasa.paths == [] and twilio_env.requests == []
    message = the_message(engine)
    assert message.status == "skipped" and reason in (message.last_error or "")


def test_within_the_window_whatsapp_goes_on_the_channel_not_as_the_template(
    engine: Engine, twilio_env: Twilio
) -> None:
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        repo.give_consent("twilio", CLIENT)
        repo.schedule_message("twilio", CLIENT, INTENT, utcnow() + timedelta(hours=2))
    with webhook_server() as (url, rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"))
        done = schedule.send_due(engine, api, now=utcnow() + timedelta(hours=2))
    assert (done.sent, done.templates) == (1, 0)
    assert parse_qs(urlsplit(rasa.paths[0]).query) == {"output_channel": ["latest"]}
    assert twilio_env.requests == []


def test_a_failed_one_retried_by_staff_is_sent_again(engine: Engine, twilio_env: Twilio) -> None:
    message_id = scheduled(engine)
    with db.session_scope(engine) as session:
        session.get(ScheduledMessage, message_id).status = "failed"
    with db.session_scope(engine) as session:
        assert schedule.retry(session, message_id)
        assert not schedule.retry(session, message_id)  # scheduled now, not failed
        assert not schedule.retry(session, message_id + 1000)
    with webhook_server() as (url, _rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"))
        assert schedule.send_due(engine, api, now=utcnow() + WEEK).templates == 1
    assert the_message(engine).status == "sent"


def test_the_template_can_be_given_instead_of_read_from_the_environment(engine: Engine) -> None:
    scheduled(engine)
    with twilio_server() as (twilio_url, twilio), webhook_server() as (url, _rasa):
        template = CheckinTemplate(CONTENT, ACCOUNT, TOKEN, NUMBER, twilio_url)
        api = schedule.RasaApi(url.removesuffix("/hook"))
        assert schedule.send_due(engine, api, utcnow() + WEEK, template=template).templates == 1
    assert len(twilio.requests) == 1

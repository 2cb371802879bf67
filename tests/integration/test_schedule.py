"""Scheduled check-ins on SQLite and PostgreSQL: kept in the database, sent once when due.

salon.schedule.send_due asks Rasa's HTTP API to handle the check-in intent. Here an HTTP
receiver stands in for Rasa's API to record the calls and fail on demand; the real
assistant sends a check-in across a restart in tests/e2e/test_restart.py.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from salon import db, notify, schedule
from salon.models import ScheduledMessage, utcnow
from salon.repository import ConsentRequiredError, SalonRepository
from tests.mail import free_port, webhook_server

INTENT = "EXTERNAL_routine_checkin"
WEB = "socketio"


def scheduled(
    engine: Engine, sender: str, due_in: timedelta, channel: str = WEB, consent: bool = True
) -> int:
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        if consent:
            repo.give_consent(channel, sender)
        else:
            repo.get_or_create_client(channel, sender)
        return repo.schedule_message(channel, sender, INTENT, utcnow() + due_in).id


def rows(engine: Engine) -> list[ScheduledMessage]:
    with db.session_scope(engine) as session:
        statement = sa.select(ScheduledMessage).order_by(ScheduledMessage.id)
        return list(session.execute(statement).scalars())


def later(minutes: float) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


def test_only_a_consenting_client_gets_one_and_a_new_one_replaces_the_old(engine: Engine) -> None:
    with pytest.raises(ConsentRequiredError):
        scheduled(engine, "no-consent", timedelta(days=7), consent=False)
    first = scheduled(engine, "client", timedelta(days=7))
    second = scheduled(engine, "client", timedelta(days=7))
    assert [(m.id, m.status) for m in rows(engine)] == [
        (first, "cancelled"),
        (second, "scheduled"),
    ]


def test_a_due_check_in_is_sent_once_through_rasas_api(engine: Engine) -> None:
    scheduled(engine, "web:a/b c", timedelta(minutes=5))
    with webhook_server() as (url, rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"), token="secret-token")
        assert schedule.send_due(engine, api).sent == 0  # not due yet
        assert schedule.send_due(engine, api, now=later(6)).sent == 1
        assert schedule.send_due(engine, api, now=later(7)).sent == 0  # never twice
    (path,) = rasa.paths
    parts = urlsplit(path)
    # As Rasa's routes take it: literal (they do not decode %3A), spaces encoded.
    assert parts.path == "/conversations/web:a/b%20c/trigger_intent"
    assert parse_qs(parts.query) == {"output_channel": ["latest"], "token": ["secret-token"]}
    assert rasa.payloads == [{"name": INTENT}]
    (sent,) = rows(engine)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)


def test_rasa_not_up_yet_is_not_an_attempt(engine: Engine) -> None:
    scheduled(engine, "early", timedelta(0))
    down = schedule.RasaApi(f"http://127.0.0.1:{free_port()}")
    assert schedule.send_due(engine, down, now=later(1)).waiting_for_rasa == 1
    (waiting,) = rows(engine)
    assert (waiting.status, waiting.attempts) == ("scheduled", 0)
    assert "Rasa not reachable" in (waiting.last_error or "")
    with webhook_server() as (url, _rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"))
        assert schedule.send_due(engine, api, now=later(1)).sent == 1
    assert rows(engine)[0].status == "sent"


def test_an_error_answer_is_retried_then_fails(engine: Engine) -> None:
    scheduled(engine, "erroring", timedelta(0))
    with webhook_server() as (url, rasa):
        rasa.status = 500
        api = schedule.RasaApi(url.removesuffix("/hook"))
        now = later(1)
        assert schedule.send_due(engine, api, now=now).retrying == 1
        (retrying,) = rows(engine)
        assert retrying.attempts == 1 and "HTTPError" in (retrying.last_error or "")
        assert retrying.due_at == pytest.approx(now + notify.backoff(1))
        for hour in range(1, notify.MAX_ATTEMPTS):
            done = schedule.send_due(engine, api, now=now + timedelta(hours=hour))
        assert done.failed == 1
    assert rows(engine)[0].status == "failed"


@pytest.mark.parametrize(
    ("channel", "due_in", "status"),
    [
        ("twilio", timedelta(days=7), "skipped"),  # WhatsApp's 24 hours passed, no template
        ("facebook", timedelta(days=7), "skipped"),
        ("twilio", timedelta(hours=2), "sent"),
        ("telegram", timedelta(days=7), "sent"),
        (WEB, timedelta(days=7), "sent"),
    ],
)
def test_what_each_channel_can_take(
    engine: Engine, channel: str, due_in: timedelta, status: str
) -> None:
    scheduled(engine, "someone", due_in, channel=channel)
    with webhook_server() as (url, rasa):
        schedule.send_due(
            engine,
            schedule.RasaApi(url.removesuffix("/hook")),
            now=utcnow() + due_in,
            template=schedule.CheckinTemplate(),  # no WhatsApp template configured
        )
    (message,) = rows(engine)
    assert message.status == status
    assert len(rasa.payloads) == (status == "sent")
    if status == "skipped":
        # WhatsApp names the missing template setting; Messenger has no way at all
        # (tests/integration/test_schedule_template.py sends the template).
        expected = "TWILIO_CHECKIN_CONTENT_SID" if channel == "twilio" else "message tags"
        assert expected in (message.last_error or "")


def test_two_action_servers_send_each_once(engine: Engine) -> None:
    for number in range(6):
        scheduled(engine, f"client-{number}", timedelta(0))
    with webhook_server() as (url, rasa):
        api = schedule.RasaApi(url.removesuffix("/hook"))
        runs = [
            threading.Thread(target=schedule.send_due, args=(engine, api, later(1)))
            for _ in range(3)
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
    assert len(rasa.paths) == 6 and len(set(rasa.paths)) == 6


def test_forgetting_the_client_cancels_everything(engine: Engine) -> None:
    scheduled(engine, "leaving", timedelta(days=7))
    with db.session_scope(engine) as session:
        SalonRepository(session).forget_client("leaving")
    assert rows(engine) == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"RASA_URL": "http://127.0.0.1:5005/"}, schedule.RasaApi("http://127.0.0.1:5005")),
        (
            {"RASA_URL": "http://r:5005", "RASA_API_TOKEN": "t"},
            schedule.RasaApi("http://r:5005", "t"),
        ),
    ],
)
def test_rasa_api_from_the_environment(env: dict[str, str], expected: object) -> None:
    assert schedule.RasaApi.from_env(env) == expected


def test_a_non_http_rasa_url_is_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        schedule.RasaApi.from_env({"RASA_URL": "file:///etc"})

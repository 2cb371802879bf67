"""Staff notifications end to end on SQLite and PostgreSQL, a real SMTP server and a webhook.

Each request (handoff, booking, urgent referral) writes its notification in the same
transaction; salon.notify.deliver_due sends it to an aiosmtpd server and a local HTTP
receiver, retries what failed without sending twice, and gives up after MAX_ATTEMPTS.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from salon import db, notify
from salon.models import Notification, utcnow
from salon.repository import SalonRepository
from tests.mail import free_port, smtp_server, webhook_server

WEB = "socketio"
STAFF = ("desk@salon.example", "owner@salon.example")


def settings(smtp_url: str | None = None, webhook: str | None = None) -> notify.NotifySettings:
    env = {}
    if smtp_url:
        env |= {"SALON_SMTP_URL": smtp_url, "SALON_STAFF_EMAIL": ", ".join(STAFF)}
    if webhook:
        env["SALON_NOTIFY_WEBHOOK"] = webhook
    return notify.NotifySettings.from_env(env)


def handoff(engine: Engine, sender: str = "visitor-1") -> int:
    with db.session_scope(engine) as session:
        return (
            SalonRepository(session)
            .create_handoff(WEB, sender, reason="my scalp is bleeding, Jane Doe 07700 900123")
            .id
        )


def notifications(engine: Engine) -> list[Notification]:
    with db.session_scope(engine) as session:
        return list(session.execute(sa.select(Notification).order_by(Notification.id)).scalars())


def test_a_handoff_is_mailed_to_every_staff_address_once(engine: Engine) -> None:
    handoff_id = handoff(engine)
    (waiting,) = notifications(engine)
    assert (waiting.kind, waiting.status, waiting.handoff_id) == ("handoff", "pending", handoff_id)
    with smtp_server() as (url, mailbox):
        assert notify.deliver_due(engine, settings(url)).sent == 1
        assert notify.deliver_due(engine, settings(url)).sent == 0  # never twice
        (message,) = mailbox.wait_for(1)
        assert mailbox.recipients == [list(STAFF)]
    assert f"handoff #{handoff_id}" in message["Subject"]
    body = message.get_payload()
    assert "website chat" in body
    # The client's words, name and phone number stay out of e-mail.
    for private in ("bleeding", "Jane", "07700", "visitor-1"):
        assert private not in body and private not in message["Subject"]
    (sent,) = notifications(engine)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert sent.email_sent_at is not None and sent.sent_at is not None


def test_a_booking_says_service_and_times_but_no_contact(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        repo.give_consent(WEB, "booker")
        booking = repo.create_booking(
            WEB,
            "booker",
            "head_only_45",
            name="Priya Shah",
            email="priya@example.com",
            phone="07700900123",
            preferred_times="Friday afternoon",
            referral="dermatologist",
        )
    with smtp_server() as (url, mailbox):
        notify.deliver_due(engine, settings(url))
        (message,) = mailbox.wait_for(1)
    body = message.get_payload(decode=True).decode()
    assert f"#{booking.id}" in message["Subject"]
    assert "Head-only massage session (45 min)" in body and "Friday afternoon" in body
    assert "held" in body  # a doctor first: staff must not book it straight away
    for private in ("Priya", "Shah", "priya@", "07700"):
        assert private not in body


def test_only_an_urgent_referral_notifies(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        repo.record_referral(WEB, "a", "doctor", ["hair_loss_with_fatigue"])
        repo.record_referral(WEB, "b", "dermatologist", ["scaly_plaques"])
        urgent = repo.record_referral(WEB, "c", "urgent", ["fever_with_pus"])
    (only,) = notifications(engine)
    assert (only.kind, only.referral_id) == ("urgent_referral", urgent.id)
    assert "fever" not in only.body and "pus" not in only.body
    assert "anonymous" in only.body  # no consent: no conversation named


def test_smtp_down_is_retried_later_and_the_request_is_kept(engine: Engine) -> None:
    handoff(engine)
    port = free_port()
    url = f"smtp://127.0.0.1:{port}"
    now = utcnow()
    first = notify.deliver_due(engine, settings(url), now=now)
    assert (first.sent, first.retrying) == (0, 1)
    (waiting,) = notifications(engine)
    assert waiting.status == "pending" and waiting.attempts == 1
    assert waiting.last_error and waiting.last_error.startswith("e-mail: ConnectionRefusedError")
    assert waiting.next_attempt_at == pytest.approx(now + timedelta(seconds=30))
    # Not due yet: nothing is tried again.
    assert notify.deliver_due(engine, settings(url), now=now + timedelta(seconds=5)).retrying == 0
    with smtp_server(port) as (url, mailbox):
        later = notify.deliver_due(engine, settings(url), now=now + timedelta(seconds=31))
        assert later.sent == 1
        assert len(mailbox.wait_for(1)) == 1
    (sent,) = notifications(engine)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)


def test_a_failing_webhook_never_sends_the_mail_twice(engine: Engine) -> None:
    handoff(engine)
    now = utcnow()
    with smtp_server() as (url, mailbox), webhook_server() as (hook_url, hook):
        hook.status = 500
        assert notify.deliver_due(engine, settings(url, hook_url), now=now).retrying == 1
        (waiting,) = notifications(engine)
        assert waiting.email_sent_at is not None and waiting.webhook_sent_at is None
        assert "webhook: HTTPError" in (waiting.last_error or "")
        hook.status = 200
        later = now + timedelta(minutes=1)
        assert notify.deliver_due(engine, settings(url, hook_url), now=later).sent == 1
        assert len(mailbox.wait_for(1, timeout=1)) == 1
    (payload,) = hook.payloads
    assert payload["kind"] == "handoff" and "waiting for a person" in payload["text"]


def test_after_the_last_attempt_it_fails_and_staff_can_send_it_again(engine: Engine) -> None:
    handoff(engine)
    dead = settings(f"smtp://127.0.0.1:{free_port()}")
    now = utcnow()
    for attempt in range(notify.MAX_ATTEMPTS):
        done = notify.deliver_due(engine, dead, now=now + timedelta(hours=attempt))
    assert (done.failed, done.retrying) == (1, 0)
    (failed,) = notifications(engine)
    assert (failed.status, failed.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert notify.deliver_due(engine, dead, now=now + timedelta(days=2)).failed == 0
    assert notify.retry(engine, failed.id)
    assert not notify.retry(engine, failed.id + 1000)
    with smtp_server() as (url, mailbox):
        assert notify.deliver_due(engine, settings(url)).sent == 1
        assert len(mailbox.wait_for(1)) == 1
    assert not notify.retry(engine, failed.id)  # sent: nothing to retry


def test_two_senders_at_once_send_each_notification_once(engine: Engine) -> None:
    for number in range(6):
        handoff(engine, f"visitor-{number}")
    with smtp_server() as (url, mailbox):
        runs = [
            threading.Thread(target=notify.deliver_due, args=(engine, settings(url)))
            for _ in range(3)
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        assert len(mailbox.wait_for(6)) == 6
        assert len(mailbox.wait_for(7, timeout=1)) == 6
    assert {n.status for n in notifications(engine)} == {"sent"}


def test_nothing_configured_sends_nothing_and_keeps_the_rows(engine: Engine) -> None:
    handoff(engine)
    assert notify.deliver_due(engine, notify.NotifySettings()) == notify.Delivery()
    assert [n.status for n in notifications(engine)] == ["pending"]


def test_erasure_and_retention_remove_the_notifications(engine: Engine) -> None:
    handoff(engine, "forget-me")
    handoff(engine, "stays")
    with db.session_scope(engine) as session:
        SalonRepository(session).forget_client("forget-me")
    assert len(notifications(engine)) == 1
    with db.session_scope(engine) as session:
        SalonRepository(session).purge_older_than(1, now=utcnow() + timedelta(days=3))
    assert notifications(engine) == []


def test_the_staff_cli_lists_sends_and_retries(
    engine: Engine, migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from salon import staff

    handoff(engine)
    monkeypatch.delenv("SALON_SMTP_URL", raising=False)
    monkeypatch.delenv("SALON_NOTIFY_WEBHOOK", raising=False)
    assert staff.main(["--salon-db", migrated_url, "notifications"]) == 0
    listed = capsys.readouterr().out
    assert "handoff" in listed and "pending" in listed and "not configured" in listed
    with smtp_server() as (url, mailbox):
        monkeypatch.setenv("SALON_SMTP_URL", url)
        monkeypatch.setenv("SALON_STAFF_EMAIL", STAFF[0])
        assert staff.main(["--salon-db", migrated_url, "notify"]) == 0
        assert "sent 1" in capsys.readouterr().out
        assert len(mailbox.wait_for(1)) == 1
    assert staff.main(["--salon-db", migrated_url, "notifications", "--retry", "999999"]) == 2
    assert "no notification 999999" in capsys.readouterr().err

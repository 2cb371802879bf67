"""The pure parts of keeping conversations to their owners (docs/threat-model.md)."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from addons.server import session_ids
from addons.server.guards import RateLimiter
from addons.server.messaging_apps import telegram_secret
from addons.server.serve import InsecureStart, with_api_token
from salon import db, retention
from salon.models import HandoffRequest
from salon.repository import SalonRepository
from salon.staff import printable

TOKEN = "a-real-token-of-24-chars"


# --- server-issued conversation ids ------------------------------------------------------
def test_issued_tokens_verify_and_nothing_else_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(session_ids.ENV_VAR, "test-secret")
    session_ids._secret.cache_clear()
    token = session_ids.issue()
    random_part, tag = token.split(".")
    assert session_ids.verify(token) == random_part
    assert session_ids.issue() != token
    for forged in (
        f"{random_part}.{'0' * len(tag)}",
        f"{random_part}.{tag[:-1]}",
        random_part,
        f"web:{random_part}",
        f"{'f' * 32}.{tag}",
        "",
        None,
        42,
        "x" * 500,
        f"{random_part}.{tag}.extra",
    ):
        assert session_ids.verify(forged) is None, forged
    # Another key (another salon, or a rotated secret) does not verify it.
    monkeypatch.setenv(session_ids.ENV_VAR, "another-secret")
    session_ids._secret.cache_clear()
    assert session_ids.verify(token) is None
    session_ids._secret.cache_clear()


def test_the_secret_file_is_made_once_and_private(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(session_ids.ENV_VAR, raising=False)
    monkeypatch.setattr(session_ids, "SECRET_FILE", tmp_path / "var" / "session-secret")
    session_ids._secret.cache_clear()
    first = session_ids._secret()
    assert stat.S_IMODE(session_ids.SECRET_FILE.stat().st_mode) == 0o600
    session_ids._secret.cache_clear()
    assert session_ids._secret() == first
    session_ids._secret.cache_clear()


@pytest.mark.parametrize(
    ("channel", "sender", "stored", "reply_to"),
    [
        ("socketio", "abc", "web:abc", "web:abc"),
        ("rest", "a", "rest:a", "a"),
        ("rest", "web:abc", "rest:web:abc", "web:abc"),
        ("rest", "rest:a", "rest:a", "a"),
        ("telegram", "12345", "telegram:12345", "12345"),
        ("twilio", "whatsapp:+447700900123", "whatsapp:+447700900123", "whatsapp:+447700900123"),
        ("facebook", "987", "messenger:987", "987"),
    ],
)
def test_every_channel_has_its_own_prefix(
    channel: str, sender: str, stored: str, reply_to: str
) -> None:
    """No id arriving on one channel names another channel's conversation."""
    assert session_ids.prefixed(channel, sender) == stored
    if channel != "socketio":
        assert session_ids.unprefixed(channel, stored) == reply_to


def test_logs_name_a_conversation_by_a_hash() -> None:
    ref = session_ids.log_ref("whatsapp:+447700900123")
    assert ref.startswith("conv-") and "447700900123" not in ref
    assert ref == session_ids.log_ref("whatsapp:+447700900123")


# --- rate limits -------------------------------------------------------------------------
def test_a_bucket_lets_a_burst_through_then_the_rate() -> None:
    limiter = RateLimiter(burst=3, per_minute=60)
    assert [limiter.allow("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0.0)  # each key its own bucket
    assert not limiter.allow("a", now=0.5)
    assert limiter.allow("a", now=1.1)  # one a second
    assert not limiter.allow("a", now=1.2)


def test_the_limiter_forgets_the_oldest_keys() -> None:
    limiter = RateLimiter(burst=1, per_minute=1, max_keys=2)
    for key in ("a", "b", "c"):
        assert limiter.allow(key, now=0.0)
    assert limiter.allow("a", now=0.0)  # "a" was dropped: a fresh bucket


# --- the HTTP API's token ----------------------------------------------------------------
def test_the_token_comes_from_the_environment_not_argv() -> None:
    argv = ["rasa", "run", "--enable-api", "--port", "5005"]
    assert with_api_token(argv, {"RASA_API_TOKEN": TOKEN}) == [*argv, f"--auth-token={TOKEN}"]
    assert with_api_token(["rasa", "shell"], {}) == ["rasa", "shell"]
    assert with_api_token(["rasa", "run"], {}) == ["rasa", "run"]  # no API: no token


@pytest.mark.parametrize("token", ["", "UNSET", "changeme", "short", "   "])
def test_the_api_refuses_to_start_without_a_real_token(token: str) -> None:
    with pytest.raises(InsecureStart):
        with_api_token(["rasa", "run", "--enable-api"], {"RASA_API_TOKEN": token})


def test_a_token_on_the_command_line_is_refused() -> None:
    with pytest.raises(InsecureStart):
        with_api_token(
            ["rasa", "run", "--enable-api", f"--auth-token={TOKEN}"], {"RASA_API_TOKEN": TOKEN}
        )


def test_telegrams_secret_is_configured_or_derived() -> None:
    assert telegram_secret("123:abc", "my-secret_1") == "my-secret_1"
    derived = telegram_secret("123:abc")
    assert derived == telegram_secret("123:abc", "not allowed!")  # invalid: derived instead
    assert derived != telegram_secret("456:def") and len(derived) == 64


# --- staff output ------------------------------------------------------------------------
def test_client_text_cannot_drive_the_staff_terminal() -> None:
    assert printable("hi\x1b[2J\x1b]0;owned\x07 there\x9b") == "hi?[2J?]0;owned? there?"
    assert printable("two\nlines\tand tabs") == "two\nlines\tand tabs"


# --- SQLite files and retention ----------------------------------------------------------
def test_sqlite_files_are_private_and_overwrite_deletions(tmp_path: Path) -> None:
    path = tmp_path / "salon.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    engine.dispose()


def test_the_retention_purge_deletes_idle_conversations_and_unconsented_handoffs(
    tmp_path: Path,
) -> None:
    now = datetime(2026, 12, 6, tzinfo=timezone.utc)
    tracker_db = db.make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    metadata = sa.MetaData()
    events = sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("type_name", sa.String(255)),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
    )
    metadata.create_all(tracker_db)
    old, recent = (now - timedelta(days=31)).timestamp(), (now - timedelta(days=2)).timestamp()
    with tracker_db.begin() as connection:
        connection.execute(
            events.insert(),
            [
                {"sender_id": "rest:old", "type_name": "user", "timestamp": old, "data": "{}"},
                {"sender_id": "rest:new", "type_name": "user", "timestamp": recent, "data": "{}"},
            ],
        )
    salon_url = f"sqlite:///{tmp_path / 'salon.db'}"
    db.upgrade(salon_url)
    salon_db = db.make_engine(salon_url)
    with db.session_scope(salon_db) as session:
        repo = SalonRepository(session)
        repo.create_handoff("rest", "rest:old", reason="my number is +447700900123")
        session.flush()
        session.execute(sa.update(HandoffRequest).values(created_at=now - timedelta(days=31)))
        repo.create_handoff("rest", "rest:new", reason="hello")
    purged = retention.purge(tracker_db, salon_db, days=30, now=now)
    assert (purged.conversations, purged.events, purged.handoffs) == (1, 1, 1)
    with tracker_db.connect() as connection:
        assert list(connection.execute(sa.select(events.c.sender_id)).scalars()) == ["rest:new"]
    assert b"447700900123" not in (tmp_path / "salon.db").read_bytes()
    tracker_db.dispose()
    salon_db.dispose()


def test_retention_settings_are_read_sensibly(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, days in (("14", 14), ("0", 30), ("x", 30)):
        monkeypatch.setenv(retention.ENV_VAR, value)
        assert retention.retention_days() == days
    monkeypatch.delenv(retention.ENV_VAR)
    assert retention.retention_days() == 30
    assert os.environ.get(retention.INTERVAL_ENV_VAR) is None
    assert retention.interval_hours() == 6.0

"""``python -m salon.staff`` as staff run it: subprocesses on real databases.

Every test runs twice: on SQLite files and on fresh PostgreSQL databases at
127.0.0.1:5432. The salon database is migrated with Alembic and filled through the
repository; the tracker database is written by Rasa's own ``SQLTrackerStore``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url

from salon import db
from salon.models import BookingRequest, Client
from salon.repository import SalonRepository
from tests.databases import BACKENDS, fresh_database

ROOT = Path(__file__).resolve().parents[2]
WEB = "socketio"
JANE_EMAIL = "jane.doe@example.com"
JANE_PHONE = "+44 20 7946 1234"
T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC


def _conversation(sender_id: str, exchanges: list[tuple[str, str]]) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender_id, slots=[])
    stamp = T0
    for user_text, bot_text in exchanges:
        for event in (
            ActionExecuted("action_listen", timestamp=stamp),
            UserUttered(
                user_text, intent={"name": "greet", "confidence": 0.9}, timestamp=stamp + 1
            ),
            BotUttered(bot_text, {"buttons": []}, timestamp=stamp + 2),
        ):
            tracker.update(event)
        stamp += 10
    tracker.update(ActionExecuted("action_listen", timestamp=stamp))
    return tracker


def rasa_store(url: str) -> SQLTrackerStore:
    """Rasa's own SQL tracker store on ``url`` (SQLite file or PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return SQLTrackerStore(dialect="sqlite", db=parsed.database)
    return SQLTrackerStore(
        dialect="postgresql",
        host=parsed.host,
        port=parsed.port,
        db=parsed.database,
        username=parsed.username,
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def tracker_db(backend: str, tmp_path: Path) -> Iterator[str]:
    with fresh_database(backend, tmp_path) as url:
        store = rasa_store(url)
        for tracker in (
            _conversation(
                "jane-web",
                [
                    ("hi, my scalp is itchy", "Hi, I'm the salon's scalp-care assistant."),
                    ("how often should I exfoliate?", "Once a week is plenty for most scalps."),
                ],
            ),
            _conversation("someone-else", [("hello", "Hi there!")]),
        ):
            asyncio.run(store.save(tracker))
        store.engine.dispose()
        yield url


@pytest.fixture
def salon_db(backend: str, tmp_path: Path) -> Iterator[str]:
    with fresh_database(backend, tmp_path) as url:
        _fill_salon(url)
        yield url


def _fill_salon(url: str) -> None:
    db.upgrade(url)
    engine = db.make_engine(url)
    april = datetime(2024, 4, 10, 12, 0, tzinfo=timezone.utc)
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        repo.give_consent(WEB, "jane-web")
        repo.save_summary(WEB, "jane-web", concerns=["itch", "flaking"], referral="dermatologist")
        repo.record_referral(WEB, "jane-web", "dermatologist", "persistent scaling")
        repo.record_referral(WEB, "anon-1", "urgent", "fever, hot swollen scalp")
        repo.create_booking(
            WEB,
            "jane-web",
            "scalp_facial",
            name="Jane Doe",
            email=JANE_EMAIL,
            phone=JANE_PHONE,
            preferred_times="evenings, or mail jane.doe@example.com",
        )
        repo.create_handoff(WEB, "jane-web", "wants to talk to a stylist")
        closed = repo.create_handoff("rest", "someone-else", "price question")
        repo.close_handoff(closed.id)
        repo.give_consent(WEB, "old-client")
        repo.create_booking(WEB, "old-client", "head_only_45", phone="+15551230000")
        session.flush()
        for model in (Client, BookingRequest):
            session.execute(sa.update(model).values(created_at=april))
        session.execute(sa.update(Client).values(last_seen_at=datetime.now(timezone.utc)))
        old = repo.find_client(WEB, "old-client")
        assert old is not None
        old.last_seen_at = datetime.now(timezone.utc) - timedelta(days=400)
        old.created_at = old.last_seen_at
    engine.dispose()


def staff(
    *args: str, salon: str | Path | None, tracker: str | Path | None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run the staff CLI; a Path is a SQLite file, a str a database URL."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "SALON_DB_URL": _url(salon),
        "TRACKER_DB_URL": _url(tracker),
    }
    return subprocess.run(
        [sys.executable, "-m", "salon.staff", *args],
        cwd=cwd,  # not the repository: nothing may depend on the working directory
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _url(database: str | Path | None) -> str:
    if database is None:
        return ""
    return f"sqlite:///{database}" if isinstance(database, Path) else database


@pytest.fixture
def run(salon_db: str, tracker_db: str, tmp_path: Path):
    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        return staff(*args, salon=salon_db, tracker=tracker_db, cwd=tmp_path)

    return _run


def _tracker_senders(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))
            return {row[0] for row in rows}
    finally:
        engine.dispose()


def _no_raw_contacts(text: str) -> None:
    assert JANE_EMAIL not in text
    assert "79461234" not in text.replace(" ", "")
    assert "Jane Doe" not in text
    assert "15551230000" not in text


# Lists --------------------------------------------------------------------------------


def test_bookings_lists_with_masked_contacts(run) -> None:
    result = run("bookings")
    assert result.returncode == 0, result.stderr
    assert "scalp_facial" in result.stdout and "head_only_45" in result.stdout
    assert "j***@example.com" in result.stdout
    assert "***1234" in result.stdout and "***0000" in result.stdout
    assert "J. D." in result.stdout
    assert "requested" in result.stdout
    _no_raw_contacts(result.stdout + result.stderr)


def test_bookings_period_filters(run) -> None:
    april = run("bookings", "--from", "2024-04-10", "--to", "2024-04-10")
    assert april.returncode == 0 and "scalp_facial" in april.stdout
    may = run("bookings", "--from", "2024-05-01", "--to", "2024-05-31")
    assert may.returncode == 0 and may.stdout.strip() == "no booking requests"


@pytest.mark.parametrize(
    "args",
    [
        ("bookings", "--from", "10/04/2024"),
        ("bookings", "--from", "2024-02-30"),
        ("bookings", "--from", "2024-05-01", "--to", "2024-04-01"),
        ("referrals", "--to", "yesterday"),
        ("report", "--from", "2024-13-01", "--to", "2024-12-31", "--out", "r.html"),
        ("report", "--from", "2024-04-01", "--out", "r.html"),
        ("purge", "--days", "0"),
        ("purge", "--days", "ten"),
        ("handoffs", "--status", "pending"),
        ("nonsense",),
    ],
)
def test_bad_arguments_exit_2(run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "error" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_date_message_is_clear(run) -> None:
    result = run("bookings", "--from", "2024-02-30")
    assert "'2024-02-30' is not a valid date" in result.stderr
    reversed_range = run("referrals", "--from", "2024-05-01", "--to", "2024-04-01")
    assert "--to 2024-04-01 is before --from 2024-05-01" in reversed_range.stderr


def test_referrals_list(run) -> None:
    result = run("referrals")
    assert result.returncode == 0, result.stderr
    assert "dermatologist" in result.stdout and "jane-web" in result.stdout
    assert "urgent" in result.stdout and "(anonymous)" in result.stdout
    assert "anon-1" not in result.stdout  # never linked: no consent
    only_urgent = run("referrals", "--level", "urgent")
    assert "dermatologist" not in only_urgent.stdout


def test_handoffs_list(run) -> None:
    result = run("handoffs")
    assert result.returncode == 0, result.stderr
    assert "wants to talk to a stylist" in result.stdout
    assert "price question" not in result.stdout
    everything = run("handoffs", "--status", "all")
    assert "price question" in everything.stdout and "closed" in everything.stdout
    closed = run("handoffs", "--status", "closed")
    assert "wants to talk" not in closed.stdout


# Transcripts and forgetting -----------------------------------------------------------


def test_transcript_prints_user_and_bot_texts_in_order(run) -> None:
    result = run("transcript", "jane-web")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert [line.split()[2] for line in lines] == ["user", "bot", "user", "bot"]
    assert lines[0].endswith("hi, my scalp is itchy")
    assert lines[3].endswith("Once a week is plenty for most scalps.")
    assert lines[0].startswith("2023-11-14 22:13:21")
    assert "Hi there!" not in result.stdout  # another conversation


def test_transcript_of_unknown_sender_exits_2(run) -> None:
    result = run("transcript", "nobody")
    assert result.returncode == 2
    assert "unknown sender 'nobody'" in result.stderr


def test_forget_removes_tracker_events_and_salon_rows(run, salon_db: str, tracker_db: str) -> None:
    assert "jane-web" in _tracker_senders(tracker_db)
    result = run("forget", "jane-web")
    assert result.returncode == 0, result.stderr
    assert "forgot sender 'jane-web'" in result.stdout
    assert "1 client" in result.stdout and "1 bookings" in result.stdout
    _no_raw_contacts(result.stdout + result.stderr)

    assert _tracker_senders(tracker_db) == {"someone-else"}
    engine = db.make_engine(salon_db)
    try:
        with db.session_scope(engine) as session:
            repo = SalonRepository(session)
            assert not repo.sender_known("jane-web")
            assert repo.find_client(WEB, "old-client") is not None
    finally:
        engine.dispose()
    # Rasa's own store agrees: the conversation is gone.
    store = rasa_store(tracker_db)
    assert asyncio.run(store.retrieve("jane-web")) is None
    assert asyncio.run(store.retrieve("someone-else")) is not None
    store.engine.dispose()

    again = run("forget", "jane-web")
    assert again.returncode == 2
    assert "unknown sender 'jane-web'" in again.stderr
    assert run("transcript", "jane-web").returncode == 2


def test_forget_a_sender_without_a_client_row(run, tracker_db: str) -> None:
    result = run("forget", "someone-else")  # only a closed handoff and a conversation
    assert result.returncode == 0, result.stderr
    assert "someone-else" not in _tracker_senders(tracker_db)


# Retention and report -----------------------------------------------------------------


def test_purge_deletes_old_records_and_idle_conversations(run, tracker_db: str) -> None:
    result = run("purge", "--days", "30")
    assert result.returncode == 0, result.stderr
    assert "1 clients" in result.stdout
    bookings = run("bookings")
    assert "head_only_45" not in bookings.stdout  # the stale client's booking went too
    assert "purged 2 idle conversations" in result.stdout  # the tracker store by default
    assert _tracker_senders(tracker_db) == set()


def test_purge_can_leave_the_tracker_store_alone(run, tracker_db: str) -> None:
    result = run("purge", "--days", "30", "--salon-only")
    assert result.returncode == 0, result.stderr
    assert "idle conversations" not in result.stdout
    assert _tracker_senders(tracker_db)


def test_report_writes_self_contained_escaped_html(run, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "april.html"
    result = run(
        "report",
        "--from",
        "2024-04-01",
        "--to",
        "2024-04-30",
        "--out",
        str(out),
        "--title",
        "<script>alert('x')</script> Tom & Jerry's",
    )
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html and "<rect" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Tom &amp; Jerry&#x27;s" in html
    assert "<script" not in html
    assert "http" not in html and "src=" not in html and "<link" not in html
    assert "2024-04-01 to 2024-04-30" in html
    assert "Scalp facial (60 min)" in html and "dermatologist" in html
    _no_raw_contacts(html)
    assert "jane-web" not in html


def test_report_counts_only_the_period(run, tmp_path: Path) -> None:
    out = tmp_path / "may.html"
    result = run("report", "--from", "2024-05-01", "--to", "2024-05-31", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert '<td>Scalp facial (60 min)</td><td class="n">0</td>' in html


# Databases that are not there ---------------------------------------------------------


def test_unmigrated_database_is_a_clear_error_then_migrate_fixes_it(tmp_path: Path) -> None:
    salon = tmp_path / "fresh" / "salon.db"
    result = staff("bookings", salon=salon, tracker=None, cwd=tmp_path)
    assert result.returncode == 1
    assert "python -m salon.staff migrate" in result.stderr
    assert not salon.exists()  # a read command creates nothing

    migrated = staff("migrate", salon=salon, tracker=None, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert staff("bookings", salon=salon, tracker=None, cwd=tmp_path).stdout.strip() == (
        "no booking requests"
    )


def test_missing_tracker_store_is_a_clear_error(salon_db: str, tmp_path: Path) -> None:
    result = staff("transcript", "x", salon=salon_db, tracker=tmp_path / "none.db", cwd=tmp_path)
    assert result.returncode == 1
    assert "no tracker store" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_unmigrated_postgres_database_is_a_clear_error(tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        result = staff("referrals", salon=url, tracker=None, cwd=tmp_path)
        assert result.returncode == 1
        assert "has no tables yet" in result.stderr
        assert "python -m salon.staff migrate" in result.stderr
        migrated = staff("migrate", salon=url, tracker=None, cwd=tmp_path)
        assert migrated.returncode == 0, migrated.stderr
        assert staff("referrals", salon=url, tracker=None, cwd=tmp_path).returncode == 0


def test_postgres_without_events_table_is_a_clear_error(salon_db: str, tmp_path: Path) -> None:
    with fresh_database("postgresql", tmp_path) as empty:
        result = staff("transcript", "x", salon=salon_db, tracker=empty, cwd=tmp_path)
        assert result.returncode == 1
        assert "has no 'events' table" in result.stderr
        assert "Traceback" not in result.stderr


def test_unreachable_postgres_is_a_clear_error_without_password(tmp_path: Path) -> None:
    url = "postgresql://staff:s3cret@127.0.0.1:1/salon"  # nothing listens on port 1
    result = staff("bookings", salon=url, tracker=None, cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot open the salon database" in result.stderr
    assert "s3cret" not in result.stderr and "Traceback" not in result.stderr

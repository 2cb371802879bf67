"""The console's scheduled messages page (/staff/scheduled) and its retry, for real.

The console runs as staff run it (``python -m console.app``) on a SQLite salon database
holding check-ins in every status; a browser-like client logs in and reads the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console import accounts
from salon import db
from salon.models import ScheduledMessage, StaffAuditEntry, utcnow
from salon.repository import SalonRepository
from tests.console_process import running_console
from tests.e2e.test_console_http import PASSWORD, Browser

ROOT = Path(__file__).resolve().parents[2]
INTENT = "EXTERNAL_routine_checkin"
DUE = datetime(2026, 11, 9, 10, 0, tzinfo=timezone.utc)
#: A client's text with markup: a reason and a conversation id can carry what they wrote.
MARKUP_REASON = "Twilio refused the template (HTTP 400): <img src=x onerror=alert(1)>"
MARKUP_SENDER = "<b>bold</b>:+447700900999"


@dataclass
class Console:
    """The running console, its database and a logged-in member of staff."""

    base: str
    engine: Engine
    staff: Browser
    ids: dict[str, int]


def add(engine: Engine, channel: str, sender: str, due: datetime, **values: object) -> int:
    with db.session_scope(engine) as session:
        repo = SalonRepository(session)
        repo.give_consent(channel, sender)
        message = repo.schedule_message(channel, sender, INTENT, due)
        for name, value in values.items():
            setattr(message, name, value)
        session.flush()
        return int(message.id)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    folder = tmp_path_factory.mktemp("console")
    url = f"sqlite:///{folder / 'salon.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        accounts.create_account(session, "sam", PASSWORD)
    week = timedelta(days=7)
    ids = {
        "web": add(engine, "socketio", "web:3f9a0c6b1d2e4f5a6b7c8d9e0f1a2b3c", DUE),
        "sent": add(
            engine,
            "twilio",
            "whatsapp:+447700900111",
            DUE - timedelta(days=1),
            status="sent",
            attempts=1,
            created_at=DUE - timedelta(days=1) - week,
            sent_at=DUE - timedelta(days=1),
        ),
        "skipped": add(
            engine,
            "twilio",
            "whatsapp:+447700900222",
            DUE - timedelta(days=2),
            status="skipped",
            last_error="WhatsApp takes a message more than 24 hours after the client's last "
            "one only as an approved template; not sent: set TWILIO_CHECKIN_CONTENT_SID "
            "for the action server",
        ),
        "messenger": add(
            engine,
            "facebook",
            "messenger:2417730125643",
            DUE - timedelta(days=3),
            status="skipped",
            last_error="Messenger takes a message more than 24 hours after the client's last "
            "one only with one of Meta's message tags",
        ),
        "failed": add(
            engine,
            "twilio",
            MARKUP_SENDER,
            DUE - timedelta(days=4),
            status="failed",
            attempts=12,
            last_error=MARKUP_REASON,
        ),
        "retrying": add(
            engine,
            "telegram",
            "telegram:123456789",
            DUE + timedelta(days=1),
            attempts=2,
            last_error="HTTPError: HTTP Error 500: Internal Server Error",
        ),
    }
    try:
        with running_console(folder, url) as staff:
            yield Console(staff.base, engine, staff, ids)
    finally:
        engine.dispose()


def rows_of(page: str) -> list[tuple[str, str]]:
    """Each table row's message id and class (``status-...``), in page order."""
    return re.findall(r'<tr class="(status-\w+)">\s*<td>(\d+)</td>', page)


def test_without_a_session_it_is_closed(console: Console) -> None:
    anonymous = Browser(console.base)
    status, headers, _ = anonymous.request("GET", "/staff/scheduled")
    assert status == 302 and headers["Location"] == "/staff/login"
    failed = console.ids["failed"]
    assert anonymous.request("POST", f"/staff/scheduled/{failed}/retry", {})[0] == 401


def test_the_page_lists_them_newest_due_first_with_status_and_reason(console: Console) -> None:
    status, _, page = console.staff.request("GET", "/staff/scheduled")
    assert status == 200
    ids = console.ids
    assert rows_of(page) == [
        ("status-retrying", str(ids["retrying"])),
        ("status-scheduled", str(ids["web"])),
        ("status-sent", str(ids["sent"])),
        ("status-skipped", str(ids["skipped"])),
        ("status-skipped", str(ids["messenger"])),
        ("status-failed", str(ids["failed"])),
    ]
    # Channels by name, due times, reasons; a late WhatsApp one sent says how it went.
    assert "WhatsApp" in page and "Messenger" in page and "website chat" in page
    assert "2026-11-09 10:00" in page
    assert "set TWILIO_CHECKIN_CONTENT_SID for the action server" in page
    assert "sent as the approved WhatsApp template" in page
    assert "HTTPError: HTTP Error 500" in page
    # At a glance: the counts of every status, skipped and failed marked.
    assert '<li class="status-skipped attention">' in page
    assert '<li class="status-failed attention">' in page
    assert re.search(r">2 skipped<", page) and re.search(r">1 failed<", page)
    assert re.search(r">1 retrying<", page) and re.search(r">1 scheduled<", page)
    # Clients masked: no full number or website id on the page.
    assert "whatsapp:***0222" in page and "telegram:***6789" in page and "web:3f9a***" in page
    assert "+447700900222" not in page and "3f9a0c6b1d2e" not in page
    # Retry offered for the failed one and the skipped WhatsApp one only.
    offered = re.findall(r'action="/staff/scheduled/(\d+)/retry"', page)
    assert sorted(offered) == sorted([str(ids["failed"]), str(ids["skipped"])])
    # In the menu of every page.
    assert 'href="/staff/scheduled"' in console.staff.request("GET", "/staff/")[2]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("failed", ["failed"]),
        ("skipped", ["skipped", "messenger"]),
        ("retrying", ["retrying"]),
        ("scheduled", ["web"]),
        ("sent", ["sent"]),
        ("cancelled", []),
    ],
)
def test_a_status_filter_shows_only_that_status(
    console: Console, status: str, expected: list[str]
) -> None:
    code, _, page = console.staff.request("GET", f"/staff/scheduled?status={status}")
    assert code == 200
    assert [int(i) for _, i in rows_of(page)] == [console.ids[name] for name in expected]
    if not expected:
        assert "No scheduled messages with this status." in page


def test_an_unknown_status_shows_them_all_with_an_error(console: Console) -> None:
    code, _, page = console.staff.request("GET", "/staff/scheduled?status=%3Cscript%3E")
    assert code == 400
    assert "Unknown status" in page and "<script>" not in page
    assert len(rows_of(page)) == len(console.ids)


def test_a_clients_markup_is_shown_as_text(console: Console) -> None:
    _, _, page = console.staff.request("GET", "/staff/scheduled?status=failed")
    assert "<img" not in page and "<b>bold" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;:***0999" in page


def test_retry_needs_the_form_token_and_is_audited(console: Console) -> None:
    failed = console.ids["failed"]
    path = f"/staff/scheduled/{failed}/retry"
    assert console.staff.request("POST", path, {})[0] == 403
    assert console.staff.request("POST", path, {"csrf": "forged"})[0] == 403
    csrf = console.staff.csrf("/staff/scheduled")
    before = utcnow()
    status, headers, _ = console.staff.request("POST", path, {"csrf": csrf})
    assert status == 302 and headers["Location"] == "/staff/scheduled"
    with db.session_scope(console.engine) as session:
        message = session.get(ScheduledMessage, failed)
        assert (message.status, message.attempts) == ("scheduled", 0)
        assert message.due_at >= before - timedelta(seconds=5)
        audit = session.execute(
            sa.select(StaffAuditEntry).where(StaffAuditEntry.target == str(failed))
        ).scalar_one()
        assert (audit.username, audit.action) == ("sam", "retry scheduled message")
    # Now waiting to be sent: shown as such, and not retried twice.
    _, _, page = console.staff.request("GET", "/staff/scheduled?status=retrying")
    assert str(failed) not in [i for _, i in rows_of(page)]  # attempts start again
    _, _, page = console.staff.request("GET", "/staff/scheduled?status=scheduled")
    assert str(failed) in [i for _, i in rows_of(page)]
    assert console.staff.request("POST", path, {"csrf": csrf})[0] == 409
    sent = console.ids["sent"]
    assert console.staff.request("POST", f"/staff/scheduled/{sent}/retry", {"csrf": csrf})[0] == 409

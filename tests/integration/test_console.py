"""The staff console's accounts (SQLite and PostgreSQL) and its behaviour when Rasa is down.

The console runs for real (``python -m console.app``) on a SQLite salon database; an
HTTP receiver stands in for Rasa's API, first absent (a reply is kept as not delivered),
then present (the retry delivers it).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console import accounts
from console.context import from_staff
from salon import db
from salon.models import StaffSession
from salon.repository import SalonRepository
from tests.console_process import running_console
from tests.e2e.test_console_http import PASSWORD
from tests.mail import free_port, webhook_server

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("username", "password", "error"),
    [
        ("s", PASSWORD, "user name"),
        ("sam smith", PASSWORD, "user name"),
        ("<script>", PASSWORD, "user name"),
        ("sam", "short", "at least 10"),
    ],
)
def test_bad_accounts_are_refused(engine: Engine, username: str, password: str, error: str) -> None:
    with db.session_scope(engine) as session, pytest.raises(accounts.AccountError, match=error):
        accounts.create_account(session, username, password)


def test_passwords_are_hashed_and_checked(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        account = accounts.create_account(session, "Sam", PASSWORD)
        assert account.username == "sam" and PASSWORD not in account.password_hash
        assert account.password_hash.startswith("$argon2id$")
    with db.session_scope(engine) as session:
        assert accounts.check_password(session, "SAM", PASSWORD) is not None
        assert accounts.check_password(session, "sam", PASSWORD + "!") is None
        assert accounts.check_password(session, "nobody", PASSWORD) is None


def test_a_session_expires_and_a_disabled_account_loses_its_sessions(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        account = accounts.create_account(session, "sam", PASSWORD)
        token = accounts.start_session(session, account, hours=1)
        assert accounts.staff_for(session, token).username == "sam"
        assert accounts.staff_for(session, token + "x") is None
        assert accounts.staff_for(session, None) is None
        # Expired: no longer valid.
        row = session.execute(sa.select(StaffSession)).scalar_one()
        row.expires_at = row.expires_at - timedelta(hours=2)
        session.flush()
        assert accounts.staff_for(session, token) is None
        fresh = accounts.start_session(session, account, hours=1)
        assert accounts.disable_account(session, "sam")
        assert accounts.staff_for(session, fresh) is None
        assert accounts.check_password(session, "sam", PASSWORD) is None
        assert not accounts.disable_account(session, "nobody")


@pytest.mark.parametrize(
    ("failures", "name", "address", "blocked"),
    [
        (4, "sam", "10.0.0.1", False),
        (5, "sam", "10.0.0.1", True),
        (5, "sam", "10.0.0.2", True),  # the same name from elsewhere: still blocked
        (5, "alex", "10.0.0.1", False),  # a colleague at the same desk: not yet
        (19, "alex", "10.0.0.1", False),
        (20, "alex", "10.0.0.1", True),  # but not for ever: 20 from one address
    ],
)
def test_failed_logins_are_limited(failures: int, name: str, address: str, blocked: bool) -> None:
    limiter = accounts.LoginLimiter(per_user=5, per_address=20, window=900)
    for second in range(failures):
        limiter.failed("sam", "10.0.0.1", now=float(second))
    assert limiter.blocked(name, address, now=30.0) is blocked
    assert not limiter.blocked(name, address, now=2000.0)  # the window has passed


def test_a_reply_while_rasa_is_down_is_kept_and_delivered_on_retry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'salon.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        accounts.create_account(session, "sam", PASSWORD)
        handoff = SalonRepository(session).create_handoff("socketio", "web:abc", reason="help")
    engine.dispose()
    rasa_port = free_port()
    with running_console(tmp_path, url, rasa_port) as staff:
        page = f"/staff/handoffs/{handoff.id}"
        text = "Hello from the salon"
        staff.request("POST", page + "/reply", {"csrf": staff.csrf(page), "text": text})
        _, _, shown = staff.request("GET", page)
        assert "Not delivered" in shown and "not reachable" in shown
        reply_id = re.search(r"/staff/replies/(\d+)/retry", shown).group(1)
        with webhook_server(rasa_port) as (_, rasa):
            staff.request("POST", f"/staff/replies/{reply_id}/retry", {"csrf": staff.csrf(page)})
        assert rasa.payloads == [[{"event": "bot", "text": from_staff("sam", text)}]]
        assert from_staff("sam", text).startswith("Sam at ")  # who wrote it, for the client
        parts = urlsplit(rasa.paths[0])
        assert parts.path == "/conversations/web:abc/tracker/events"
        assert parse_qs(parts.query) == {
            "execute_side_effects": ["true"],
            "output_channel": ["latest"],
            "token": ["token-for-the-test"],
        }
        _, _, shown = staff.request("GET", page)
        assert "Not delivered" not in shown


def test_staff_answers_to_booking_requests(tmp_path: Path) -> None:
    """Held requests need a doctor first, closed ones take no answer, WHEN must be replaced,
    a refused answer keeps its words, and the client's next message answers the request."""
    url = f"sqlite:///{tmp_path / 'salon.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        accounts.create_account(session, "sam", PASSWORD)
        repo = SalonRepository(session)
        repo.give_consent("socketio", "web:held")
        held = repo.create_booking(
            "socketio", "web:held", "scalp_facial", email="h@example.com", referral="urgent"
        ).id
        repo.give_consent("socketio", "web:plain")
        plain = repo.create_booking(
            "socketio", "web:plain", "head_only_45", phone="07700900123", preferred_times="sat"
        ).id
    rasa_port = free_port()
    with webhook_server(rasa_port) as (_, rasa), running_console(tmp_path, url, rasa_port) as staff:

        def answer(booking: int, action: str, **form: str) -> tuple[int, str]:
            page = f"/staff/bookings/{booking}"
            status, _, shown = staff.request(
                "POST", f"{page}/{action}", {"csrf": staff.csrf(page), **form}
            )
            return status, shown

        # A held request: not confirmed without the tick, then confirmed with it.
        _, _, shown = staff.request("GET", f"/staff/bookings/{held}")
        assert "referred the client (urgent)" in shown and 'name="doctor_seen"' in shown
        status, shown = answer(held, "confirm", text="Booked for Friday at 10:00.")
        assert status == 400 and "a doctor has seen" in shown
        assert "Booked for Friday at 10:00." in shown  # the words are kept
        assert rasa.payloads == []
        status, _ = answer(held, "confirm", text="Booked for Friday at 10:00.", doctor_seen="yes")
        assert status == 302
        _, _, shown = staff.request("GET", f"/staff/bookings/{held}")
        assert "Ticked: the client says a doctor has seen their scalp." in shown
        # The suggested answer's WHEN left in: refused, the words kept.
        status, shown = answer(plain, "propose", text="Would WHEN suit you?\n\nThanks, Sam")
        assert status == 400 and "Replace WHEN" in shown and "Would WHEN suit you?" in shown
        # Propose: sent with line breaks, and the client's next message answers the request.
        assert answer(plain, "propose", text="Would Monday at 5pm suit you?\n\n\nSam")[0] == 302
        assert rasa.payloads[-1] == [
            {"event": "bot", "text": from_staff("sam", "Would Monday at 5pm suit you?\n\nSam")},
            {"event": "slot", "name": "booking_reply_id", "value": float(plain)},
        ]
        # Decline: declined (not "cancelled", which is the client's own), then closed.
        assert answer(plain, "decline", text="Sorry, we are fully booked.")[0] == 302
        _, _, shown = staff.request("GET", f"/staff/bookings/{plain}")
        assert "(declined)" in shown and "takes no answer" in shown
        assert "Declined · by sam" in shown and "Another time proposed · by sam" in shown
        sent = len(rasa.payloads)
        status, shown = answer(plain, "confirm", text="Booked after all: Monday 5pm.")
        assert status == 400 and "declined: nothing was sent" in shown
        assert len(rasa.payloads) == sent

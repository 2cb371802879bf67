"""Salon operations through the running assistant: consent, returning clients, check-ins,
forget me, booking requests and the human handoff (REST channel + HTTP API + real SQLite)."""

from __future__ import annotations

import sqlite3
import time
import uuid

import pytest

from actions import booking
from actions import salon_actions as sa
from tests.conversations import erasure_answers
from tests.replies import handoff_told, reply

pytestmark = pytest.mark.e2e

ROUTINE = "Your at-home scalp facial:"


def _sender() -> str:
    return f"rest:salon-{uuid.uuid4().hex[:12]}"


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _rows(assistant, query: str, *args: object) -> list[tuple]:
    with sqlite3.connect(assistant.salon_database) as connection:
        return connection.execute(query, args).fetchall()


def _routine(assistant, sender: str) -> str:
    return _texts(assistant.say(sender, "oily scalp, flakes, not sensitive, i wash daily"))


def test_consent_checkin_and_returning_client(assistant) -> None:
    """Yes to storing: summary saved, check-in follows, next session asks how it went."""
    sender = _sender()
    first = _routine(assistant, sender)
    assert ROUTINE in first and reply(sa.CONSENT_QUESTION, days=30) in first
    assert reply(sa.CONSENT_THANKS) in _texts(assistant.say(sender, "yes"))
    [(concerns, routine_text)] = _rows(
        assistant,
        "SELECT s.concerns, s.routine_text FROM salon_consultation_summaries s "
        "JOIN salon_clients c ON c.id = s.client_id WHERE c.sender_id = ?",
        sender,
    )
    assert "oiliness" in concerns and routine_text.startswith(ROUTINE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        bot = [e.get("text") for e in assistant.tracker(sender)["events"] if e["event"] == "bot"]
        if reply(sa.CHECKIN) in bot:
            break
        time.sleep(1)
    else:
        pytest.fail("the check-in reminder never came")
    welcome = _texts(assistant.say(sender, "/session_start"))
    # Anyone can name a REST sender: no stored detail is shown there (the widget and the
    # messaging apps prove the owner; tests/unit/test_salon_actions.py).
    assert welcome.startswith(reply(sa.WELCOME_BACK_PLAIN)) and "oiliness" not in welcome
    thanks = _texts(assistant.say(sender, "it went well, my scalp feels less oily"))
    assert reply(sa.FEEDBACK_THANKS) in thanks
    [(feedback,)] = _rows(
        assistant,
        "SELECT s.feedback FROM salon_consultation_summaries s "
        "JOIN salon_clients c ON c.id = s.client_id WHERE c.sender_id = ?",
        sender,
    )
    assert feedback == "it went well, my scalp feels less oily"


def test_no_consent_stores_nothing(assistant) -> None:
    """A no is respected and the conversation goes on."""
    sender = _sender()
    _routine(assistant, sender)
    assert reply(sa.CONSENT_DECLINED, days=30) in _texts(assistant.say(sender, "no thanks"))
    assert _rows(assistant, "SELECT id FROM salon_clients WHERE sender_id = ?", sender) == []
    assert "automated assistant" in _texts(assistant.say(sender, "are you a bot?"))


@pytest.mark.parametrize(("answer", "erased"), erasure_answers())
def test_a_typed_answer_to_forget_me_is_its_answer(assistant, answer: str, erased: bool) -> None:
    """On WhatsApp the buttons are text: a typed answer erases (or keeps), never loops.

    The table (tests/data/erasure_answers.csv) holds the confirmations and refusals people
    type: "go for it", "👍", the button's title typed out, "no, keep it"...
    """
    sender = _sender()
    assistant.say(sender, "my scalp is oily")
    assert reply(sa.FORGET_QUESTION) in _texts(assistant.say(sender, "forget me"))
    answer_replies = _texts(assistant.say(sender, answer))
    assert reply(sa.FORGET_QUESTION) not in answer_replies
    assert (reply(sa.FORGOTTEN) in answer_replies) is erased
    assert (reply(sa.NOT_FORGOTTEN) in answer_replies) is not erased
    said = " ".join(e.get("text") or "" for e in assistant.tracker(sender)["events"])
    assert ("my scalp is oily" in said) is not erased


def test_forget_me_erases_the_conversation(assistant) -> None:
    """After 'forget me' the tracker shows none of the earlier messages."""
    sender = _sender()
    _routine(assistant, sender)
    assistant.say(sender, "yes")
    assert reply(sa.FORGET_QUESTION) in _texts(assistant.say(sender, "please delete my data"))
    assert reply(sa.FORGOTTEN) in _texts(assistant.say(sender, "yes"))
    events = assistant.tracker(sender)["events"]
    said = " ".join(e.get("text") or "" for e in events)
    assert "oily scalp" not in said and ROUTINE not in said
    assert "delete my data" not in said
    assert _rows(assistant, "SELECT id FROM salon_clients WHERE sender_id = ?", sender) == []
    with sqlite3.connect(assistant.database) as connection:
        stored = connection.execute(
            "SELECT data FROM events WHERE sender_id = ?", (sender,)
        ).fetchall()
    assert stored and not any("oily scalp" in row[0] for row in stored)
    assert "automated assistant" in _texts(assistant.say(sender, "are you a bot"))


def test_booking_request(assistant) -> None:
    """Service, times, name and a validated contact; stored as a request, with consent."""
    sender = _sender()
    first = _texts(assistant.say(sender, "i'd like to book a 45 minute head massage"))
    assert "Which days and times suit you?" in first
    times_reply = _texts(assistant.say(sender, "saturday morning"))
    assert "What name" in times_reply
    assert "How should the salon reach you" in _texts(assistant.say(sender, "Jane Doe"))
    assert reply(booking.CONTACT_REASK) in _texts(assistant.say(sender, "jane at example"))
    consent = _texts(assistant.say(sender, "jane@example.com"))
    assert reply(booking.BOOKING_NEEDS_CONSENT) in consent
    done = _texts(assistant.say(sender, "yes"))
    assert "not a confirmed appointment" in done and "45-minute" in done
    [(service, email, status, times)] = _rows(
        assistant,
        "SELECT b.service, b.email, b.status, b.preferred_times FROM salon_booking_requests b "
        "JOIN salon_clients c ON c.id = b.client_id WHERE c.sender_id = ?",
        sender,
    )
    assert (service, email, status, times) == (
        "head_only_45",
        "jane@example.com",
        "requested",
        "saturday morning",
    )
    [(booking_id,)] = _rows(
        assistant,
        "SELECT b.id FROM salon_booking_requests b "
        "JOIN salon_clients c ON c.id = b.client_id WHERE c.sender_id = ?",
        sender,
    )
    mail = _staff_mail(assistant, f"New booking request #{booking_id}:")
    assert "saturday morning" in mail.get_payload() and "jane" not in mail.get_payload()


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("what are your opening hours?", "is open"),
        ("where are you", "You'll find"),
        ("how much is a scalp facial?", "Scalp facial, 60 minutes"),
        ("whats ur phone number", "You can reach"),
    ],
)
def test_questions_about_the_salon_are_answered_from_its_profile(
    assistant, question: str, answer: str
) -> None:
    replies = _texts(assistant.say(_sender(), question))
    assert answer in replies and "{" not in replies


def test_a_client_cancels_their_booking_request_and_staff_are_told(assistant) -> None:
    sender = _sender()
    assistant.say(sender, "i'd like to book a 45 minute head massage")
    assistant.say(sender, "friday evening")
    assistant.say(sender, "Ana Lima")
    assistant.say(sender, "ana@example.com")
    assert "not a confirmed appointment" in _texts(assistant.say(sender, "yes"))
    asked = _texts(assistant.say(sender, "something came up, can i cancel my booking?"))
    assert "Shall I cancel your request" in asked and "friday evening" in asked
    assert "is cancelled" in _texts(assistant.say(sender, "yes cancel it"))
    [(booking_id, status)] = _rows(
        assistant,
        "SELECT b.id, b.status FROM salon_booking_requests b "
        "JOIN salon_clients c ON c.id = b.client_id WHERE c.sender_id = ?",
        sender,
    )
    assert status == "cancelled"
    _staff_mail(assistant, f"Booking request #{booking_id} cancelled by the client")
    # A question about the salon in the middle of a new booking: answered, then it goes on.
    assistant.say(sender, "can i book a scalp facial")
    mid = _texts(assistant.say(sender, "wait, where are you exactly?"))
    assert "You'll find" in mid and "Which days and times suit you?" in mid


def _staff_mail(assistant, subject: str, timeout: float = 20.0):
    """The e-mail to staff whose subject contains ``subject`` (the action server sends it)."""
    assert assistant.mailbox is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(assistant.mailbox.messages):
            if subject in message["Subject"]:
                return message
        time.sleep(0.2)
    pytest.fail(f"no staff e-mail with {subject!r} within {timeout}s")


def test_handoff_pauses_until_staff_hand_back(assistant) -> None:
    """The bot stays quiet while paused; staff reply and resume through the HTTP API."""
    sender = _sender()
    assistant.say(sender, "my scalp is itchy")
    told = _texts(assistant.say(sender, "can i talk to a real person"))
    assert handoff_told(told)  # roughly when a person answers, from salon.yml's hours
    assert assistant.say(sender, "hello? anyone there?") == []
    assistant.request(
        "POST",
        f"/conversations/{sender}/tracker/events?execute_side_effects=true&output_channel=latest",
        [{"event": "bot", "text": "Hi, this is Sam from the salon."}],
    )
    bot = [e.get("text") for e in assistant.tracker(sender)["events"] if e["event"] == "bot"]
    assert "Hi, this is Sam from the salon." in bot
    assert assistant.say(sender, "thanks sam") == []  # still paused until handed back
    assistant.request("POST", f"/conversations/{sender}/tracker/events", [{"event": "resume"}])
    assert "automated assistant" in _texts(assistant.say(sender, "are you a bot"))
    [(transcript,)] = _rows(
        assistant, "SELECT transcript FROM salon_handoff_requests WHERE sender_id = ?", sender
    )
    assert "client: my scalp is itchy" in transcript
    [(handoff_id,)] = _rows(
        assistant, "SELECT id FROM salon_handoff_requests WHERE sender_id = ?", sender
    )
    mail = _staff_mail(assistant, f"(handoff #{handoff_id})")
    assert "itchy" not in mail.get_payload() and sender not in mail.get_payload()


def test_feedback_from_a_first_time_visitor_starts_the_consultation(assistant) -> None:
    """Feedback-sounding words with no routine behind them start the consultation."""
    sender = _sender()
    answer = _texts(assistant.say(sender, "/routine_feedback"))
    assert reply(sa.FEEDBACK_NO_NOTES) not in answer and reply(sa.FEEDBACK_THANKS) not in answer
    assert "What's bothering you most about your scalp?" in answer
    tracker = assistant.tracker(sender)
    assert tracker["active_loop"].get("name") == "consultation_form"
    routine = _texts(assistant.say(sender, "oily roots and flakes, not sensitive, wash daily"))
    assert ROUTINE in routine

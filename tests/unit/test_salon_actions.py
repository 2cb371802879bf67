"""Salon glue: pure parsers as tables, then the actions against a real SQLite salon database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    ConversationPaused,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions import booking as bk
from actions import own_bookings as ob
from actions import salon_access
from actions import salon_actions as sa
from salon import db
from salon.models import Notification, ScheduledMessage
from salon.profile import profile
from salon.repository import SalonRepository
from scalpcare import referral as referral_texts
from scalpcare.contract import Referral
from tests.conftest import TrackerFactory
from tests.databases import fresh_database
from tests.replies import rendered, reply


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("i'd like a scalp facial", [], "scalp_facial"),
        ("the 45 min one", [], "head_only_45"),
        ("just a head massage please, the dedicated one", [], "head_only_45"),
        ("add a head massage to my body massage", [], "head_massage_add_on_20"),
        ("the 20 minute add-on", [], "head_massage_add_on_20"),
        ("whatever", ["head_only_45"], "head_only_45"),
        ('/request_booking{"service": "head_only_45"}', ["head_only_45"], "head_only_45"),
        ("whatever", ["bogus"], None),
        # A bare "head massage" does not say which of the two: the form asks.
        ("can I book a head massage?", ["head_only_45"], None),
        ("a head massage please", ["head_massage_add_on_20"], None),
        ("can i add on a head massage", ["head_massage_add_on_20"], "head_massage_add_on_20"),
        ("a dedicated head massage", ["head_only_45"], "head_only_45"),
        ("a head massage, the 45 min one", ["head_only_45"], "head_only_45"),
        ("book me a scalp facial", ["scalp_facial"], "scalp_facial"),
        ("something nice", [], None),
        # Described, not named: by length or by its place in the list offered.
        ("the long one i think", [], "head_only_45"),
        ("the shorter one", [], "head_massage_add_on_20"),
        ("the first one", [], "scalp_facial"),
    ],
)
def test_parse_service(text: str, entities: list[str], expected: str | None) -> None:
    """Entity values first, then words; unknown values never pass."""
    assert bk.parse_service(text, entities) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The request itself: only a service named counts, never a length or a place.
        ("can I book a head massage? had the longest week at work", None),
        ("can i book something for thursday? my hair is really long and thick", None),
        ("can i book the first available slot", None),
        ("can i book a scalp facial, my hair is long", "scalp_facial"),
        ("can i book the 45 minute head massage", "head_only_45"),
        ("Can I book the long head massage please", "head_only_45"),
        ("a quick head massage with my back massage", "head_massage_add_on_20"),
        ("actually can i book the long one, saturday morning", "head_only_45"),
        ("can i book the second option for friday", "head_massage_add_on_20"),
    ],
)
def test_parse_service_in_the_request(text: str, expected: str | None) -> None:
    """Before the services are offered, a description is not a choice."""
    assert bk.parse_service(text, [], described=False) == expected


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("Jane Doe", [], "Jane Doe"),
        ("it's Priya", [], "Priya"),
        ("my name is Tom O'Neil", [], "Tom O'Neil"),
        ("call me Zoë", [], "Zoë"),
        ("whatever", ["Ana"], "Ana"),
        ("Maria Lopez", ["Maria"], "Maria Lopez"),
        ("i'm maria lopez", ["maria"], "maria lopez"),
        ("book it for Ana please, thanks", ["Ana"], "Ana"),
        ("Jane Doe", ["Priya"], "Priya"),
        # a booking for someone else: "her" is no name
        ("it's for my mum, her birthday is on the 12th", ["her"], None),
        ("her", ["her"], None),
        ("12345", [], None),
        ("i don't want to say that to a bot right now honestly no", [], None),
        ("", [], None),
    ],
)
def test_parse_name(text: str, entities: list[str], expected: str | None) -> None:
    """Short name answers are taken; numbers and sentences are not names."""
    assert bk.parse_name(text, entities) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane.doe@example.com", "jane.doe@example.com"),
        ("my email is Jane@Example.COM.", "Jane@example.com"),
        ("+44 7700 900123", "+447700900123"),
        ("call me on (555) 123-4567", "5551234567"),
        ("janeexample.com", None),
        ("12", None),
        ("no thanks", None),
    ],
)
def test_parse_contact(text: str, expected: str | None) -> None:
    """A valid email or phone number, normalised; anything else is re-asked."""
    assert bk.parse_contact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tuesday afternoon", "tuesday afternoon"),
        ("  any   weekday after 5pm ", "any weekday after 5pm"),
        # asked in the request itself: the times, not the request
        ("can I book a scalp facial for Wednesday at 2pm?", "Wednesday at 2pm"),
        ("i'd like an appointment next friday morning please", "next friday morning"),
        ("saturday morning, 10ish", "saturday morning, 10ish"),
        ("/affirm", None),
        ("123", None),
        ("", None),
    ],
)
def test_parse_times(text: str, expected: str | None) -> None:
    """Any short real answer is a preferred time."""
    assert bk.parse_times(text) == expected


def test_transcript_and_concerns_text() -> None:
    """Staff see who said what; concerns read as words."""
    events = [
        {"event": "user", "text": "hi"},
        {"event": "bot", "text": "Hello"},
        {"event": "slot", "name": "x"},
    ]
    assert sa.transcript_of(events) == "client: hi\nassistant: Hello"
    assert rendered(sa.concerns_text(["oiliness", "flaking", "itch"])) == (
        "oiliness, flaking and itch"
    )
    assert rendered(sa.concerns_text([])) == "a healthy scalp"


@pytest.mark.parametrize(
    ("raw", "seconds"), [("", 7 * 24 * 3600), ("5", 5), ("0", 1), ("soon", 7 * 24 * 3600)]
)
def test_checkin_delay(monkeypatch: pytest.MonkeyPatch, raw: str, seconds: float) -> None:
    """The check-in delay comes from the environment, at least a second."""
    monkeypatch.setenv(sa.CHECKIN_DELAY_ENV, raw)
    assert sa.checkin_delay().total_seconds() == seconds


# ---------------------------------------------------------------------------
# Actions against a real salon database
# ---------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def salon_db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh, migrated salon database on SQLite and on the PostgreSQL server."""
    with fresh_database(request.param, tmp_path) as url:
        monkeypatch.setenv("SALON_DB_URL", url)
        db.upgrade(url)
        salon_access._engine.cache_clear()
        yield url
        for engine in list(_cached_engines()):
            engine.dispose()
        salon_access._engine.cache_clear()


def _cached_engines() -> Iterator[Any]:
    # lru_cache keeps the engines: dispose them so the database can be dropped.
    url = db.database_url()
    if salon_access._engine.cache_info().currsize:
        yield salon_access._engine(url)


def _rows(url: str, work: Any) -> Any:
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            return work(SalonRepository(session))
    finally:
        engine.dispose()


ROUTINE_SLOTS = {
    "concerns": ["oiliness"],
    "scalp_type": "oily",
    "sensitive_scalp": False,
    "referral": "none",
    "massage_max_minutes": 10.0,
    "massage_max_sessions_per_day": 1.0,
}


async def test_consent_stores_the_summary_and_schedules_the_checkin(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """Yes: consent and summary stored, the check-in scheduled in the salon database."""
    tracker = make_tracker("yes", "affirm", 1.0, slots={**ROUTINE_SLOTS, "consent_offered": True})
    before = datetime.now(timezone.utc)
    events = await sa.ActionGiveConsent().run(dispatcher, tracker, domain)
    assert events == [SlotSet("consent_offered", False), SlotSet("consent_given", True)]
    [checkin] = _rows(salon_db, lambda r: r.session.query(ScheduledMessage).all())
    assert (checkin.intent, checkin.status) == (sa.CHECKIN_INTENT, "scheduled")
    assert checkin.due_at - before >= sa.checkin_delay()
    summary = _rows(salon_db, lambda r: r.latest_summary("unknown", "test-user"))
    assert summary.concerns == ["oiliness"] and summary.scalp_type == "oily"
    assert dispatcher.messages[0]["text"] == reply(sa.CONSENT_THANKS)


async def test_no_consent_stores_nothing(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """No: nothing stored, and the user is told."""
    tracker = make_tracker("no", "deny", 1.0, slots={**ROUTINE_SLOTS, "consent_offered": True})
    events = await sa.ActionDeclineConsent().run(dispatcher, tracker, domain)
    assert events == [SlotSet("consent_offered", False), SlotSet("consent_given", False)]
    assert _rows(salon_db, lambda r: r.find_client("unknown", "test-user")) is None
    assert dispatcher.messages[0]["text"] == reply(sa.CONSENT_DECLINED, days=30)


async def test_offer_once_then_store_silently(
    salon_db: str, make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    """The routine asks for consent once; with consent it stores without asking."""
    assert await sa.offer_or_store_summary(dispatcher, make_tracker(slots=ROUTINE_SLOTS)) == [
        SlotSet("consent_offered", True)
    ]
    declined = make_tracker(slots={**ROUTINE_SLOTS, "consent_given": False})
    assert await sa.offer_or_store_summary(dispatcher, declined) == []
    _rows(salon_db, lambda r: r.give_consent("unknown", "test-user"))
    given = make_tracker(slots={**ROUTINE_SLOTS, "consent_given": True})
    assert await sa.offer_or_store_summary(dispatcher, given) == []
    assert _rows(salon_db, lambda r: r.latest_summary("unknown", "test-user")) is not None


async def test_returning_client_is_welcomed_with_their_notes(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """A new session restores a consented client's last consultation and asks how it went."""

    def seed(repo: SalonRepository) -> None:
        repo.give_consent("socketio", "test-user")
        repo.save_summary("socketio", "test-user", concerns=["itch"], scalp_type="dry")

    _rows(salon_db, seed)
    widget = make_tracker(input_channel="socketio")
    events = await sa.ActionSessionStart().run(dispatcher, widget, domain)
    assert dispatcher.messages[0]["text"] == reply(sa.WELCOME_BACK, what="itch")
    assert SlotSet("awaiting_feedback", True) in events
    assert SlotSet("concerns", ["itch"]) in events
    assert SlotSet("scalp_type", "dry") in events
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"
    feedback = make_tracker(
        "flakes are better, still itchy", "routine_feedback", 0.9, input_channel="socketio"
    )
    await sa.ActionRecordFeedback().run(dispatcher, feedback, domain)
    summary = _rows(salon_db, lambda r: r.latest_summary("socketio", "test-user"))
    assert summary.feedback == "flakes are better, still itchy"


async def test_a_claimable_channel_shows_nothing_stored_on_return(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """On REST anyone can name the sender: a plain welcome, nothing stored shown or restored."""

    def seed(repo: SalonRepository) -> None:
        repo.give_consent("rest", "test-user")
        repo.save_summary("rest", "test-user", concerns=["itch"], scalp_type="dry")

    _rows(salon_db, seed)
    events = await sa.ActionSessionStart().run(
        dispatcher, make_tracker(input_channel="rest"), domain
    )
    assert [m["text"] for m in dispatcher.messages] == [reply(sa.WELCOME_BACK_PLAIN)]
    assert not any(e.get("name") in ("concerns", "scalp_type") for e in events)


async def test_new_visitor_session_start(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """Nobody known: a plain session start that carries slots over."""
    events = await sa.ActionSessionStart().run(
        dispatcher, make_tracker(slots={"referral": "doctor"}), domain
    )
    assert dispatcher.messages == []
    assert events[0]["event"] == "session_started"
    assert SlotSet("referral", "doctor") in events


async def test_forget_me_erases_the_salon_rows(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """After erasure nothing about the sender is left in the salon database."""

    def seed(repo: SalonRepository) -> None:
        repo.give_consent("unknown", "test-user")
        repo.save_summary("unknown", "test-user", concerns=["itch"])

    _rows(salon_db, seed)
    events = await sa.ActionForgetMe().run(dispatcher, make_tracker("yes", "affirm"), domain)
    assert events == [AllSlotsReset(), SlotSet("forget_offered", False)]
    assert _rows(salon_db, lambda r: r.sender_known("test-user")) is False
    assert dispatcher.messages[0]["text"] == reply(sa.FORGOTTEN)


ASKED_TO_FORGET = [
    {"event": "user", "text": "forget me"},
    {"event": "bot", "text": "Shall I go ahead?", "metadata": {"utter_action": sa.FORGET_QUESTION}},
]


@pytest.mark.parametrize(
    ("text", "history", "expected"),
    [
        ("yes delete it", ASKED_TO_FORGET, [FollowupAction("action_forget_me")]),
        ("yes, delete everything", ASKED_TO_FORGET, [FollowupAction("action_forget_me")]),
        ("don't delete it", ASKED_TO_FORGET, [FollowupAction("action_keep_data")]),
        # a question back, or "delete" long after the question: ask (again)
        ("what gets deleted?", ASKED_TO_FORGET, [SlotSet("forget_offered", True)]),
        ("delete my data", ASKED_TO_FORGET[:1], [SlotSet("forget_offered", True)]),
    ],
)
async def test_a_typed_answer_to_the_forget_question_decides(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    history: list[dict[str, Any]],
    expected: list[Any],
) -> None:
    """Typed out, the answer reads as "forget me" again; right after the question it is
    the answer, never the same question once more."""
    tracker = make_tracker(text, "forget_me", 0.9, slots={"forget_offered": True}, history=history)
    events = await sa.ActionAskForget().run(dispatcher, tracker, domain)
    assert events == expected
    asked = [m["text"] for m in dispatcher.messages] == [reply(sa.FORGET_QUESTION)]
    assert asked is (expected == [SlotSet("forget_offered", True)])


async def test_handoff_records_the_conversation_and_pauses(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """The handoff is stored with the transcript; the bot pauses."""
    history = [{"event": "user", "text": "my scalp is oily"}, {"event": "bot", "text": "I see"}]
    tracker = make_tracker("can i talk to a person", "human_handoff", 0.99, history=history)
    events = await sa.ActionHandoff().run(dispatcher, tracker, domain)
    assert events == [ConversationPaused(), ActionExecuted("action_listen")]
    [handoff] = _rows(salon_db, lambda r: r.list_handoffs("open"))
    assert "client: my scalp is oily" in handoff.transcript
    assert handoff.reason == "can i talk to a person"
    # The client is told who answers and when; staff are notified in the same transaction.
    [told] = [m["text"] for m in dispatcher.messages]
    salon = profile()
    assert salon.hours is not None  # the project's salon.yml gives them per day
    assert told.startswith(f"I've asked the team at {salon.name} to take over this chat")
    assert ("is open until" in told) or ("is closed right now" in told)
    [note] = _rows(salon_db, lambda r: r.session.query(Notification).all())
    assert (note.kind, note.handoff_id, note.status) == ("handoff", handoff.id, "pending")


@pytest.mark.parametrize(
    ("moment", "response", "when"),
    [
        # Monday morning: closed all day, a person answers from Tuesday
        ("2026-12-07T10:30", sa.HANDOFF_CLOSED, "tomorrow at 9:00"),
        # Saturday evening: next open Tuesday
        ("2026-12-12T20:00", sa.HANDOFF_CLOSED, "Tuesday at 9:00"),
        # Tuesday before opening: today
        ("2026-12-08T07:00", sa.HANDOFF_CLOSED, "today at 9:00"),
        # Tuesday noon: open until 19:00
        ("2026-12-08T12:00", sa.HANDOFF_OPEN, "19:00"),
    ],
)
def test_the_client_is_told_roughly_when_a_person_answers(
    moment: str, response: str, when: str, domain: dict[str, Any]
) -> None:
    now = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
    told = sa.handoff_reply(profile(), now)
    assert told["response"] == response
    if response == sa.HANDOFF_OPEN:
        assert told["closes"] == when
    else:
        assert rendered(told["opens"]) == when and told["hours"] == profile().opening_hours


async def test_handoff_without_opening_hours_in_the_profile(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "salon.yml").write_text("name: Studio Nine\n", encoding="utf8")
    monkeypatch.setenv("SALON_PROFILE", str(tmp_path / "salon.yml"))
    tracker = make_tracker("a person please", "human_handoff", 0.99)
    await sa.ActionHandoff().run(dispatcher, tracker, domain)
    [told] = [m["text"] for m in dispatcher.messages]
    assert told == reply(sa.HANDOFF_NO_HOURS, salon="Studio Nine")
    assert "{" not in told


async def test_booking_needs_consent_then_is_a_request(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """Without consent it asks; with it the request is stored and called a request."""
    slots = {
        "booking_service": "head_only_45",
        "booking_times": "saturday morning",
        "booking_name": "Jane Doe",
        "booking_contact": "jane@example.com",
    }
    events = await bk.ActionSubmitBooking().run(dispatcher, make_tracker(slots=slots), domain)
    assert events == [SlotSet("consent_offered", True)]
    consent = make_tracker("yes", "affirm", slots={**slots, "consent_offered": True})
    events = await sa.ActionGiveConsent().run(dispatcher, consent, domain)
    assert SlotSet("booking_contact", None) in events
    assert not any(isinstance(e, dict) and e.get("event") == "reminder" for e in events)
    text = dispatcher.messages[-1]["text"]
    assert "not a confirmed appointment" in text and "45-minute" in text
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert booking.service == "head_only_45" and booking.email == "jane@example.com"
    assert booking.status == "requested"


@pytest.mark.parametrize(
    ("requested", "text", "entities", "expected", "reask"),
    [
        ("booking_contact", "jane@example.com", [], "jane@example.com", None),
        ("booking_contact", "jane at example", [], None, reply(bk.CONTACT_REASK)),
        ("booking_name", "it's Priya", [], "Priya", None),
        ("booking_name", "42", [], None, reply(bk.NAME_REASK)),
        ("booking_times", "weekday evenings", [], "weekday evenings", None),
        (
            "booking_times",
            "oh wait, saturday doesnt work after all, friday evening instead. name is Jo Patel",
            [],
            "oh wait, friday evening instead",
            None,
        ),
        ("booking_service", "the 45 minute one", [], "head_only_45", None),
        ("booking_service", "hmm", [], None, reply(bk.SERVICE_REASK)),
    ],
)
async def test_booking_validator(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    requested: str,
    text: str,
    entities: list[dict[str, Any]],
    expected: str | None,
    reask: str | None,
) -> None:
    """Each answer fills its slot or gets a clear re-ask."""
    tracker = make_tracker(
        text, "inform", 0.9, slots={"requested_slot": requested}, entities=entities
    )
    events = await bk.ValidateBookingForm().run(dispatcher, tracker, domain)
    assert SlotSet(requested, expected) in events
    assert [m["text"] for m in dispatcher.messages] == ([reask] if reask else [])


async def test_booking_validator_lets_interruptions_through(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A question mid-form is left to the rules."""
    tracker = make_tracker(
        "what is a scalp facial?", "faq", 0.9, slots={"requested_slot": "booking_name"}
    )
    assert await bk.ValidateBookingForm().run(dispatcher, tracker, domain) == []


def test_checkin_delay_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKIN_DELAY_SECONDS", "90")
    assert sa.checkin_delay() == timedelta(seconds=90)
    monkeypatch.setenv("CHECKIN_DELAY_SECONDS", "soon")
    assert sa.checkin_delay() == timedelta(days=7)


ROUTINE_GIVEN = [
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "oily, not sensitive, wash daily"},
    {"event": "action", "name": "consultation_form"},
    {"event": "action", "name": "action_give_routine"},
]


@pytest.mark.parametrize(
    ("slots", "history", "has_notes", "expected"),
    [
        # nothing to give feedback on: the message starts the consultation
        ({}, [], False, "consultation"),
        ({"awaiting_feedback": False}, [], False, "consultation"),
        # a routine earlier in this conversation, no notes kept (no consent)
        ({}, ROUTINE_GIVEN, False, reply(sa.FEEDBACK_NO_NOTES)),
        # the check-in asked, but the notes were erased meanwhile
        ({"awaiting_feedback": True}, [], False, reply(sa.FEEDBACK_NO_NOTES)),
        # notes kept: the feedback is added to them
        ({}, [], True, reply(sa.FEEDBACK_THANKS)),
        ({"awaiting_feedback": True}, [], True, reply(sa.FEEDBACK_THANKS)),
    ],
)
async def test_feedback_without_a_routine_starts_the_consultation(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    slots: dict[str, Any],
    history: list[dict[str, Any]],
    has_notes: bool,
    expected: str,
) -> None:
    """ "My scalp is still gross" from a first-time visitor is a description, not feedback."""
    if has_notes:

        def seed(repo: SalonRepository) -> None:
            repo.give_consent("unknown", "test-user")
            repo.save_summary("unknown", "test-user", concerns=["itch"], scalp_type="dry")

        _rows(salon_db, seed)
    tracker = make_tracker(
        "my scalp is still kinda gross", "routine_feedback", 0.8, slots=slots, history=history
    )
    events = await sa.ActionRecordFeedback().run(dispatcher, tracker, domain)
    if expected == "consultation":
        assert events == [FollowupAction("consultation_form")]
        assert dispatcher.messages == []
    else:
        assert [m["text"] for m in dispatcher.messages] == [expected]
        assert events == [SlotSet("awaiting_feedback", False)]


async def test_booking_under_a_referral_is_held_with_the_referral(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """While a dermatologist referral stands the request is explained, then held."""
    referred = {"referral": "dermatologist"}
    tracker = make_tracker("book a scalp facial", "request_booking", slots=referred)
    events = await bk.ValidateBookingForm().run(dispatcher, tracker, domain)
    assert SlotSet("booking_service", "scalp_facial") in events
    assert dispatcher.messages[0]["text"] == reply(bk.BOOKING_UNDER_REFERRAL, who="a dermatologist")
    slots = {
        **referred,
        "booking_service": "scalp_facial",
        "booking_times": "friday",
        "booking_name": "Jane Doe",
        "booking_contact": "jane@example.com",
        "consent_offered": True,
    }
    await sa.ActionGiveConsent().run(dispatcher, make_tracker("yes", "affirm", slots=slots), domain)
    assert "after a doctor has seen it" in dispatcher.messages[-1]["text"]
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert (booking.status, booking.referral) == ("held", "dermatologist")


async def test_the_hold_is_explained_once_and_not_without_a_referral(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Only when the form starts, and only under a dermatologist or urgent referral."""
    for slots in (
        {},
        {"referral": "doctor"},
        {"referral": "urgent", "requested_slot": "booking_name"},
    ):
        tracker = make_tracker("book a facial", "request_booking", slots=slots)
        await bk.ValidateBookingForm().run(dispatcher, tracker, domain)
    assert all(
        m.get("text") != reply(bk.BOOKING_UNDER_REFERRAL, who=w)
        for m in dispatcher.messages
        for w in ("a dermatologist", "a doctor or urgent care today")
    )


async def test_booking_keeps_what_was_said_before_its_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The day and the e-mail typed with the service answer are kept, not asked again."""
    tracker = make_tracker(
        "the long one i think, saturday morning, jo@example.com",
        "inform",
        0.9,
        slots={"requested_slot": "booking_service"},
    )
    events = await bk.ValidateBookingForm().run(dispatcher, tracker, domain)
    assert SlotSet("booking_service", "head_only_45") in events
    # the e-mail address is no preferred time
    assert SlotSet("booking_times", "the long one i think, saturday morning") in events
    assert SlotSet("booking_contact", "jo@example.com") in events
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "slots", "expected"),
    [
        # a correction replaces the answer given earlier
        (
            "hmm actually no sorry, i meant the 45 min head massage not the facial",
            {"booking_service": "scalp_facial"},
            SlotSet("booking_service", "head_only_45"),
        ),
        (
            "actually can we make it friday morning instead",
            {"booking_service": "scalp_facial", "booking_times": "saturday morning"},
            SlotSet("booking_times", "actually can we make it friday morning instead"),
        ),
        # without a correction, an answer already given stays
        (
            "the facial is for my sister, she prefers saturdays",
            {"booking_service": "head_only_45", "booking_times": "weekday evenings"},
            None,
        ),
    ],
)
async def test_a_correction_replaces_an_earlier_booking_answer(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    slots: dict[str, Any],
    expected: SlotSet | None,
) -> None:
    """ "I meant the 45 min one", "make it friday instead": the new answer counts."""
    tracker = make_tracker(text, "inform", 0.9, slots={**slots, "requested_slot": "booking_name"})
    events = await bk.ValidateBookingForm().run(dispatcher, tracker, domain)
    changed = [e for e in events if e["name"] in slots]
    assert changed == ([expected] if expected else [])


async def test_a_name_given_in_passing_is_kept_for_its_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "..., name's Maya Brooks" with the booking request: the name is not asked again."""
    tracker = make_tracker(
        "id like a scalp facial, saturday morning if poss, name's Maya Brooks",
        "request_booking",
        0.9,
        slots={"requested_slot": None},
    )
    events = await bk.ValidateBookingForm().run(dispatcher, tracker, domain)
    assert SlotSet("booking_name", "Maya Brooks") in events
    assert SlotSet("booking_times", "id like a scalp facial, saturday morning if poss") in events


@pytest.mark.parametrize(
    ("requested", "text", "slots", "expected"),
    [
        # a service named in answer to the days and times answers the service
        (
            "booking_times",
            "the long one i think",
            {"booking_service": "scalp_facial"},
            [SlotSet("booking_service", "head_only_45")],
        ),
        # days and times in answer to the name are the times, never a name
        (
            "booking_name",
            "sat morning",
            {"booking_service": "head_only_45"},
            [SlotSet("booking_times", "sat morning"), SlotSet("booking_name", None)],
        ),
        (
            "booking_name",
            "oh wait, friday evening instead. name is Jo Patel",
            {"booking_service": "head_only_45", "booking_times": "saturday morning"},
            [
                SlotSet("booking_times", "oh wait, friday evening instead"),
                SlotSet("booking_name", "Jo Patel"),
            ],
        ),
    ],
)
async def test_an_answer_to_another_question_fills_that_one(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    requested: str,
    text: str,
    slots: dict[str, Any],
    expected: list[SlotSet],
) -> None:
    """The question asked is asked again by the form, without a "sorry"."""
    tracker = make_tracker(text, "inform", 0.9, slots={**slots, "requested_slot": requested})
    events = await bk.ValidateBookingForm().run(dispatcher, tracker, domain)
    assert events == expected
    assert dispatcher.messages == []


def _action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def _loop(name: str | None) -> dict[str, Any]:
    return {"event": "active_loop", "name": name}


@pytest.mark.parametrize(
    ("events", "interrupted"),
    [
        # A consultation left for a booking is picked up again.
        (
            [_action("consultation_form"), _loop("consultation_form"), _loop(None)],
            True,
        ),
        # Skipping a question leaves it going; a real stop ends it.
        (
            [_loop("consultation_form"), _action("action_stop_or_skip"), _loop("booking_form")],
            True,
        ),
        ([_loop("consultation_form"), _action("action_stop_or_skip"), _loop(None)], False),
        # Finished, restarted, or never started.
        ([_loop("consultation_form"), _action("action_give_routine")], False),
        ([_loop("consultation_form"), {"event": "restart"}], False),
        ([_loop("booking_form")], False),
        ([], False),
    ],
)
def test_consultation_interrupted(events: list[dict[str, Any]], interrupted: bool) -> None:
    """Whether a booking interrupted a consultation that should now go on."""
    assert bk.consultation_interrupted(events) is interrupted


async def test_a_booking_mid_consultation_picks_the_consultation_up_again(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    salon_db: str,
) -> None:
    """After the request is sent, the consultation goes on where it was."""
    _rows(salon_db, lambda r: r.give_consent("unknown", "test-user"))
    slots = {
        "consent_given": True,
        "booking_service": "scalp_facial",
        "booking_times": "saturday",
        "booking_name": "Jo",
        "booking_contact": "jo@example.com",
    }
    history = [_loop("consultation_form"), _action("action_deactivate_loop"), _loop(None)]
    tracker = make_tracker("jo@example.com", "inform", 0.9, slots=slots, history=history)
    events = await bk.ActionSubmitBooking().run(dispatcher, tracker, domain)
    assert events[-1] == FollowupAction("consultation_form")
    assert dispatcher.messages[-1]["text"] == reply(bk.BACK_TO_CONSULTATION)


# ---------------------------------------------------------------------------
# A client cancels or changes their own booking request (actions/own_bookings.py)
# ---------------------------------------------------------------------------
def _book(url: str, sender: str = "test-user", channel: str = "unknown") -> int:
    def work(repo: SalonRepository) -> int:
        repo.give_consent(channel, sender)
        return repo.create_booking(
            channel,
            sender,
            "head_only_45",
            name="Ana",
            phone="07700900123",
            preferred_times="friday evening",
        ).id

    return _rows(url, work)


CLOSED = [
    SlotSet("cancel_offered", False),
    SlotSet("change_offered", False),
    SlotSet("cancel_booking_id", None),
]


async def test_cancelling_asks_about_the_newest_open_request_then_cancels_it(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    booking_id = _book(salon_db)
    tracker = make_tracker("can i cancel my booking", "cancel_booking", 0.95)
    events = await ob.ActionAskCancelBooking().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("change_offered", False),
        SlotSet("cancel_offered", True),
        SlotSet("cancel_booking_id", booking_id),
    ]
    service = profile().service("head_only_45").name
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.CANCEL_QUESTION, service=service, times="friday evening")
    ]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == [
        "Yes, cancel it",
        "No, keep it",
    ]

    dispatcher.messages.clear()
    slots = {"cancel_offered": True, "cancel_booking_id": float(booking_id)}
    yes = make_tracker("yes", "affirm", 0.99, slots=slots)
    events = await ob.ActionCancelBooking().run(dispatcher, yes, domain)
    assert events == CLOSED
    assert [m["text"] for m in dispatcher.messages] == [reply(ob.CANCELLED, service=service)]
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert booking.status == "cancelled"
    kinds = _rows(salon_db, lambda r: [n.kind for n in r.session.query(Notification).all()])
    assert kinds == ["booking", "booking_cancelled"]  # staff hear about both

    # Asked again: nothing open any more.
    dispatcher.messages.clear()
    events = await ob.ActionAskCancelBooking().run(dispatcher, tracker, domain)
    assert events == CLOSED
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.NOTHING_TO_CANCEL, contact=rendered(profile().contact))
    ]


@pytest.mark.parametrize("level", ["dermatologist", "urgent"])
async def test_asked_about_a_booking_under_a_referral_with_none_open(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    level: str,
) -> None:
    """'can i still come friday?' after a red flag stopped the booking: the referral first."""
    slots = {"referral": level, "own_referral": level}
    tracker = make_tracker("can i still come friday?", "change_booking", 0.9, slots=slots)
    events = await ob.ActionAskCancelBooking().run(dispatcher, tracker, domain)
    assert events == CLOSED
    who = rendered(referral_texts.WHO[Referral(level)])
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.NOTHING_OPEN_UNDER_REFERRAL, who=who, contact=rendered(profile().contact))
    ]


async def test_another_clients_request_is_never_cancelled(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    """A booking id from someone else's conversation, put in the slot, cancels nothing."""
    theirs = _book(salon_db, sender="someone-else")
    slots = {"cancel_offered": True, "cancel_booking_id": float(theirs)}
    tracker = make_tracker("yes", "affirm", 0.99, slots=slots)
    await ob.ActionCancelBooking().run(dispatcher, tracker, domain)
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.NOTHING_TO_CANCEL, contact=rendered(profile().contact))
    ]
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert booking.status == "requested"


async def test_asking_to_change_asks_for_the_new_time_then_changes_it(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    booking_id = _book(salon_db)
    tracker = make_tracker("can i reschedule my appointment", "cancel_booking", 0.95)
    events = await ob.ActionAskCancelBooking().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("cancel_offered", False),
        SlotSet("change_offered", True),
        SlotSet("cancel_booking_id", booking_id),
    ]
    service = profile().service("head_only_45").name
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.CHANGE_QUESTION, service=service, times="friday evening")
    ]

    dispatcher.messages.clear()
    slots = {"change_offered": True, "cancel_booking_id": float(booking_id)}
    answer = make_tracker("saturday morning, 10ish", "inform", 0.6, slots=slots)
    events = await ob.ActionChangeBooking().run(dispatcher, answer, domain)
    assert events == CLOSED
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.CHANGED, service=service, times="saturday morning, 10ish")
    ]
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert booking.preferred_times == "saturday morning, 10ish"
    assert booking.status == "requested"
    steps = _rows(
        salon_db, lambda r: [(e.event, e.by, e.note) for e in r.list_bookings()[0].events]
    )
    assert steps == [
        ("requested", "client", None),
        ("changed", "client", "saturday morning, 10ish"),
    ]
    kinds = _rows(salon_db, lambda r: [n.kind for n in r.session.query(Notification).all()])
    assert kinds == ["booking", "booking_changed"]  # staff hear about the change


async def test_a_change_with_its_new_time_is_made_at_once(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    _book(salon_db)
    text = "can we move my appointment to thursday afternoon"
    tracker = make_tracker(text, "cancel_booking", 0.95)
    events = await ob.ActionAskCancelBooking().run(dispatcher, tracker, domain)
    assert events == CLOSED
    service = profile().service("head_only_45").name
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.CHANGED, service=service, times="thursday afternoon")
    ]
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert booking.preferred_times == "thursday afternoon"


async def test_the_clients_answer_to_staff_is_kept_on_the_request(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    booking_id = _book(salon_db)
    slots = {"booking_reply_id": float(booking_id)}
    tracker = make_tracker("Thursday 17:30 is perfect, thanks", "thank", 0.7, slots=slots)
    events = await ob.ActionBookingReply().run(dispatcher, tracker, domain)
    assert events == [SlotSet("booking_reply_id", None)]
    assert [m["text"] for m in dispatcher.messages] == [reply(ob.REPLY_PASSED_ON)]
    steps = _rows(salon_db, lambda r: [(e.event, e.note) for e in r.list_bookings()[0].events])
    assert steps[-1] == ("replied", "Thursday 17:30 is perfect, thanks")
    kinds = _rows(salon_db, lambda r: [n.kind for n in r.session.query(Notification).all()])
    assert kinds == ["booking", "booking_reply"]


async def test_an_answer_about_a_declined_request_says_it_is_closed(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    booking_id = _book(salon_db)
    _rows(salon_db, lambda r: r.set_booking_status(booking_id, "cancelled"))
    slots = {"booking_reply_id": float(booking_id)}
    tracker = make_tracker("could you do next saturday instead?", "inform", 0.6, slots=slots)
    await ob.ActionBookingReply().run(dispatcher, tracker, domain)
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.REPLY_TO_CLOSED, contact=rendered(profile().contact))
    ]
    kinds = _rows(salon_db, lambda r: [n.kind for n in r.session.query(Notification).all()])
    assert kinds == ["booking"]  # kept in the history, but nobody is asked to answer


async def test_an_answer_about_another_clients_request_is_not_kept(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    theirs = _book(salon_db, sender="someone-else")
    tracker = make_tracker("ok", "affirm", 0.9, slots={"booking_reply_id": float(theirs)})
    await ob.ActionBookingReply().run(dispatcher, tracker, domain)
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.REPLY_NOT_PASSED_ON, contact=rendered(profile().contact))
    ]
    steps = _rows(salon_db, lambda r: [e.event for e in r.list_bookings()[0].events])
    assert steps == ["requested"]


async def test_another_clients_request_is_never_changed(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    theirs = _book(salon_db, sender="someone-else")
    slots = {"change_offered": True, "cancel_booking_id": float(theirs)}
    tracker = make_tracker("monday at 9am", "inform", 0.9, slots=slots)
    await ob.ActionChangeBooking().run(dispatcher, tracker, domain)
    assert [m["text"] for m in dispatcher.messages] == [
        reply(ob.NOTHING_TO_CANCEL, contact=rendered(profile().contact))
    ]
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert booking.preferred_times == "friday evening"


async def test_keeping_the_request_changes_nothing(
    salon_db: str,
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    _book(salon_db)
    tracker = make_tracker("no keep it", "deny", 0.99, slots={"cancel_offered": True})
    events = await ob.ActionKeepBooking().run(dispatcher, tracker, domain)
    assert events == CLOSED
    assert [m["text"] for m in dispatcher.messages] == [reply(ob.KEPT)]
    [booking] = _rows(salon_db, lambda r: r.list_bookings())
    assert booking.status == "requested"


async def test_stopping_a_booking_request_forgets_what_it_collected(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "I'll phone instead": nothing was sent, and the half-filled request is dropped."""
    slots = {"booking_service": "scalp_facial", "booking_times": "saturday morning"}
    tracker = make_tracker(
        "ok i'll just phone instead", "thank", 0.7, slots=slots, active_loop="booking_form"
    )
    events = await bk.ActionStopBooking().run(dispatcher, tracker, domain)
    assert ActiveLoop(None) in events and SlotSet("booking_service", None) in events
    assert [m["text"] for m in dispatcher.messages] == [reply(bk.BOOKING_STOPPED)]


def test_the_routine_kept_is_the_first_message_the_routine_action_sent(
    make_tracker: TrackerFactory,
) -> None:
    """Found by the action that sent it (staff may reword it), not the question after it."""
    tracker = make_tracker("yes", "affirm", 0.9)
    tracker.events[:0] = [
        {"event": "action", "name": "action_give_routine"},
        {"event": "bot", "text": "Your at-home scalp facial: ..."},
        {"event": "bot", "text": "Would you like the salon to keep a short note...?"},
        {"event": "action", "name": "action_listen"},
        {"event": "action", "name": "utter_youre_welcome"},
        {"event": "bot", "text": "You're welcome!"},
    ]
    assert sa.routine_sent(tracker) == "Your at-home scalp facial: ..."
    assert sa.routine_sent(make_tracker("hi", "greet", 0.9)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id like a scalp facial, saturday morning if poss, name's Maya Brooks", "Maya Brooks"),
        ("i want to book a scalp facial next tuesday after 6pm, im Lena, lena@example.com", "Lena"),
        ("Im Dana btw", "Dana"),
        ("hi I’m Aisha, can i book a head massage", "Aisha"),
        ("my name is Jo Patel", "Jo Patel"),
        # Not names: a day, a state, a relative, nothing capitalised.
        ("I'm Free on Saturday after 2", None),
        ("Im Not sure which one", None),
        ("I'm Friday afternoon any good", None),
        ("im free saturday", None),
        ("this is My mum's booking", None),
    ],
)
def test_introduced_name(text: str, expected: str | None) -> None:
    assert bk.introduced_name(text) == expected

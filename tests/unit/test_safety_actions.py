"""Safety actions with the real domain: the events they return and what they say."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.massage_limits import ActionMassageLimits
from actions.safety import (
    NO_SUMMARY,
    SAFETY_NET,
    ActionDeclineSummary,
    ActionReferralSummary,
    ActionSafetyNet,
    ActionTriage,
    concerns_said,
)
from addons.nlu.red_flags import triage_data
from scalpcare import referral, screening, triage
from tests.conftest import TrackerFactory
from tests.replies import rendered, reply, reply_buttons

#: The offer of a summary, as domain.yml words its buttons.
YES_NO_SUMMARY = [
    {"title": "Yes, a summary please", "payload": "/affirm"},
    {"title": "No thanks", "payload": "/deny"},
]


def _screened(text: str) -> dict[str, Any]:
    return {"triage": triage_data(triage.screen(text))}


def _user(text: str) -> list[dict[str, Any]]:
    return [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"text": text}},
    ]


async def test_triage_dermatologist_first_time(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A first dermatologist flag: referral, massage paused, summary offered."""
    text = "there are silvery scales all over my scalp"
    tracker = make_tracker(text, "describe_scalp", 0.9, parse_extra=_screened(text))
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "dermatologist"),
        SlotSet("own_referral", "dermatologist"),
        SlotSet("concerns", ["flaking"]),
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
        SlotSet("summary_offered", True),
    ]
    [message] = dispatcher.messages
    assert message["text"] == rendered(
        referral.triage_reply(triage.Referral.DERMATOLOGIST, ["silvery scales"])
    )
    assert message["buttons"] == YES_NO_SUMMARY == reply_buttons(referral.SUMMARY_OFFER)


@pytest.mark.parametrize(
    ("text", "model_signs", "iron"),
    [
        ("I think my daughter has lice, what do I do", (), False),
        ("i barely eat and my hair is coming out", ("deficiency",), True),
    ],
)
async def test_the_models_doctor_call_names_nutrients_only_with_a_deficiency_sign(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    model_signs: tuple[str, ...],
    iron: bool,
) -> None:
    """A doctor's call of the learned screener alone gets the general doctor's reply."""
    rules = triage.screen(text)
    result = screening.combine(rules, triage.Referral.DOCTOR, model_signs, {})
    data = triage_data(result, rules.level, {"level": "doctor", "probabilities": {}})
    tracker = make_tracker(text, "describe_scalp", 0.9, parse_extra={"triage": data})
    events = await ActionTriage().run(dispatcher, tracker, domain)
    said = dispatcher.messages[0]["text"]
    assert ("low iron" in said) is iron
    assert ("worth showing a doctor" in said) is not iron
    assert (SlotSet("nutrient_deficiency_suspected", True) in events) is iron


async def test_the_summary_offer_is_worded_by_the_domain(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The referral and its buttons come from the domain the action receives."""
    text = "there are silvery scales all over my scalp"
    tracker = make_tracker(text, "describe_scalp", 0.9, parse_extra=_screened(text))
    buttons = [{"title": "Oui", "payload": "/affirm"}, {"title": "Non", "payload": "/deny"}]
    reworded = {
        **domain,
        "responses": {
            **domain["responses"],
            referral.DERMATOLOGIST: [{"text": "See a dermatologist about{finding}."}],
            referral.SUMMARY_OFFER: [{"text": "Summary?", "buttons": buttons}],
        },
    }
    await ActionTriage().run(dispatcher, tracker, reworded)
    [message] = dispatcher.messages
    assert message["text"] == 'See a dermatologist about ("silvery scales").\nSummary?'
    assert message["buttons"] == buttons


async def test_triage_urgent_ends_an_active_form(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Urgent mid-form: the form ends, no summary offer, referral urgent."""
    text = "my scalp is hot and swollen and I've got a fever"
    tracker = make_tracker(
        text,
        "describe_scalp",
        0.9,
        parse_extra=_screened(text),
        active_loop="consultation_form",
        slots={"referral": "doctor"},
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "urgent"),
        SlotSet("own_referral", "urgent"),
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("summary_offered", False),
    ]
    assert dispatcher.messages[0]["text"].startswith("What you describe")
    assert "needs medical care now" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"] == []


async def test_triage_never_lowers_the_referral(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A nutrient context after a dermatologist referral keeps dermatologist."""
    text = "also i've been vegan for a year without really planning it"
    tracker = make_tracker(
        text,
        "describe_scalp",
        0.9,
        parse_extra=_screened(text),
        slots={"referral": "dermatologist"},
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "dermatologist"),
        SlotSet("own_referral", "dermatologist"),
        SlotSet("nutrient_deficiency_suspected", True),
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
        SlotSet("summary_offered", False),
    ]
    assert "still no exfoliation or massage" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("text", "offered_before", "still_offered"),
    [
        # A reminder at the same level: the offer not answered yet still stands.
        ("there are silvery scales all over my scalp", True, True),
        ("there are silvery scales all over my scalp", False, False),
        # Urgent care now: no summary offer stands.
        ("my scalp is hot and swollen and I've got a fever", True, False),
    ],
)
async def test_an_unanswered_summary_offer_stands_after_a_reminder(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    offered_before: bool,
    still_offered: bool,
) -> None:
    """ "yes please" a message after the reminder answers the offer made before it."""
    tracker = make_tracker(
        text,
        "describe_scalp",
        0.9,
        parse_extra=_screened(text),
        slots={"referral": "dermatologist", "summary_offered": offered_before},
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events[-1] == SlotSet("summary_offered", still_offered)


async def test_triage_doctor_level_keeps_the_form_going(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A nutrient context mid-form: doctor referral, the form is not ended."""
    text = "i had a baby 3 months ago and i'm shedding loads, i wash every 2 days"
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra=_screened(text), active_loop="consultation_form"
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("referral", "doctor"),
        SlotSet("own_referral", "doctor"),
        SlotSet("concerns", ["shedding"]),
        SlotSet("nutrient_deficiency_suspected", True),
        SlotSet("summary_offered", False),
    ]
    assert "blood test" in dispatcher.messages[0]["text"]


async def test_triage_screens_the_text_when_nlu_did_not(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Without the NLU property (e.g. an older model), the action screens itself."""
    tracker = make_tracker("i think i have psoriasis", "describe_scalp", 0.9)
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert SlotSet("referral", "dermatologist") in events


async def test_triage_on_a_benign_message_only_keeps_the_slot(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Nothing found: no message, referral unchanged."""
    tracker = make_tracker("no psoriasis, just dry", "describe_scalp", 0.9, slots={})
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events == [SlotSet("referral", "none"), SlotSet("own_referral", "none")]
    assert dispatcher.messages == []


async def test_summary_quotes_the_conversation(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The summary lists what, how long and what was tried, from all user turns."""
    history = [
        *_user("silvery scales on my scalp for 3 months"),
        *_user("i tried a tea tree shampoo"),
        *_user("/affirm"),
    ]
    tracker = make_tracker(
        "yes", "affirm", 1.0, history=history, slots={"referral": "dermatologist"}
    )
    events = await ActionReferralSummary().run(dispatcher, tracker, domain)
    assert events == [SlotSet("summary_offered", False)]
    text = dispatcher.messages[0]["text"]
    assert "- What I noticed: silvery scales" in text
    assert "- How long: for 3 months" in text
    assert "- What I've tried: a tea tree shampoo" in text
    assert "see a dermatologist" in text


async def test_decline_summary(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A no is accepted and the offer forgotten."""
    events = await ActionDeclineSummary().run(dispatcher, make_tracker("no", "deny"), domain)
    assert events == [SlotSet("summary_offered", False)]
    assert dispatcher.messages[0]["text"] == reply(NO_SUMMARY)


@pytest.mark.parametrize(
    ("text", "slots", "expected", "phrases"),
    [
        (
            "i massage my scalp 3x a day for 20 mins",
            {},
            (10.0, 1.0, True),
            ["Your limit: 5-10 minutes, at most 1 session a day", "goes past that"],
        ),
        (
            "how long should i massage my scalp",
            {},
            (10.0, 1.0, False),
            ["Your limit: 5-10 minutes", "45-minute head massages", "calmer or more sensitive"],
        ),
        (
            "i massage 5 minutes every evening",
            {"sensitive_scalp": True},
            (5.0, 1.0, False),
            ["Your limit: 5 minutes", "sounds within that limit"],
        ),
        (
            "i massage 5 minutes every evening",
            {"referral": "dermatologist"},
            (0.0, 0.0, True),
            ["Please pause scalp massage"],
        ),
    ],
)
async def test_massage_limits(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    slots: dict[str, Any],
    expected: tuple[float, float, bool],
    phrases: list[str],
) -> None:
    """The limit fills the contract slots and says its context."""
    tracker = make_tracker(text, "ask_massage_limits", 0.99, slots=slots)
    events = await ActionMassageLimits().run(dispatcher, tracker, domain)
    minutes, sessions, overuse = expected
    assert events == [
        SlotSet("massage_max_minutes", minutes),
        SlotSet("massage_max_sessions_per_day", sessions),
        SlotSet("massage_overuse", overuse),
    ]
    reply = dispatcher.messages[0]["text"]
    for phrase in phrases:
        assert phrase in reply


async def test_triage_records_the_referral_for_staff(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    salon_database: str,
) -> None:
    """A raised referral is recorded (anonymously without consent)."""
    from salon import db
    from salon.repository import SalonRepository

    text = "there's a round bald patch on my crown"
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra=_screened(text), sender_id="referral-user"
    )
    await ActionTriage().run(dispatcher, tracker, domain)
    engine = db.make_engine(salon_database)
    with db.session_scope(engine) as session:
        referrals = SalonRepository(session).list_referrals(level="dermatologist")
    engine.dispose()
    assert any("patchy_hair_loss" in (r.conditions or "") for r in referrals)


def _flagged(text: str) -> list[dict[str, Any]]:
    """A screened earlier user turn (its parse data has the screener's result)."""
    return [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"text": text, **_screened(text)}},
    ]


async def test_triage_combines_signs_across_turns(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Pus two turns ago and a fever now: urgent, naming both."""
    history = [*_flagged("a swollen bump on my scalp with pus in it"), *_flagged("thanks")]
    text = "btw i've had a temperature since last night"
    tracker = make_tracker(
        text,
        "inform",
        0.9,
        parse_extra=_screened(text),
        history=history,
        slots={"referral": "dermatologist"},
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events[0] == SlotSet("referral", "urgent")
    reply = dispatcher.messages[0]["text"]
    assert reply.startswith("A fever, together with")
    assert "pus or an oozing sore" in reply and "needs medical care now" in reply


async def test_triage_refers_another_person_in_their_words(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A husband's non-healing sore is referred for him, and says so."""
    text = "my husband has a sore on his scalp that won't heal"
    tracker = make_tracker(text, "describe_scalp", 0.9, parse_extra=_screened(text))
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events[0] == SlotSet("referral", "dermatologist")
    reply = dispatcher.messages[0]["text"]
    assert reply.startswith("What you describe for your husband (")
    assert "Until they've been seen" in reply
    child = "my daughter has a round bald spot on the back of her head"
    dispatcher.messages.clear()
    await ActionTriage().run(
        dispatcher, make_tracker(child, "describe_scalp", 0.9, parse_extra=_screened(child)), domain
    )
    assert "a doctor or dermatologist should look at" in dispatcher.messages[0]["text"]


async def test_triage_during_a_handoff_tells_staff(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    salon_database: str,
) -> None:
    """Paused for staff: the red flag is answered, staff are alerted, no summary offer."""
    from actions import salon_actions
    from salon import db
    from salon.repository import SalonRepository

    sender = "paused-user"
    handoff = make_tracker("can i talk to a person", "human_handoff", 0.99, sender_id=sender)
    await salon_actions.ActionHandoff().run(CollectingDispatcher(), handoff, domain)
    text = "my scalp is bleeding a lot and it won't stop"
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra=_screened(text), sender_id=sender, paused=True
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert SlotSet("referral", "urgent") in events
    assert SlotSet("summary_offered", False) in events
    [message] = dispatcher.messages
    assert "needs medical care now" in message["text"]
    assert message["text"].endswith("\n" + reply(referral.STAFF_TOLD))
    assert message["buttons"] == []
    engine = db.make_engine(salon_database)
    with db.session_scope(engine) as session:
        [open_handoff] = [
            h for h in SalonRepository(session).list_handoffs("open") if h.sender_id == sender
        ]
        assert open_handoff.alert.startswith("URGENT red flag while waiting: my scalp is bleeding")
    engine.dispose()


async def test_triage_records_the_concerns_of_the_same_message(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Itch and flaking said with the red flag are recorded in the contract's concerns."""
    text = "itchy and flaky, and there's a round bald patch on my crown"
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra=_screened(text), slots={"concerns": ["oiliness"]}
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert SlotSet("concerns", ["oiliness", "flaking", "itch", "shedding"]) in events


async def test_another_persons_red_flag_adds_nothing_to_the_clients_concerns(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The daughter's bald patch is hers: the client's concerns stay the client's."""
    text = "oh btw my daughter has a round bald patch the size of a coin"
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra=_screened(text), slots={"concerns": ["oiliness"]}
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert not [e for e in events if e.get("name") == "concerns"]
    assert "daughter" in dispatcher.messages[0]["text"]


async def test_another_persons_red_flag_leaves_the_clients_own_massage_and_booking(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The daughter is referred; the client's own referral, limits and bookings stay."""
    from actions.booking import referral_blocks_treatment

    text = "oh btw my daughter has a round bald patch the size of a coin"
    tracker = make_tracker(text, "describe_scalp", 0.9, parse_extra=_screened(text))
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert SlotSet("referral", "dermatologist") in events
    assert SlotSet("own_referral", "none") in events
    assert not [e for e in events if e.get("name") == "massage_max_minutes"]

    slots = {"referral": "dermatologist", "own_referral": "none"}
    question = make_tracker(
        "how long can i massage my own scalp?", "ask_massage_limits", 0.9, slots=slots
    )
    limits = CollectingDispatcher()
    events = await ActionMassageLimits().run(limits, question, domain)
    assert SlotSet("massage_max_minutes", 10.0) in events
    assert "paused" not in limits.messages[0]["text"]
    assert referral_blocks_treatment(question) is None

    # The client's own red flag afterwards pauses their massage and holds their booking.
    own = "and i've got a sore on my own scalp that won't heal"
    later = make_tracker(own, "describe_scalp", 0.9, parse_extra=_screened(own), slots=slots)
    events = await ActionTriage().run(CollectingDispatcher(), later, domain)
    assert SlotSet("own_referral", "dermatologist") in events
    assert SlotSet("massage_max_minutes", 0.0) in events
    held = make_tracker(
        "book a facial", "request_booking", 0.9, slots={**slots, "own_referral": "dermatologist"}
    )
    assert referral_blocks_treatment(held) is triage.Referral.DERMATOLOGIST


async def test_the_clients_own_red_flag_sets_both_referrals(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    text = "there's a round bald patch on my crown"
    tracker = make_tracker(text, "describe_scalp", 0.9, parse_extra=_screened(text))
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert SlotSet("referral", "dermatologist") in events
    assert SlotSet("own_referral", "dermatologist") in events
    assert SlotSet("massage_max_minutes", 0.0) in events


async def test_triage_in_another_language_gives_the_salons_phone(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A Spanish red flag: the urgent answer in English, then the English-only note."""
    from salon.profile import profile

    text = "Tengo fiebre, la cabeza hinchada y sale pus"
    tracker = make_tracker(text, "nlu_fallback", 0.2, parse_extra=_screened(text))
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert events[0] == SlotSet("referral", "urgent")
    said = dispatcher.messages[0]["text"]
    assert "needs medical care now" in said
    assert said.endswith("\n" + reply(referral.ENGLISH_ONLY, contact=rendered(profile().contact)))
    assert profile().phone in said


async def test_triage_on_a_models_finding_uses_plain_words(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A finding of the learned model has no words of the user's to quote."""
    text = "a bare smooth circle where my hair used to be"
    result = triage.ScreenResult(
        (triage.RedFlag("patchy_loss", triage.Referral.DERMATOLOGIST, "", 0, 0),),
        triage.Referral.DERMATOLOGIST,
        signs=("patchy_loss",),
    )
    tracker = make_tracker(
        text, "describe_scalp", 0.9, parse_extra={"triage": triage.result_data(result)}
    )
    await ActionTriage().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith(
        "What you describe (patchy or sudden hair loss) is something a dermatologist"
    )


async def test_summary_lists_the_concerns(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The appointment summary names the concerns recorded with the referral."""
    history = _flagged("round bald patch on my crown, itchy too")
    tracker = make_tracker(
        "yes",
        "affirm",
        1.0,
        history=history,
        slots={"referral": "dermatologist", "concerns": ["itch", "shedding"]},
    )
    await ActionReferralSummary().run(dispatcher, tracker, domain)
    assert "- Also bothering me: itching, shedding" in dispatcher.messages[0]["text"]


async def test_safety_net_says_when_to_get_care(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """An unrecognised symptom: what to watch for, today's doctor, and carry on."""
    tracker = make_tracker("idk it kinda hurts up there and theres a bump", "nlu_fallback", 0.3)
    events = await ActionSafetyNet().run(dispatcher, tracker, domain)
    assert events == []
    [message] = dispatcher.messages
    assert message["text"] == reply(SAFETY_NET, what='"hurts" and "bump"', note="")
    assert "buttons" not in message or not message["buttons"]
    assert ActionSafetyNet().name() in domain["actions"]


@pytest.mark.parametrize(
    ("text", "what", "foreign"),
    [
        ("something feels off up there", "how you feel", False),
        ("it hurts", '"hurts"', False),
        ("me duele mucho la cabeza y tengo fiebre", '"duele" and "fiebre"', True),
    ],
)
async def test_safety_net_words_what_and_the_note_from_the_domain(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    what: str,
    foreign: bool,
) -> None:
    """No symptom word: "how you feel"; another language: the English-only note below."""
    from salon.profile import profile

    await ActionSafetyNet().run(dispatcher, make_tracker(text, "nlu_fallback", 0.3), domain)
    contact = rendered(profile().contact)
    note = "\n" + reply(referral.ENGLISH_ONLY, contact=contact) if foreign else ""
    assert dispatcher.messages[0]["text"] == reply(SAFETY_NET, what=what, note=note)


async def test_overuse_stays_true_after_a_later_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "can I go longer with a tool?" after an over-the-limit habit keeps massage_overuse."""
    tracker = make_tracker(
        "can i go longer with a tool?",
        "ask_massage_limits",
        0.9,
        slots={"massage_overuse": True},
    )
    events = await ActionMassageLimits().run(dispatcher, tracker, domain)
    assert SlotSet("massage_overuse", True) in events


@pytest.mark.parametrize(
    ("before", "answered", "overuse"),
    [
        # "is that too much?" about the habit told before, answered or not
        ("i do 45 minutes every day because the salon does 45", False, True),
        ("i do 45 minutes every day because the salon does 45", True, True),
        ("i do 5 min every night", False, False),
        # nothing told before: nothing to check
        ("how long should i massage each day?", True, False),
    ],
)
async def test_is_that_too_much_checks_the_habit_told_before(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    before: str,
    answered: bool,
    overuse: bool,
) -> None:
    """The follow-up is about the habit told before it."""
    history = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": before},
        {"event": "action", "name": "action_massage_limits" if answered else "utter_default"},
    ]
    tracker = make_tracker("is that too much?", "ask_massage_limits", 0.9, history=history)
    events = await ActionMassageLimits().run(dispatcher, tracker, domain)
    assert SlotSet("massage_overuse", overuse) in events


@pytest.mark.parametrize(
    ("told", "minutes", "overuse"),
    [
        # sore after a massage within the limit: the sensitive scalp's limit
        ("i massage 5 min each night, gently", 5.0, False),
        ("i massage 10 min each night", 5.0, True),
    ],
)
async def test_sore_afterwards_gives_the_sensitive_limit(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    told: str,
    minutes: float,
    overuse: bool,
) -> None:
    """ "and if my scalp feels a bit sore the next day?" shortens and lightens the limit."""
    history = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": told},
        {"event": "action", "name": "action_massage_limits"},
    ]
    tracker = make_tracker(
        "and if my scalp feels a bit sore the next day?",
        "ask_massage_limits",
        0.9,
        history=history,
    )
    events = await ActionMassageLimits().run(dispatcher, tracker, domain)
    assert SlotSet("massage_max_minutes", minutes) in events
    assert SlotSet("massage_overuse", overuse) in events
    assert SlotSet("sensitive_scalp", True) in events


@pytest.mark.parametrize(
    "text",
    [
        # past the limit already: the excess explains the soreness, the limit stays
        "i brush really hard for twenty minutes every day, sometimes its red after",
        # a salon session's soreness is not the habit's
        "the therapist at the spa pressed hard, sore for two days. i do 10 min once a day",
    ],
)
async def test_soreness_explained_otherwise_keeps_the_limit(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
) -> None:
    """Sore after too much, or after the salon, is not a sensitive scalp's limit."""
    tracker = make_tracker(text, "ask_massage_limits", 0.9)
    events = await ActionMassageLimits().run(dispatcher, tracker, domain)
    assert SlotSet("massage_max_minutes", 10.0) in events
    assert SlotSet("sensitive_scalp", True) not in events


@pytest.mark.parametrize(
    ("told", "text", "before", "after"),
    [
        # a change proposed after the habit was told: answered, the told habit stands
        (
            "i do 5 min of circles every day before shampoo",
            "could i add another round at night when im stressed?",
            False,
            False,
        ),
        ("i massage 10 min once a day", "can i make it 20 min instead?", False, False),
        # and a habit past the limit stays past it
        ("i do 20 min twice a day", "can i make it 20 min instead?", True, True),
        # nothing told before: the question is what is known of the habit
        (None, "is it ok to massage when i wash and again at night?", False, True),
        ("how long should i massage each day?", "and again at night, is that ok?", False, True),
        # told: past the limit
        ("i massage 10 min once a day", "i've added another round at night", False, True),
    ],
)
async def test_a_proposed_change_leaves_the_told_habit(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    told: str | None,
    text: str,
    before: bool,
    after: bool,
) -> None:
    """ "could i add another round at night?" after a told habit within the limit asks."""
    history = (
        [
            {"event": "user", "text": told},
            {"event": "action", "name": "action_massage_limits"},
        ]
        if told
        else []
    )
    tracker = make_tracker(
        text, "ask_massage_limits", 0.9, slots={"massage_overuse": before}, history=history
    )
    events = await ActionMassageLimits().run(dispatcher, tracker, domain)
    assert SlotSet("massage_overuse", after) in events


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("how about with a silicone brush?", None),  # a tool asked about: no verdict
        ("is a scalp massager ok instead of fingertips?", None),
        ("i do 5 minutes a day with a silicone brush", "within"),
        ("i do 30 minutes three times a day with a silicone brush", "past"),
        ("i scratch it hard with my nails every night", "past"),  # nails: warned
    ],
)
async def test_a_tool_question_gets_no_verdict_on_the_habit(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    verdict: str | None,
) -> None:
    """Only a told habit is called within or past the limit, never a tool asked about."""
    await ActionMassageLimits().run(
        dispatcher, make_tracker(text, "ask_massage_limits", 0.9), domain
    )
    said = " ".join(m.get("text") or "" for m in dispatcher.messages)
    within = reply("utter_massage_within_limit") in said
    past = reply("utter_massage_past_limit") in said
    assert (within, past) == (verdict == "within", verdict == "past")


async def test_shedding_said_with_the_question_shortens_the_limit(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Shedding in the same message gets the shorter, gentler limit."""
    plain = make_tracker("how long should i massage my scalp?", "ask_massage_limits", 0.9)
    shedding = make_tracker(
        "my hair is shedding a lot, how long should i massage my scalp?", "ask_massage_limits", 0.9
    )
    [plain_minutes, *_] = await ActionMassageLimits().run(dispatcher, plain, domain)
    [shedding_minutes, *_] = await ActionMassageLimits().run(dispatcher, shedding, domain)
    assert shedding_minutes["value"] < plain_minutes["value"]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("my scalp burns with new products, how long can i massage it?", 5.0),
        ("my scalp is really sensitive, how often can I do a scalp massage", 5.0),
        ("my scalp isn't sensitive at all, how long can i massage?", 10.0),
        ("how long should i massage my scalp?", 10.0),
    ],
)
async def test_a_sensitive_scalp_said_with_the_question_gets_the_gentle_limit(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    minutes: float,
) -> None:
    """Sensitivity said in the same message counts, as the consultation's answer would."""
    tracker = make_tracker(text, "ask_massage_limits", 0.9)
    [max_minutes, *rest] = await ActionMassageLimits().run(dispatcher, tracker, domain)
    assert max_minutes["value"] == minutes
    # Said once, it is kept for the rest of the conversation (a contract slot).
    assert (SlotSet("sensitive_scalp", True) in rest) is (minutes == 5.0)


async def test_the_long_massage_block_is_said_once(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A second massage question gets the same limit in one line, not the whole block."""
    from actions.massage_limits import SELF_CHECK_INTRO
    from tests.replies import rendered

    first = make_tracker("how long should i massage my scalp?", "ask_massage_limits", 0.9)
    events = await ActionMassageLimits().run(dispatcher, first, domain)
    given = {e["name"]: e["value"] for e in events}
    assert rendered(SELF_CHECK_INTRO) in dispatcher.messages[0]["text"]
    again = make_tracker(
        "and is it ok to do it in the shower?",
        "ask_massage_limits",
        0.9,
        slots=given,
        history=[{"event": "action", "name": "action_massage_limits"}],
    )
    second = CollectingDispatcher()
    await ActionMassageLimits().run(second, again, domain)
    text = second.messages[0]["text"]
    assert text.startswith("As before:") and rendered(SELF_CHECK_INTRO) not in text
    assert len(text) < len(dispatcher.messages[0]["text"]) / 2


async def test_a_childs_summary_names_a_doctor_or_dermatologist(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """As the referral said for a child: a doctor or dermatologist, not only a dermatologist."""
    said = "my daughter has a round bald patch the size of a coin"
    history = [{"event": "user", "text": said, "parse_data": {"text": said, **_screened(said)}}]
    tracker = make_tracker(
        "yes pls", "affirm", 0.9, slots={"referral": "dermatologist"}, history=history
    )
    await ActionReferralSummary().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert "round bald patch" in text
    assert rendered(referral.WHO_FOR_CHILD) in text


@pytest.mark.parametrize(
    ("parse_situations", "answered"),
    [(["chemo"], []), ([], ["chemo"])],
)
async def test_during_chemotherapy_triage_sets_no_massage_limit(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    parse_situations: list[str],
    answered: list[str],
) -> None:
    """The referral stands; the massage is the oncology team's to allow, not paused by us."""
    text = "there's a round bald patch on my crown"
    tracker = make_tracker(
        text,
        "describe_scalp",
        0.9,
        parse_extra={**_screened(text), "situations": parse_situations},
        slots={"situations_answered": answered},
    )
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert SlotSet("referral", "dermatologist") in events
    assert not [e for e in events if e.get("name", "").startswith("massage_max")]


async def test_massage_limits_after_chemotherapy_point_to_the_oncology_team(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """No limit of ours (no slot set): the oncology team first, in a few words."""
    tracker = make_tracker(
        "how long can i massage my scalp every day?",
        "ask_massage_limits",
        0.95,
        slots={"situations_answered": ["chemo"]},
    )
    assert await ActionMassageLimits().run(dispatcher, tracker, domain) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_situation_chemo_again"
    assert "oncology team" in reply("utter_situation_chemo_again")


async def test_a_tool_asked_about_gets_the_tool_note(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "a massager or fingertips?": the tool matters less than the pressure; no habit read."""
    tracker = make_tracker("is a massager better than fingertips?", "ask_massage_limits", 0.9)
    await ActionMassageLimits().run(dispatcher, tracker, domain)
    assert "the pressure and the time matter, not the tool" in dispatcher.messages[0]["text"]
    habit = make_tracker("i use a massager 5 min a day", "ask_massage_limits", 0.9)
    told = CollectingDispatcher()
    await ActionMassageLimits().run(told, habit, domain)
    assert "not the tool" not in told.messages[0]["text"]


@pytest.mark.parametrize(
    ("messages", "recorded", "concerns"),
    [
        (["yes please, and it itches like mad"], ["flaking"], ("flaking", "itch")),
        (["my hair is coming out in clumps", "yes"], [], ("shedding",)),
        (["my mum has dandruff", "i have a bald patch"], [], ("shedding",)),
        (["no itch at all"], ["shedding"], ("shedding",)),
    ],
)
def test_the_summary_keeps_concerns_said_in_any_message(
    messages: list[str], recorded: list[str], concerns: tuple[str, ...]
) -> None:
    assert concerns_said(messages, recorded) == list(concerns)

"""The consultation glue: reading answers into slots, misses, corrections, the routine."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import consultation
from actions.consultation import (
    EXPLANATIONS,
    NO_ROUTINE_URGENT,
    ActionGiveRoutine,
    ValidateConsultationForm,
    read_message,
)
from actions.massage_limits import unanswered_messages
from actions.salon_actions import CONSENT_QUESTION
from scalpcare import routine
from scalpcare.consultation_parsing import ScalpFacts
from tests.conftest import TrackerFactory
from tests.replies import rendered, reply

NO_ENTITIES: dict[str, list[str]] = {}
NONE3 = (None, None, False)  # no scalp type, sensitivity unknown, not a "no concerns" answer

# text, intent, requested slot, NLU entities -> concerns, scalp type, sensitive, no-concerns
READ_CASES: list[tuple[str, str, str | None, dict[str, list[str]], set[str], Any, Any, bool]] = [
    ("yes", "affirm", "sensitive_scalp", NO_ENTITIES, set(), None, True, False),
    ("nope", "deny", "sensitive_scalp", NO_ENTITIES, set(), None, False, False),
    ("yes", "affirm", "concerns", NO_ENTITIES, set(), None, None, False),
    ("nothing really", "describe_scalp", "concerns", NO_ENTITIES, set(), None, None, True),
    ("no", "deny", "concerns", NO_ENTITIES, set(), None, None, True),
    ("not sure", "describe_scalp", "scalp_type", NO_ENTITIES, set(), "normal", None, False),
    # Unsure in other words: the gentle branch (sensitive), never "not sensitive".
    ("hmm no clue honestly", "deny", "sensitive_scalp", NO_ENTITIES, set(), None, True, False),
    ("haven't a clue", "deny", "sensitive_scalp", NO_ENTITIES, set(), None, True, False),
    ("couldn't tell you tbh", "chitchat", "sensitive_scalp", NO_ENTITIES, set(), None, True, False),
    ("never paid attention", "deny", "sensitive_scalp", NO_ENTITIES, set(), None, True, False),
    ("hard to say", "describe_scalp", "scalp_type", NO_ENTITIES, set(), "normal", None, False),
    # "maybe", "sometimes", "a bit": sensitive at times, the gentle branch; a denial stays one.
    ("erm maybe? sometimes", "chitchat", "sensitive_scalp", NO_ENTITIES, set(), None, True, False),
    ("a bit, with new shampoos", "describe_scalp", "sensitive_scalp", {}, set(), None, True, False),
    ("not even a bit", "deny", "sensitive_scalp", NO_ENTITIES, set(), None, False, False),
    ("maybe oily?", "describe_scalp", "scalp_type", NO_ENTITIES, {"oiliness"}, "oily", None, False),
    (
        '/describe_scalp{"scalp_type": "dry"}',
        "describe_scalp",
        "scalp_type",
        {"scalp_type": ["dry"]},
        set(),
        "dry",
        None,
        False,
    ),
    # The NLU found a concern the parser missed: kept, unless the parser saw it negated.
    (
        "my scalp is gunky",
        "describe_scalp",
        None,
        {"concern": ["buildup"]},
        {"buildup"},
        None,
        None,
        False,
    ),
    ("no flakes", "describe_scalp", None, {"concern": ["flaking"]}, set(), None, None, False),
    (
        "itchy and a bit flaky",
        "describe_scalp",
        "concerns",
        NO_ENTITIES,
        {"itch", "flaking"},
        None,
        None,
        False,
    ),
    # Unknown entity values never reach the slots.
    (
        "hmm",
        "describe_scalp",
        None,
        {"concern": ["bogus"], "scalp_type": ["weird"]},
        set(),
        None,
        None,
        False,
    ),
]


@pytest.mark.parametrize(
    ("text", "intent", "requested", "entities", "concerns", "scalp_type", "sensitive", "nothing"),
    READ_CASES,
)
def test_read_message(
    text: str,
    intent: str,
    requested: str | None,
    entities: dict[str, list[str]],
    concerns: set[str],
    scalp_type: str | None,
    sensitive: bool | None,
    nothing: bool,
) -> None:
    """Contextual short answers, NLU entities and negation combine as expected."""
    facts, no_concerns = read_message(text, intent, requested, entities)
    assert set(facts.concerns) == concerns
    assert facts.scalp_type == scalp_type
    assert facts.sensitive is sensitive
    assert no_concerns is nothing


def test_slot_events_only_for_changes() -> None:
    """Unchanged values make no events; concerns keep the contract order."""
    before = ScalpFacts(concerns=frozenset({"itch"}), scalp_type="dry")
    after = ScalpFacts(
        concerns=frozenset({"itch", "buildup"}),
        scalp_type="dry",
        sensitive=True,
        wash_frequency="daily",
        buildup_products=frozenset({"oils", "dry_shampoo"}),
        goal="relaxation",
    )
    assert consultation.slot_events(before, after, False) == [
        SlotSet("concerns", ["buildup", "itch"]),
        SlotSet("sensitive_scalp", True),
        SlotSet("wash_frequency", "daily"),
        SlotSet("buildup_products", ["dry_shampoo", "oils"]),
        SlotSet("goal", "relaxation"),
    ]
    assert consultation.slot_events(after, after, False) == []
    assert consultation.slot_events(ScalpFacts(), ScalpFacts(), True) == [SlotSet("concerns", [])]


@pytest.mark.parametrize(
    ("intent", "text", "requested", "expected"),
    [
        ("describe_scalp", "whatever", "concerns", True),
        ("affirm", "yes", "sensitive_scalp", True),
        ("faq", "buildup!! from hairspray", "concerns", True),
        ("faq", "yes it stings w new stuff", "sensitive_scalp", True),
        ("faq", "what does salicylic acid do for buildup?", "concerns", False),
        ("faq", "does dry shampoo cause buildup", "concerns", False),
        ("faq", "buildup from hairspray", "scalp_type", False),
        ("faq", "buildup from hairspray", None, False),
        ("ask_massage_limits", "i massage daily, scalp is oily", "scalp_type", False),
        ("bot_challenge", "oily. are you a bot", "scalp_type", False),
    ],
)
def test_is_answer(intent: str, text: str, requested: str | None, expected: bool) -> None:
    """A statement the FAQ selector grabbed still counts when it answers the question."""
    facts, nothing = read_message(text, intent, requested, {})
    assert consultation.is_answer(intent, text, requested, facts, nothing) is expected


@pytest.mark.parametrize(
    ("intent", "text", "requested", "expected"),
    [
        (
            "faq",
            "flaky and itchy. fyi a derm diagnosed seb derm, is the salicylic step ok?",
            "concerns",
            True,
        ),
        ("faq", "normal. oh and can i keep taking my biotin?", "scalp_type", True),
        # nothing of the question asked in it: asked again
        ("faq", "before i answer that - how many mcg of biotin is right?", "scalp_type", False),
        ("faq", "flaky and itchy, is biotin ok?", None, False),
    ],
)
def test_an_answer_beside_a_special_situation_is_read(
    intent: str, text: str, requested: str | None, expected: bool
) -> None:
    """The situation's answer took the question; the rest of the message is the answer."""
    facts, nothing = read_message(text, intent, requested, {}, unsure_answers=False)
    assert consultation.is_answer(intent, text, requested, facts, nothing, True) is expected


@pytest.mark.parametrize(
    ("events", "fresh"),
    [
        ([], True),
        ([{"event": "user"}], True),
        ([{"event": "user"}, {"event": "action", "name": "action_triage"}], True),
        ([{"event": "user"}, {"event": "action", "name": "action_special_situation"}], True),
        ([{"event": "user"}, {"event": "action", "name": "consultation_form"}], True),
        ([{"event": "user"}, {"event": "action", "name": "utter_faq"}], False),
        (
            [
                {"event": "user"},
                {"event": "action", "name": "action_massage_limits"},
                {"event": "slot", "name": "massage_overuse", "value": False},
            ],
            False,
        ),
        ([{"event": "action", "name": "utter_faq"}, {"event": "user"}], True),
    ],
)
def test_is_fresh_answer(events: list[dict[str, Any]], fresh: bool) -> None:
    """Only a message no other action answered is read as an answer."""
    assert consultation.is_fresh_answer(events) is fresh


@pytest.mark.parametrize(
    ("events", "answered"),
    [
        ([{"event": "user"}, {"event": "action", "name": "action_special_situation"}], True),
        (
            [
                {"event": "user"},
                {"event": "action", "name": "action_triage"},
                {"event": "action", "name": "action_special_situation"},
                {"event": "action", "name": "consultation_form"},
            ],
            True,
        ),
        ([{"event": "user"}, {"event": "action", "name": "action_triage"}], False),
        # said to an earlier message
        ([{"event": "action", "name": "action_special_situation"}, {"event": "user"}], False),
        ([], False),
    ],
)
def test_situation_answered_now(events: list[dict[str, Any]], answered: bool) -> None:
    """A dose question answered beside the form is no missed answer."""
    assert consultation.situation_answered_now(events) is answered


@pytest.mark.parametrize(
    ("before", "after", "note"),
    [
        (ScalpFacts(), ScalpFacts(scalp_type="oily"), None),
        (ScalpFacts(scalp_type="oily"), ScalpFacts(scalp_type="dry"), "scalp type is dry"),
        (ScalpFacts(sensitive=False), ScalpFacts(sensitive=True), "your scalp is sensitive"),
        (ScalpFacts(sensitive=True), ScalpFacts(sensitive=False), "not sensitive"),
        (ScalpFacts(concerns=frozenset({"flaking"})), ScalpFacts(), "no flaking"),
    ],
)
def test_correction_note(before: ScalpFacts, after: ScalpFacts, note: str | None) -> None:
    """A changed answer is acknowledged; a first answer is not."""
    got = consultation.correction_note(before, after)
    assert (got is None) if note is None else (got is not None and note in rendered(got))


@pytest.mark.parametrize(
    ("before", "after", "note"),
    [
        (ScalpFacts(sensitive=True), ScalpFacts(sensitive=False), "not sensitive"),
        (
            ScalpFacts(scalp_type="oily", sensitive=False, concerns=frozenset({"itch", "flaking"})),
            ScalpFacts(scalp_type="dry", sensitive=True),
            "scalp type is dry; your scalp is sensitive; no flaking or itch",
        ),
        (
            ScalpFacts(concerns=frozenset({"tension", "buildup", "shedding"})),
            ScalpFacts(concerns=frozenset({"tension"})),
            "no buildup or shedding",
        ),
        (
            ScalpFacts(scalp_type="normal", concerns=frozenset({"oiliness", "dryness", "itch"})),
            ScalpFacts(scalp_type="combination", concerns=frozenset({"itch"})),
            "scalp type is combination; no dryness or oiliness",
        ),
    ],
)
def test_correction_note_wording(before: ScalpFacts, after: ScalpFacts, note: str) -> None:
    """The whole note, worded by domain.yml: changes in a fixed order, concerns joined by "or"."""
    got = consultation.correction_note(before, after)
    assert got is not None
    assert rendered(got) == f"Got it, I've changed that: {note}."


def _form_tracker(
    make_tracker: TrackerFactory,
    text: str,
    intent: str = "describe_scalp",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Any:
    tracker = make_tracker(
        text, intent, 0.95, slots=slots or {}, entities=entities, active_loop="consultation_form"
    )
    return tracker


async def test_validator_fills_everything_said_at_once(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The first message fills every slot it speaks to; nothing is asked twice."""
    text = "dry shampoo every day, roots greasy by evening, not sensitive, i wash every other day"
    tracker = _form_tracker(make_tracker, text, slots={"requested_slot": None})
    events = await ValidateConsultationForm().run(dispatcher, tracker, domain)
    names = {e["name"]: e["value"] for e in events}
    assert "oiliness" in names["concerns"]
    assert names["scalp_type"] == "oily"
    assert names["sensitive_scalp"] is False
    assert names["wash_frequency"] == "every other day"
    assert names["buildup_products"] == ["dry_shampoo"]
    assert names["consultation_misses"] == 0
    assert dispatcher.messages == []


async def test_validator_counts_misses_and_explains_after_two(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Two unusable answers in a row: the question is explained, the count resets."""
    slots: dict[str, Any] = {"requested_slot": "wash_frequency"}
    first = await ValidateConsultationForm().run(
        dispatcher, _form_tracker(make_tracker, "banana", "nlu_fallback", slots), domain
    )
    assert first == [SlotSet("consultation_misses", 1.0)]
    assert [m["text"] for m in dispatcher.messages] == [reply("utter_answer_not_caught")]
    dispatcher.messages.clear()
    slots["consultation_misses"] = 1.0
    second = await ValidateConsultationForm().run(
        dispatcher, _form_tracker(make_tracker, "purple", "nlu_fallback", slots), domain
    )
    assert second == [SlotSet("consultation_misses", 0.0)]
    assert dispatcher.messages[0]["text"] == reply(EXPLANATIONS["wash_frequency"])


@pytest.mark.parametrize("intent", ["faq", "ask_massage_limits", "bot_challenge", "stop", "help"])
async def test_validator_leaves_interruptions_to_the_rules(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    intent: str,
) -> None:
    """No event for an interruption, so Rasa rejects the form and a rule answers."""
    tracker = _form_tracker(make_tracker, "my scalp is oily, what is a scalp facial", intent)
    assert await ValidateConsultationForm().run(dispatcher, tracker, domain) == []


async def test_validator_does_not_reread_when_resuming(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Coming back after an FAQ answer, the FAQ question is not read as an answer."""
    tracker = _form_tracker(make_tracker, "is an oily scalp bad", "describe_scalp")
    tracker.events.append({"event": "action", "name": "utter_faq"})
    assert await ValidateConsultationForm().run(dispatcher, tracker, domain) == []


async def test_validator_correction_is_acknowledged(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """'actually it's quite sensitive' flips the slot and says so."""
    slots = {"sensitive_scalp": False, "scalp_type": "oily", "concerns": ["oiliness"]}
    tracker = _form_tracker(make_tracker, "actually it's quite sensitive", slots=slots)
    events = await ValidateConsultationForm().run(dispatcher, tracker, domain)
    assert SlotSet("sensitive_scalp", True) in events
    assert "sensitive" in dispatcher.messages[0]["text"]


async def test_routine_for_a_complete_consultation(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The routine is the rendered builder output; the massage slots match it."""
    slots = {
        "concerns": ["itch"],
        "scalp_type": "dry",
        "sensitive_scalp": True,
        "wash_frequency": "every 2-3 days",
        "referral": "none",
    }
    events = await ActionGiveRoutine().run(dispatcher, make_tracker("", slots=slots), domain)
    profile = routine.Profile.from_values(
        concerns=["itch"], scalp_type="dry", sensitive=True, wash_frequency="every 2-3 days"
    )
    built = routine.build_routine(profile, 5.0)
    assert dispatcher.messages[0]["text"] == rendered(routine.render(built))
    assert events == [
        SlotSet("massage_max_minutes", 5.0),
        SlotSet("massage_max_sessions_per_day", 1.0),
        SlotSet("consent_offered", True),
    ]
    assert dispatcher.messages[1]["text"] == reply(CONSENT_QUESTION, days=30)


@pytest.mark.parametrize(
    ("referral", "minutes", "sessions"),
    [("none", 10.0, 1.0), ("doctor", 5.0, 1.0), ("dermatologist", 0.0, 0.0)],
)
async def test_routine_respects_the_referral(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    referral: str,
    minutes: float,
    sessions: float,
) -> None:
    """A doctor referral shortens massage; a dermatologist referral pauses it."""
    slots = {
        "concerns": ["oiliness"],
        "scalp_type": "oily",
        "sensitive_scalp": False,
        "referral": referral,
        "consent_given": False,
    }
    if referral == "doctor":
        slots["nutrient_deficiency_suspected"] = True
    events = await ActionGiveRoutine().run(dispatcher, make_tracker("", slots=slots), domain)
    assert events == [
        SlotSet("massage_max_minutes", minutes),
        SlotSet("massage_max_sessions_per_day", sessions),
    ]


async def test_no_routine_when_care_is_urgent(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Urgent: no routine at all."""
    slots = {"concerns": ["oiliness"], "referral": "urgent"}
    events = await ActionGiveRoutine().run(dispatcher, make_tracker("", slots=slots), domain)
    assert dispatcher.messages[0]["text"] == reply(NO_ROUTINE_URGENT)
    assert events == [
        SlotSet("massage_max_minutes", 0.0),
        SlotSet("massage_max_sessions_per_day", 0.0),
    ]


async def test_routine_is_stored_for_a_client_who_consented(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    salon_database: str,
) -> None:
    """With consent given earlier, the routine and its limits are saved without asking."""
    from salon import db
    from salon.repository import SalonRepository

    engine = db.make_engine(salon_database)
    with db.session_scope(engine) as session:
        SalonRepository(session).give_consent("unknown", "consented-user")
    slots = {
        "concerns": ["itch"],
        "scalp_type": "dry",
        "sensitive_scalp": False,
        "consent_given": True,
    }
    tracker = make_tracker("", slots=slots, sender_id="consented-user")
    events = await ActionGiveRoutine().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("massage_max_minutes", 10.0),
        SlotSet("massage_max_sessions_per_day", 1.0),
    ]
    with db.session_scope(engine) as session:
        summary = SalonRepository(session).latest_summary("unknown", "consented-user")
    engine.dispose()
    assert summary is not None
    assert summary.routine_text == dispatcher.messages[0]["text"]
    assert summary.massage_max_minutes == 10.0
    assert summary.concerns == ["itch"]


async def test_a_situation_answered_instead_is_no_miss(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A dose question got the medicine answer: the question comes again, without a miss."""
    tracker = _form_tracker(
        make_tracker,
        "how many of the iron tablets should i be taking",
        "nlu_fallback",
        {"requested_slot": "scalp_type", "consultation_misses": 1.0},
    )
    tracker.events.append({"event": "action", "name": "action_special_situation"})
    events = await ValidateConsultationForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("consultation_misses", 1.0)]
    assert dispatcher.messages == []


def _slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def _ran(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


ROUTINE_SLOTS = {
    "concerns": ["oiliness", "buildup"],
    "scalp_type": "oily",
    "sensitive_scalp": False,
    "wash_frequency": "every 2 days",
}
GIVEN = [*(_slot(k, v) for k, v in ROUTINE_SLOTS.items()), _ran("action_give_routine")]


@pytest.mark.parametrize(
    ("events", "slots", "expected"),
    [
        # Given, nothing changed since (a list in another order is the same list).
        (GIVEN, ROUTINE_SLOTS, True),
        (GIVEN, {**ROUTINE_SLOTS, "concerns": ["buildup", "oiliness"]}, True),
        # Something new: a concern, a pregnancy answered, a referral.
        (GIVEN, {**ROUTINE_SLOTS, "concerns": ["oiliness", "buildup", "itch"]}, False),
        (GIVEN, {**ROUTINE_SLOTS, "situations_answered": ["pregnancy"]}, False),
        (GIVEN, {**ROUTINE_SLOTS, "referral": "doctor"}, False),
        # Never given, or given in an earlier session.
        (GIVEN[:-1], ROUTINE_SLOTS, False),
        ([*GIVEN, _ran("action_session_start")], ROUTINE_SLOTS, False),
    ],
)
def test_routine_given_unchanged(
    events: list[dict[str, Any]], slots: dict[str, Any], expected: bool
) -> None:
    assert consultation.routine_given_unchanged(events, slots) is expected


@pytest.mark.parametrize(
    ("intent", "text", "expected"),
    [
        ("describe_scalp", "thanks! my scalp is oily btw", False),
        ("describe_scalp", "ok so for my oily scalp what do i do first?", False),
        ("describe_scalp", "sorry can you send me the routine again? closed the tab", True),
        ("describe_scalp", "what were the steps", True),
        ("start_consultation", "can i get a scalp routine", True),
    ],
)
def test_asks_for_routine(intent: str, text: str, expected: bool) -> None:
    assert consultation.asks_for_routine(intent, text) is expected


async def test_the_routine_is_not_sent_again_unasked_when_nothing_changed(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """'thanks! my scalp is oily btw' after the routine: a short note, not the block again."""
    tracker = make_tracker(
        "thanks! my scalp is oily btw", "describe_scalp", slots=ROUTINE_SLOTS, history=GIVEN
    )
    events = await ActionGiveRoutine().run(dispatcher, tracker, domain)
    assert events == []
    assert len(dispatcher.messages) == 1
    assert dispatcher.messages[0]["text"] in {
        v["text"] for v in domain["responses"]["utter_routine_unchanged"]
    }


async def test_the_routine_asked_for_again_is_sent_again(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(
        "sorry can you send me the routine again?",
        "describe_scalp",
        slots=ROUTINE_SLOTS,
        history=GIVEN,
    )
    await ActionGiveRoutine().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("Your at-home scalp facial")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it varies tbh, depends on the week", True),
        ("no idea, i dont really keep track", True),
        ("all over the place honestly", True),
        ("no set routine", True),
        ("every 2 days", False),
        ("twice a week, dry shampoo in between", False),
        ("daily", False),
    ],
)
def test_no_set_frequency(text: str, expected: bool) -> None:
    assert consultation.no_set_frequency(text) is expected


async def test_a_wash_frequency_that_varies_goes_on_without_it(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """ "it varies, depends on the week": not asked again, the consultation completes."""
    slots = {
        "concerns": ["itch", "dryness"],
        "scalp_type": "dry",
        "sensitive_scalp": False,
        "requested_slot": "wash_frequency",
    }
    tracker = make_tracker("it varies tbh, depends on the week", "describe_scalp", slots=slots)
    events = await consultation.ValidateConsultationForm().run(dispatcher, tracker, domain)
    assert SlotSet("consultation_skipped", ["wash_frequency"]) in events
    assert SlotSet("requested_slot", None) in events
    assert not dispatcher.messages  # no "I didn't catch that", no question again


async def test_a_habit_told_in_the_consultation_is_checked_with_the_routine(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A habit past the limit told inside a form answer: said with the routine, and kept."""
    history = [
        {"event": "user", "text": "hi can i get a routine please"},
        {"event": "action", "name": "consultation_form"},
        {"event": "user", "text": "oily. also i use a silicone massager 3 times a day"},
        {"event": "action", "name": "consultation_form"},
        # answered by the limits already: its own check stands, not counted again
        {"event": "user", "text": "and i massage for 40 min at night"},
        {"event": "action", "name": "action_massage_limits"},
    ]
    slots = {"concerns": ["oiliness"], "scalp_type": "oily", "sensitive_scalp": False}
    slots["consent_given"] = False
    tracker = make_tracker("", slots=slots, history=history)
    events = await ActionGiveRoutine().run(dispatcher, tracker, domain)
    assert SlotSet("massage_overuse", True) in events
    assert "goes past that" in dispatcher.messages[1]["text"]
    assert unanswered_messages(history) == [
        "hi can i get a routine please",
        "oily. also i use a silicone massager 3 times a day",
    ]

"""The special-situation action with the real domain: what it says and remembers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.situations import ActionSpecialSituation
from salon import profile as salon_profile
from tests.conftest import TrackerFactory
from tests.content_rules import BRAND_PATTERNS


def assert_follows_content_rules(text: str) -> None:
    """No brand, no dose (a number with a unit) in a reply."""
    assert not any(re.search(p, text, re.IGNORECASE) for p in BRAND_PATTERNS)
    assert not re.search(r"\d\s*(?:mg|mcg|iu|µg)\b", text, re.IGNORECASE)


async def test_chemotherapy_gets_the_oncology_answer_once(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Chemotherapy: the oncology team first, no deficiency guess, remembered as answered."""
    text = "I'm on chemo and my hair is falling out, can I have a scalp massage?"
    tracker = make_tracker(text, "ask_massage_limits", 0.9)
    events = await ActionSpecialSituation().run(dispatcher, tracker, domain)
    assert events == [SlotSet("situations_answered", ["chemo"])]
    [message] = dispatcher.messages
    assert "oncology team" in message["text"]
    assert "deficien" not in message["text"]
    assert salon_profile.profile().phone in message["text"]
    assert_follows_content_rules(message["text"])

    again = make_tracker(text, "ask_massage_limits", 0.9, slots={"situations_answered": ["chemo"]})
    quiet = CollectingDispatcher()
    assert await ActionSpecialSituation().run(quiet, again, domain) == []
    assert quiet.messages == []


async def test_a_crisis_gets_emergency_and_crisis_lines_first(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """A crisis: the emergency number and the crisis line, then the distress answer."""
    tracker = make_tracker("my hair is gone and i want to die", "nlu_fallback", 0.3)
    events = await ActionSpecialSituation().run(dispatcher, tracker, domain)
    assert events == [SlotSet("situations_answered", ["crisis", "distress"])]
    crisis, distress = (m["text"] for m in dispatcher.messages)
    salon = salon_profile.profile()
    assert salon.emergency_number in crisis and salon.crisis_line in crisis
    assert "GP" in distress and salon.crisis_line in distress


async def test_a_medicine_question_is_answered_every_time(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Doses are never advised: the doctor or pharmacist, and no scrubbing meanwhile."""
    tracker = make_tracker(
        "how much iron should i take", "faq", 0.8, slots={"situations_answered": ["medicine"]}
    )
    events = await ActionSpecialSituation().run(dispatcher, tracker, domain)
    assert events == []
    [message] = dispatcher.messages
    assert "pharmacist" in message["text"] and "scrub" in message["text"]
    assert_follows_content_rules(message["text"])


async def test_another_language_gets_the_salons_phone(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Spanish: English only for now, and the salon's phone."""
    tracker = make_tracker("hola, tengo mucha caspa", "nlu_fallback", 0.2)
    await ActionSpecialSituation().run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert "English" in message["text"]
    assert salon_profile.profile().phone in message["text"]


async def test_without_a_crisis_line_the_profile_still_points_somewhere(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    tmp_path: Any,
    monkeypatch: Any,
) -> None:
    """A salon whose profile names no numbers still gives a real pointer, never a blank."""
    bare = tmp_path / "salon.yml"
    bare.write_text("name: Another Salon\n", encoding="utf8")
    monkeypatch.setenv(salon_profile.ENV_VAR, str(bare))
    tracker = make_tracker("i don't want to live anymore, my hair is all gone", "nlu_fallback")
    await ActionSpecialSituation().run(dispatcher, tracker, domain)
    crisis = dispatcher.messages[0]["text"]
    assert "your local emergency number" in crisis and "crisis line" in crisis


async def test_an_answer_ends_the_two_stage_fallback(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Answering a situation while "did you mean...?" was pending closes that loop."""
    from rasa_sdk.events import ActiveLoop

    tracker = make_tracker(
        "فروة رأسي جافة", "nlu_fallback", 0.2, active_loop="action_two_stage_fallback"
    )
    events = await ActionSpecialSituation().run(dispatcher, tracker, domain)
    assert events[0] == ActiveLoop(None)


CRISIS_TURN = [
    {"event": "user", "text": "i've thought about ending my life because of my hair"},
    {"event": "action", "name": "action_special_situation"},
    {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_situation_crisis"}},
    {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_situation_distress"}},
]


@pytest.mark.parametrize(
    ("text", "intent", "again"),
    [
        ("i dont know. i just needed to tell someone", "human_handoff", True),
        ("ok", "affirm", True),
        ("thanks", "thank", True),
        # a new topic goes where the client takes it
        ("can you give me a scalp routine", "start_consultation", False),
    ],
)
async def test_a_reply_to_the_crisis_answer_gets_the_lines_again(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    intent: str,
    again: bool,
) -> None:
    """Once, in a few words: the crisis line and the emergency number come first."""
    slots = {"situations_answered": ["crisis", "distress"]}
    tracker = make_tracker(text, intent, 0.6, slots=slots, history=CRISIS_TURN)
    await ActionSpecialSituation().run(dispatcher, tracker, domain)
    said = [m["text"] for m in dispatcher.messages]
    salon = salon_profile.profile()
    if again:
        [text_again] = said
        assert salon.emergency_number in text_again and salon.crisis_line in text_again
    else:
        assert said == []


@pytest.mark.parametrize(
    ("replies", "intent", "expected"),
    [
        (["utter_situation_crisis", "utter_situation_distress"], "human_handoff", True),
        (["utter_situation_crisis"], "nlu_fallback", True),
        # once only: after the lines said again, the conversation goes on
        (["utter_situation_crisis_again"], "human_handoff", False),
        (["utter_situation_distress"], "human_handoff", False),
        (["utter_situation_crisis"], "request_booking", False),
    ],
)
def test_crisis_continues(replies: list[str], intent: str, expected: bool) -> None:
    from scalpcare.situations import crisis_continues

    assert crisis_continues(replies, intent) is expected


def test_previous_turn_replies_reads_back_to_the_user_message_before() -> None:
    from scalpcare.situations import previous_turn_replies

    events = [
        {"event": "bot", "metadata": {"utter_action": "utter_greet"}},
        *CRISIS_TURN,
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "i just needed to tell someone"},
    ]
    assert previous_turn_replies(reversed(events)) == [
        "utter_situation_distress",
        "utter_situation_crisis",
    ]


@pytest.mark.parametrize(
    ("text", "answered", "expected"),
    [
        ("and if i put a few drops of rosemary oil in with it?", ["pregnancy"], True),
        ("is the exfoliating bit ok for me tho being pregnant?", ["pregnancy"], True),
        ("is it the massage itself or the products that are the worry", ["pregnancy"], True),
        # no question about oils, actives or treatments; or no pregnancy in the conversation
        ("i only do 5 mins with my fingertips before bed", ["pregnancy"], False),
        ("thanks so much", ["pregnancy"], False),
        ("and if i put a few drops of rosemary oil in with it?", [], False),
        # "ok" opening a sentence asks nothing; a booking asked for is the booking's
        (
            "ok ill check. can i book the scalp facial for a thursday afternoon",
            ["pregnancy"],
            False,
        ),
        ("ok so is the facial fine for me", ["pregnancy"], True),
        # hair colour in any form, asked as a comparison, a tag question or an opening
        ("what about a wash in wash out rinse, that's gentler isnt it", ["pregnancy"], True),
        ("would a semi permanent be safer", ["pregnancy"], True),
        ("is the toner ok", ["pregnancy"], True),
        ("what about henna", ["pregnancy"], True),
        ("my colour fades so fast lately", ["pregnancy"], False),
        ("i use rosemary oil every day", ["pregnancy"], False),
    ],
)
def test_pregnancy_reminder(text: str, answered: list[str], expected: bool) -> None:
    from scalpcare.situations import pregnancy_reminder

    assert pregnancy_reminder(text, answered) is expected


async def test_a_later_question_about_oils_gets_the_pregnancy_reminder(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """The full pregnancy answer is not said again, but its point is."""
    slots = {"situations_answered": ["pregnancy"]}
    tracker = make_tracker("what about rosemary oil, is that ok?", "faq", 0.8, slots=slots)
    events = await ActionSpecialSituation().run(dispatcher, tracker, domain)
    [said] = [m["text"] for m in dispatcher.messages]
    assert "midwife or doctor" in said
    assert not any(
        getattr(e, "get", lambda _: None)("name") == "situations_answered" for e in events
    )


def test_the_intents_the_decisions_name_are_the_domains(domain: dict[str, Any]) -> None:
    """A misspelt intent name would make a rule silently never fire."""
    from addons.policies import context_policy, triage_policy
    from scalpcare import situations

    known = set(domain["intents"]) | {"nlu_fallback"}
    named = (
        situations.CRISIS_CONTINUES_INTENTS
        | context_policy.HABIT_MISREAD_AS
        | context_policy.UNPLACED_INTENTS
        | triage_policy.SHRUG_INTENTS
        | set(triage_policy.DEFAULT_FOLLOW_UPS)
        | set(triage_policy.SITUATION_FOLLOW_UPS)
    )
    assert named <= known, sorted(named - known)


@pytest.mark.parametrize(
    ("replies", "found", "answered", "expected"),
    [
        # right after the distress answer, distress found again: heard again
        (["utter_situation_distress"], ["distress"], ["distress"], True),
        (["utter_situation_crisis", "utter_situation_distress"], ["distress"], ["distress"], True),
        # no distress in the message, or another turn came between
        (["utter_situation_distress"], [], ["distress"], False),
        (["utter_faq/how_long_results"], ["distress"], ["distress"], False),
        # never answered (then it is simply answered, not "again")
        (["utter_situation_distress"], ["distress"], [], False),
    ],
)
def test_distress_continues(
    replies: list[str], found: list[str], answered: list[str], expected: bool
) -> None:
    from scalpcare.situations import Situation, distress_continues

    situations = [Situation(name) for name in found]
    assert distress_continues(replies, situations, answered) is expected


DISTRESS_TURN = [
    {"event": "user", "text": "my hair is thinning so fast and i can't stop crying"},
    {"event": "action", "name": "action_special_situation"},
    {"event": "bot", "text": "...", "metadata": {"utter_action": "utter_situation_distress"}},
]


@pytest.mark.parametrize(
    ("history", "again"),
    [(DISTRESS_TURN, True), ([*DISTRESS_TURN, *CRISIS_TURN[:1]], False)],
)
async def test_more_said_about_the_distress_is_heard_again(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    history: list[dict[str, Any]],
    again: bool,
) -> None:
    """Right after the distress answer, more about how it feels gets it again; later, not."""
    text = "people keep telling me it doesn't matter but it does to me"
    tracker = make_tracker(
        text,
        "describe_scalp",
        0.8,
        slots={"situations_answered": ["distress"]},
        history=history,
        parse_extra={"situations": ["distress"]},
    )
    await ActionSpecialSituation().run(dispatcher, tracker, domain)
    said = [m.get("response") for m in dispatcher.messages]
    assert said == (["utter_situation_distress"] if again else [])


@pytest.mark.parametrize(
    ("found", "answered", "expected"),
    [
        (["chemo"], [], True),
        ([], ["chemo"], True),
        ([], ["pregnancy", "chemo"], True),
        (["pregnancy"], ["distress"], False),
        ([], [], False),
    ],
)
def test_oncology_first(found: list[str], answered: list[str], expected: bool) -> None:
    from scalpcare.situations import Situation, oncology_first

    assert oncology_first([Situation(name) for name in found], answered) is expected


@pytest.mark.parametrize(
    ("text", "answered", "expected"),
    [
        ("whats the best treatment to buy", ["lice"], True),
        ("will tea tree oil kill them?", ["lice"], True),
        ("which comb should i get", ["lice"], True),
        ("is there something stronger i can get for resistant ones", ["lice"], True),
        ("anything else we could try", ["lice"], True),
        ("and how long do i leave it on her hair for", ["lice"], True),
        ("do i have to wash all the pillows and brushes as well", ["lice"], True),
        ("do i need to do a second treatment?", ["lice"], True),
        ("how often should i do the scalp routine", ["lice"], False),
        # no question about treating them, no lice in the conversation, or a booking
        ("thanks, bye", ["lice"], False),
        ("whats the best treatment to buy", [], False),
        ("can i book the scalp facial for after the treatment", ["lice"], False),
        # a visit to the salon once lice were answered: treat before it
        ("so can i still come in for my appt on thursday or", ["lice"], True),
        ("should we cancel saturdays booking then", ["lice"], True),
        ("is her haircut next week still ok?", ["lice"], True),
        ("i'd like to book a head massage for friday", ["lice"], True),
        ("can i bring the kids in for a trim tomorrow", ["lice"], True),
        # put after the treatment, or no lice answered
        ("once they're all gone can we come in for a facial?", ["lice"], False),
        ("when she's nit free can i book her in", ["lice"], False),
        ("so can i still come in for my appt on thursday", ["pregnancy"], False),
        ("can i still come in thursday", [], False),
    ],
)
def test_lice_reminder(text: str, answered: list[str], expected: bool) -> None:
    from scalpcare.situations import lice_reminder

    assert lice_reminder(text, answered) is expected


@pytest.mark.parametrize(
    ("text", "answered", "expected"),
    [
        ("what about just a scalp facial to freshen her up", ["chemo"], True),
        ("my scalp is so tender, would a gentle exfoliating treatment help it", ["chemo"], True),
        ("could she get highlights", ["chemo"], True),
        ("is tea tree oil ok on a sore scalp?", ["chemo"], True),
        # a massage question is the massage limits'; no question; no chemotherapy; a booking
        ("can i still have a gentle head massage?", ["chemo"], False),
        ("what is a scalp facial exactly", ["chemo"], False),
        ("whats the difference between a scrub and salicylic acid?", ["chemo"], False),
        ("thank you, you're very kind", ["chemo"], False),
        ("what about just a scalp facial to freshen her up", ["pregnancy"], False),
        ("can i book a scalp facial for her on friday", ["chemo"], False),
    ],
)
def test_chemo_reminder(text: str, answered: list[str], expected: bool) -> None:
    from scalpcare.situations import chemo_reminder

    assert chemo_reminder(text, answered) is expected


async def test_a_later_question_about_a_treatment_gets_the_oncology_team_first(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """During chemotherapy a scalp facial is the oncology team's to allow, in a line."""
    slots = {"situations_answered": ["chemo"]}
    tracker = make_tracker("what about just a scalp facial?", "faq", 0.8, slots=slots)
    await ActionSpecialSituation().run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_situation_chemo_again"

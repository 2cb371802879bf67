"""The triage NLU component and policy: pure decisions as tables, then the real graph parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from addons.nlu.red_flags import RED_FLAG_ENTITY, RedFlagScreener, red_flag_entities, triage_data
from addons.policies.triage_policy import (
    DEFAULT_FOLLOW_UPS,
    SAFETY_NET_ACTION,
    TRIAGE_ACTION,
    TriagePolicy,
    _ScreenedMessages,
    _should_handle_message,
    answer_intent,
    follows_up_situation,
    massage_amount_not_medicine,
    message_level,
    needed_level,
    next_action,
    previous_action_name,
    requests_summary,
    session_results,
)
from scalpcare import situations, triage
from scalpcare.contract import Referral
from scalpcare.triage.screen import screen_parsed

ROOT = Path(__file__).resolve().parents[2]
N, C, D, U = Referral.NONE, Referral.DOCTOR, Referral.DERMATOLOGIST, Referral.URGENT
LISTEN = ACTION_LISTEN_NAME
FORM = "consultation_form"

# latest action, previous action, level, active loop, intent, nutrient answered -> prediction
NEXT_ACTION_CASES = [
    # A new message: any red flag, in any state, gets triage first.
    (LISTEN, "utter_greet", D, None, "greet", False, TRIAGE_ACTION),
    (LISTEN, "utter_faq", U, None, "faq", False, TRIAGE_ACTION),
    (LISTEN, FORM, D, FORM, "describe_scalp", False, TRIAGE_ACTION),
    (LISTEN, "action_default_ask_affirmation", D, None, "nlu_fallback", False, TRIAGE_ACTION),
    (LISTEN, None, C, None, "describe_scalp", False, TRIAGE_ACTION),
    (LISTEN, TRIAGE_ACTION, D, None, "describe_scalp", True, TRIAGE_ACTION),
    (LISTEN, TRIAGE_ACTION, U, None, "describe_scalp", True, TRIAGE_ACTION),
    # Nothing found: other policies decide.
    (LISTEN, "utter_greet", N, None, "greet", False, None),
    (LISTEN, FORM, N, FORM, "describe_scalp", False, None),
    # A nutrient context already answered is not repeated.
    (LISTEN, FORM, C, FORM, "describe_scalp", True, None),
    (LISTEN, "utter_faq", C, None, "faq", True, None),
    # After triage: back to the form, or the doctor-level follow-up, or wait.
    (TRIAGE_ACTION, LISTEN, D, FORM, "describe_scalp", False, FORM),
    (TRIAGE_ACTION, LISTEN, C, FORM, "describe_scalp", False, FORM),
    (TRIAGE_ACTION, LISTEN, D, None, "describe_scalp", False, LISTEN),
    (TRIAGE_ACTION, LISTEN, U, None, "ask_massage_limits", False, LISTEN),
    (TRIAGE_ACTION, LISTEN, D, None, "faq", False, LISTEN),
    (TRIAGE_ACTION, LISTEN, C, None, "ask_massage_limits", False, "action_massage_limits"),
    (TRIAGE_ACTION, LISTEN, C, None, "faq", False, "utter_faq"),
    (TRIAGE_ACTION, LISTEN, C, None, "start_consultation", False, FORM),
    (TRIAGE_ACTION, LISTEN, C, None, "greet", False, LISTEN),
    (TRIAGE_ACTION, LISTEN, C, None, None, False, LISTEN),
    # After the follow-up: wait, unless it started a form (the form goes on).
    ("action_massage_limits", TRIAGE_ACTION, C, None, "ask_massage_limits", False, LISTEN),
    ("utter_faq", TRIAGE_ACTION, C, None, "faq", False, LISTEN),
    (FORM, TRIAGE_ACTION, C, FORM, "start_consultation", False, None),
    # Anything else is not the triage policy's business.
    ("utter_greet", LISTEN, N, None, "greet", False, None),
    ("utter_faq", LISTEN, D, None, "faq", False, None),
    (None, None, N, None, None, False, None),
]


@pytest.mark.parametrize(
    ("latest", "previous", "level", "loop", "intent", "answered", "expected"), NEXT_ACTION_CASES
)
def test_next_action(
    latest: str | None,
    previous: str | None,
    level: Referral,
    loop: str | None,
    intent: str | None,
    answered: bool,
    expected: str | None,
) -> None:
    """Every state maps to exactly the expected prediction."""
    assert next_action(latest, previous, level, loop, intent, answered) == expected


@pytest.mark.parametrize(
    ("intent", "habit", "expected"),
    [
        ("describe_scalp", True, "action_massage_limits"),
        ("faq", False, "utter_faq"),
        ("describe_scalp", False, LISTEN),
    ],
)
def test_after_distress_or_pregnancy_a_massage_habit_gets_its_limits(
    intent: str, habit: bool, expected: str
) -> None:
    assert (
        next_action(SITUATION, LISTEN, N, None, intent, situation_follow_up=True, habit=habit)
        == expected
    )


@pytest.mark.parametrize(
    ("level", "loop", "intent", "habit", "expected"),
    [
        # A nutrient context with a massage habit: its limits follow, whatever the intent.
        (C, None, "describe_scalp", True, "action_massage_limits"),
        (C, None, None, True, "action_massage_limits"),
        (C, None, "describe_scalp", False, "consultation_form"),
        # In a form the form comes back; a dermatologist referral pauses massage itself.
        (C, FORM, "describe_scalp", True, FORM),
        (D, None, "describe_scalp", True, LISTEN),
    ],
)
def test_a_massage_habit_after_a_nutrient_referral(
    level: Referral, loop: str | None, intent: str | None, habit: bool, expected: str
) -> None:
    assert next_action(TRIAGE_ACTION, LISTEN, level, loop, intent, habit=habit) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ive started massaging my scalp 20 mins twice a day to get the blood going", True),
        ("I rub my scalp for half an hour every night", True),
        ("is massage good for shedding?", False),
        ("20 minutes twice a day", False),
        ("", False),
    ],
)
def test_reports_habit(text: str, expected: bool) -> None:
    from scalpcare.massage_habits import reports_habit

    assert reports_habit(text) is expected


# latest action, level, active loop, intent, paused, symptom -> prediction
STATE_CASES = [
    # A handoff's pause: a red flag is answered, then the bot waits again.
    (LISTEN, D, None, "describe_scalp", True, False, TRIAGE_ACTION),
    (TRIAGE_ACTION, D, None, "describe_scalp", True, False, LISTEN),
    (TRIAGE_ACTION, C, None, "faq", True, False, LISTEN),
    (LISTEN, N, None, "nlu_fallback", True, True, None),
    # The safety net: a symptom nothing else understood, never the buttons alone.
    (LISTEN, N, None, "nlu_fallback", False, True, SAFETY_NET_ACTION),
    (LISTEN, N, FORM, "nlu_fallback", False, True, SAFETY_NET_ACTION),
    (SAFETY_NET_ACTION, N, FORM, "nlu_fallback", False, False, FORM),
    (SAFETY_NET_ACTION, N, None, "nlu_fallback", False, False, LISTEN),
    (LISTEN, N, None, "out_of_scope", False, True, SAFETY_NET_ACTION),
    (LISTEN, N, None, "nlu_fallback", False, False, None),
    (LISTEN, N, None, "faq", False, True, None),
    # A red flag outranks the safety net.
    (LISTEN, U, None, "nlu_fallback", False, True, TRIAGE_ACTION),
]


@pytest.mark.parametrize(
    ("latest", "level", "loop", "intent", "paused", "symptom", "expected"), STATE_CASES
)
def test_next_action_in_a_pause_and_for_a_shrug(
    latest: str,
    level: Referral,
    loop: str | None,
    intent: str,
    paused: bool,
    symptom: bool,
    expected: str | None,
) -> None:
    """Paused conversations and unrecognised symptoms."""
    got = next_action(latest, LISTEN, level, loop, intent, False, paused=paused, symptom=symptom)
    assert got == expected


@pytest.mark.parametrize(
    ("habit", "expected"),
    [
        # "every sunday a deep oil massage about 10 mins... my hair is still falling a lot":
        # the massage limits answer it (the context policy), not the safety net
        (True, None),
        (False, SAFETY_NET_ACTION),
    ],
)
def test_a_massage_habit_with_a_symptom_gets_its_limits(habit: bool, expected: str | None) -> None:
    """A habit told with a symptom word and no red flag is left to the massage limits."""
    got = next_action(LISTEN, LISTEN, N, None, "nlu_fallback", False, symptom=True, habit=habit)
    assert got == expected


def test_follow_ups_are_configurable() -> None:
    """A custom follow-up map replaces the default one."""
    got = next_action(TRIAGE_ACTION, LISTEN, C, None, "faq", False, {"faq": "utter_other"})
    assert got == "utter_other"
    assert next_action(TRIAGE_ACTION, LISTEN, C, None, "faq", False, {}) == LISTEN
    assert DEFAULT_FOLLOW_UPS["faq"] == "utter_faq"


@pytest.mark.parametrize(
    ("parse_data", "expected"),
    [
        (None, N),
        ({}, N),
        ({"triage": None}, N),
        ({"triage": {"level": "urgent"}}, U),
        ({"triage": {"level": "dermatologist"}}, D),
        ({"triage": {"level": "bogus"}}, N),
    ],
)
def test_message_level(parse_data: dict[str, Any] | None, expected: Referral) -> None:
    """The level comes from the screener's property; anything else is none."""
    assert message_level(parse_data) is expected


@pytest.mark.parametrize(
    ("parse_data", "text", "expected"),
    [
        ({}, "there's pus and i have a fever", U),
        (None, "i think it's psoriasis", D),
        ({}, "/describe_scalp", N),
        ({"triage": {"level": "none"}}, "i think it's psoriasis", N),
    ],
)
def test_message_level_screens_text_without_a_result(
    parse_data: dict[str, Any] | None, text: str, expected: Referral
) -> None:
    """Without the screener's property (injected intents, tests) the text is screened."""
    assert message_level(parse_data, text) is expected


def test_triage_data_is_json_safe_and_complete() -> None:
    """The parse-data property carries every finding with offsets into the text."""
    text = "im vegan and there's a round bald patch on my crown"
    data = triage_data(triage.screen(text))
    assert data["level"] == "dermatologist"
    assert data["nutrient_deficiency"] is True
    assert "vegan_or_vegetarian" in data["nutrient_signals"]
    for flag in data["flags"]:
        assert text[flag["start"] : flag["end"]] == flag["text"]
        assert set(flag) == {"condition", "level", "text", "start", "end", "about", "person"}
    assert {f["level"] for f in data["flags"]} == {"doctor", "dermatologist"}


def test_only_dermatologist_and_urgent_findings_become_entities() -> None:
    """Nutrient signals steer the slot, not the red_flag entity."""
    result = triage.screen("vegan for a year, and my scalp has pus and a fever")
    entities = red_flag_entities(result)
    assert entities, result
    assert {e["entity"] for e in entities} == {RED_FLAG_ENTITY}
    assert all(e["extractor"] == "RedFlagScreener" for e in entities)
    assert "vegan_or_vegetarian" not in {e["value"] for e in entities}


def test_component_adds_entities_and_keeps_others() -> None:
    """The component keeps the NLU's entities and replaces stale red flags."""
    other = {"entity": "concern", "value": "itch", "start": 0, "end": 5}
    stale = {"entity": RED_FLAG_ENTITY, "value": "stale", "start": 0, "end": 1}
    message = Message(
        data={"text": "itchy, and I think it's psoriasis", "entities": [other, stale]}
    )
    RedFlagScreener().process([message])
    entities = message.get("entities")
    assert other in entities
    assert stale not in entities
    assert [e["value"] for e in entities if e["entity"] == RED_FLAG_ENTITY] == ["psoriasis"]
    assert message.get("triage")["level"] == "dermatologist"


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "<b>hi</b>", "no psoriasis, just dry"])
def test_component_on_messages_without_red_flags(text: str) -> None:
    """Empty, emoji, markup and negated messages carry level none and no entity."""
    message = Message(data={"text": text})
    RedFlagScreener().process([message])
    assert message.get("triage")["level"] == "none"
    assert message.get("entities") == []


# ---------------------------------------------------------------------------
# The policy on real trackers with the real domain
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    """The project's domain as Rasa Core loads it."""
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> TriagePolicy:
    """The policy as the graph creates it (nothing to train)."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    context = ExecutionContext(GraphSchema({}), "test")
    return TriagePolicy.create(
        TriagePolicy.get_default_config(), storage, Resource("triage_policy"), context
    )


def _user(text: str, intent: str = "describe_scalp") -> UserUttered:
    parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text}
    parse["triage"] = triage_data(triage.screen(text))
    return UserUttered(text, parse["intent"], [], parse_data=parse)  # type: ignore[arg-type]


def _predict(policy: TriagePolicy, domain: Domain, events: list[Any]) -> str | None:
    tracker = DialogueStateTracker.from_events("t", events, slots=domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    if prediction.probabilities[best] == 0:
        assert not prediction.is_no_user_prediction  # must not filter out other policies
        return None
    assert prediction.probabilities[best] == 1.0
    assert prediction.is_no_user_prediction  # competes with a form's happy path
    return domain.action_names_or_texts[best]


def test_policy_predicts_triage_for_a_red_flag_in_any_state(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """Mid-FAQ, a red flag gets the triage action at priority 7."""
    events = [
        ActionExecuted(LISTEN),
        _user("what is a scalp facial", "faq"),
        ActionExecuted("utter_faq"),
        ActionExecuted(LISTEN),
        _user("ok but i have a coin sized bald patch", "faq"),
    ]
    assert _predict(policy, rasa_domain, events) == TRIAGE_ACTION
    assert policy.priority == 7


def test_policy_after_triage_waits_or_returns_to_the_form(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """After triage the policy predicts listen, or the active form."""
    base = [ActionExecuted(LISTEN), _user("there are silvery scales all over my scalp")]
    assert _predict(policy, rasa_domain, [*base, ActionExecuted(TRIAGE_ACTION)]) == LISTEN
    vegan = [ActionExecuted(LISTEN), _user("i'm vegan, every 2 days")]
    with_form = [ActiveLoop("action_massage_limits"), *vegan, ActionExecuted(TRIAGE_ACTION)]
    assert _predict(policy, rasa_domain, with_form) == "action_massage_limits"


def test_policy_leaves_benign_and_answered_nutrient_messages_alone(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """No prediction for a benign message or a nutrient context already answered."""
    assert (
        _predict(policy, rasa_domain, [ActionExecuted(LISTEN), _user("my scalp is oily")]) is None
    )
    answered = [
        SlotSet("nutrient_deficiency_suspected", True),
        ActionExecuted(LISTEN),
        _user("like i said i'm vegan"),
    ]
    assert _predict(policy, rasa_domain, answered) is None


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], None),
        ([ActionExecuted(LISTEN)], None),
        ([ActionExecuted("a"), ActionExecuted("b")], "a"),
        ([ActionExecuted("a"), UserUttered("x"), ActionExecuted("b")], "a"),
        ([ActionExecuted("a"), Restarted(), ActionExecuted("b")], None),
        ([ActionExecuted("a"), SessionStarted(), ActionExecuted("b")], None),
    ],
)
def test_previous_action_name(events: list[Any], expected: str | None) -> None:
    """The action before the latest one, within the session."""
    tracker = DialogueStateTracker.from_events("t", events)
    assert previous_action_name(tracker) == expected


def test_triage_outranks_an_active_forms_happy_path() -> None:
    """In Rasa's own ensemble, triage beats RulePolicy's 'no user' form prediction."""
    from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
    from rasa.core.policies.policy import PolicyPrediction

    form = PolicyPrediction([0.0, 1.0], "RulePolicy", 6, is_no_user_prediction=True)
    triage_first = PolicyPrediction([1.0, 0.0], "TriagePolicy", 7, is_no_user_prediction=True)
    ted = PolicyPrediction([0.0, 0.9], "TEDPolicy", 1)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([form, ted, triage_first])
    assert best.policy_name == "TriagePolicy"


def test_policy_combines_signs_across_turns(policy: TriagePolicy, rasa_domain: Domain) -> None:
    """Pus two messages ago and a fever now: triage, though the latest message alone is none."""
    events = [
        ActionExecuted(LISTEN),
        _user("there's a swollen bump with pus on the back of my head"),
        ActionExecuted(TRIAGE_ACTION),
        SlotSet("referral", "dermatologist"),
        ActionExecuted(LISTEN),
        _user("ok thanks", "thank"),
        ActionExecuted("utter_youre_welcome"),
        ActionExecuted(LISTEN),
        _user("oh and i've had a temperature since last night", "inform"),
    ]
    assert triage.screen("oh and i've had a temperature since last night").level is N
    assert _predict(policy, rasa_domain, events) == TRIAGE_ACTION
    # Once urgent stands, the same signs need no second answer.
    answered = [*events, ActionExecuted(TRIAGE_ACTION), SlotSet("referral", "urgent")]
    later = [*answered, ActionExecuted(LISTEN), _user("what shampoo should i use", "faq")]
    assert _predict(policy, rasa_domain, later) is None


def test_policy_ignores_signs_from_before_a_restart(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """A new start is a new set of signs (the referral itself is kept by the action)."""
    events = [
        ActionExecuted(LISTEN),
        _user("pus in a spot on my scalp"),
        Restarted(),
        ActionExecuted(LISTEN),
        _user("i feel feverish", "inform"),
    ]
    tracker = DialogueStateTracker.from_events("t", events, slots=rasa_domain.slots)
    assert needed_level(tracker) is N


def test_policy_gives_the_safety_net_for_an_unrecognised_symptom(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """A low-confidence message about pain gets the safety net, not the fallback's buttons."""
    events = [
        ActionExecuted(LISTEN),
        _user("idk it kinda hurts up there sometimes", "nlu_fallback"),
    ]
    assert _predict(policy, rasa_domain, events) == SAFETY_NET_ACTION


def test_a_paused_conversation_still_answers_a_red_flag(rasa_domain: Domain) -> None:
    """Rasa handles a paused conversation only for a red flag (then for the triage's listen)."""
    paused = [ActionExecuted(LISTEN), _user("can i talk to a person", "human_handoff")]
    from rasa.shared.core.events import ConversationPaused

    base = [*paused, ActionExecuted("action_handoff"), ConversationPaused(), ActionExecuted(LISTEN)]
    quiet = DialogueStateTracker.from_events("t", [*base, _user("hello?", "greet")])
    assert quiet.is_paused() and not _should_handle_message(quiet)
    bleeding = _user("my scalp is bleeding a lot and it won't stop")
    flagged = DialogueStateTracker.from_events("t", [*base, bleeding])
    assert _should_handle_message(flagged)
    answered = DialogueStateTracker.from_events(
        "t", [*base, bleeding, ActionExecuted(TRIAGE_ACTION)]
    )
    assert _should_handle_message(answered)
    done = DialogueStateTracker.from_events(
        "t", [*base, bleeding, ActionExecuted(TRIAGE_ACTION), ActionExecuted(LISTEN)]
    )
    assert not _should_handle_message(done)


# latest action, level, active loop, intent, paused, situation, follow-up -> prediction
SITUATION = "action_special_situation"
SITUATION_CASES = [
    # A special situation is answered in any state, after triage when both are needed.
    (LISTEN, N, None, "describe_scalp", False, True, False, SITUATION),
    (LISTEN, N, FORM, "inform", False, True, False, SITUATION),
    (LISTEN, N, None, "nlu_fallback", False, True, False, SITUATION),
    (LISTEN, D, None, "describe_scalp", False, True, False, TRIAGE_ACTION),
    (TRIAGE_ACTION, D, None, "describe_scalp", False, True, False, SITUATION),
    (TRIAGE_ACTION, D, FORM, "describe_scalp", False, True, False, SITUATION),
    # Then the form goes on, the question of a pregnancy or distress message is
    # answered, or the bot waits.
    (SITUATION, N, FORM, "inform", False, False, False, FORM),
    (SITUATION, N, None, "faq", False, False, True, "utter_faq"),
    (SITUATION, N, None, "ask_massage_limits", False, False, True, "action_massage_limits"),
    (SITUATION, N, None, "describe_scalp", False, False, True, LISTEN),
    (SITUATION, N, None, "faq", False, False, False, LISTEN),
    # In a handoff's pause: answered, then the bot waits again.
    (LISTEN, N, None, "greet", True, True, False, SITUATION),
    (SITUATION, N, None, "faq", True, False, True, LISTEN),
]


@pytest.mark.parametrize(
    ("latest", "level", "loop", "intent", "paused", "situation", "follow_up", "expected"),
    SITUATION_CASES,
)
def test_next_action_for_special_situations(
    latest: str,
    level: Referral,
    loop: str | None,
    intent: str,
    paused: bool,
    situation: bool,
    follow_up: bool,
    expected: str | None,
) -> None:
    """Special situations: answered in every state, then the flow goes on."""
    got = next_action(
        latest,
        LISTEN,
        level,
        loop,
        intent,
        False,
        paused=paused,
        situation=situation,
        situation_follow_up=follow_up,
    )
    assert got == expected


def test_after_a_situations_follow_up_the_bot_waits() -> None:
    """The pregnancy answer's FAQ follow-up has answered: listen."""
    assert next_action("utter_faq", SITUATION, N, None, "faq") == LISTEN


def test_policy_answers_a_situation_and_suppresses_a_deficiency_guess(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """Chemotherapy gets its answer, not the nutrient (doctor) referral the screener may give."""
    chemo = _user("i'm on chemo and my hair is falling out, can i have a scalp massage?")
    parse = dict(chemo.parse_data)
    parse["triage"] = {**parse["triage"], "level": "doctor"}
    doctor = UserUttered(chemo.text, chemo.intent, [], parse_data=parse)  # type: ignore[arg-type]
    assert _predict(policy, rasa_domain, [ActionExecuted(LISTEN), doctor]) == SITUATION
    lice = [ActionExecuted(LISTEN), _user("i think my son has lice", "describe_scalp")]
    assert _predict(policy, rasa_domain, lice) == SITUATION
    answered = [SlotSet("situations_answered", ["lice"]), *lice]
    assert _predict(policy, rasa_domain, answered) is None


@pytest.mark.parametrize(
    ("rules_level", "expected"),
    [
        ("none", SITUATION),  # the learned screener's doctor call alone: the lice answer
        ("doctor", "action_triage"),  # the rules' nutrient context still gets its referral
    ],
)
def test_lice_takes_the_place_of_the_models_doctor_call_alone(
    policy: TriagePolicy, rasa_domain: Domain, rules_level: str, expected: str
) -> None:
    """ "my daughter has lice": the answer names the pharmacist or GP, no doctor's reply."""
    lice = _user("I think my daughter has lice, what do I do")
    parse = dict(lice.parse_data)
    parse["triage"] = {**parse["triage"], "level": "doctor", "rules_level": rules_level}
    doctor = UserUttered(lice.text, lice.intent, [], parse_data=parse)  # type: ignore[arg-type]
    assert _predict(policy, rasa_domain, [ActionExecuted(LISTEN), doctor]) == expected
    if expected == SITUATION:  # answered: nothing follows (no doctor's reply after it)
        after = [
            ActionExecuted(LISTEN),
            doctor,
            ActionExecuted(SITUATION),
            SlotSet("situations_answered", ["lice"]),
        ]
        assert _predict(policy, rasa_domain, after) in (None, LISTEN)


def test_a_paused_conversation_answers_a_crisis_only(rasa_domain: Domain) -> None:
    """In a handoff, a crisis is answered; a lice question waits for staff."""
    from rasa.shared.core.events import ConversationPaused

    paused = [ActionExecuted(LISTEN), _user("can i talk to a person", "human_handoff")]
    base = [*paused, ActionExecuted("action_handoff"), ConversationPaused(), ActionExecuted(LISTEN)]
    crisis = _user("my hair is gone and honestly i want to end it all")
    assert _should_handle_message(DialogueStateTracker.from_events("t", [*base, crisis]))
    lice = _user("also i think my daughter has lice")
    assert not _should_handle_message(DialogueStateTracker.from_events("t", [*base, lice]))


def test_a_red_flag_in_another_language_gets_english_only_once(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """Triage already says "English only" with the phone: no second note after it."""
    spanish = [ActionExecuted(LISTEN), _user("me sangra mucho la cabeza y no para")]
    assert _predict(policy, rasa_domain, spanish) == TRIAGE_ACTION
    assert _predict(policy, rasa_domain, [*spanish, ActionExecuted(TRIAGE_ACTION)]) == LISTEN
    plain = [ActionExecuted(LISTEN), _user("hola, quiero un tratamiento para la caspa")]
    assert _predict(policy, rasa_domain, plain) == SITUATION


def test_never_back_into_the_two_stage_fallback(policy: TriagePolicy, rasa_domain: Domain) -> None:
    """After a situation's answer or triage, the two-stage fallback is not resumed.

    Resumed, it puts the message back to be answered again, without end (a fuzz test
    found it: an Arabic message right after "Sorry, I'm not sure I understood").
    """
    fallback = ActiveLoop("action_two_stage_fallback")
    arabic = _user("فروة رأسي جافة", "nlu_fallback")
    listening = [fallback, ActionExecuted(LISTEN), arabic]
    assert _predict(policy, rasa_domain, listening) == SITUATION
    assert _predict(policy, rasa_domain, [*listening, ActionExecuted(SITUATION)]) == LISTEN
    bleeding = [fallback, ActionExecuted(LISTEN), _user("my scalp is bleeding and won't stop")]
    assert _predict(policy, rasa_domain, [*bleeding, ActionExecuted(TRIAGE_ACTION)]) == LISTEN


def _faq(confidence: float) -> dict:
    return {"response_selector": {"faq": {"response": {"confidence": confidence}}}}


@pytest.mark.parametrize(
    ("intent", "parse_data", "expected"),
    [
        ("faq", _faq(0.95), "faq"),
        ("ask_massage_limits", _faq(0.0), "ask_massage_limits"),
        # read as feedback, but the FAQ selector is sure of the question's answer
        ("routine_feedback", _faq(0.82), "faq"),
        ("routine_feedback", _faq(0.72), "faq"),
        ("routine_feedback", _faq(0.68), "routine_feedback"),
        ("routine_feedback", _faq(0.5), "routine_feedback"),
        ("describe_scalp", {}, "describe_scalp"),
        (None, None, None),
    ],
)
def test_answer_intent(intent: str | None, parse_data: dict | None, expected: str | None) -> None:
    """After a situation's answer, the message's own question gets its answer."""
    assert answer_intent(intent, parse_data) == expected


def test_a_reply_to_the_crisis_answer_is_answered_again(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """ "i just needed to tell someone" after the crisis answer: the lines again, once."""
    from rasa.shared.core.events import BotUttered, SlotSet

    crisis = [
        ActionExecuted(LISTEN),
        _user("i've thought about ending my life because of my hair", "nlu_fallback"),
        ActionExecuted("action_special_situation"),
        BotUttered("...", metadata={"utter_action": "utter_situation_crisis"}),
        SlotSet("situations_answered", ["crisis", "distress"]),
        ActionExecuted(LISTEN),
    ]
    reply = _user("i dont know. i just needed to tell someone", "human_handoff")
    assert _predict(policy, rasa_domain, [*crisis, reply]) == "action_special_situation"
    said_again = [
        *crisis,
        reply,
        ActionExecuted("action_special_situation"),
        BotUttered("...", metadata={"utter_action": "utter_situation_crisis_again"}),
        ActionExecuted(LISTEN),
        _user("can i talk to a person", "human_handoff"),
    ]
    assert _predict(policy, rasa_domain, said_again) is None


def test_a_question_about_oils_after_pregnancy_gets_the_reminder_then_its_answer(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    from rasa.shared.core.events import SlotSet

    events = [
        SlotSet("situations_answered", ["pregnancy"]),
        ActionExecuted(LISTEN),
        _user("what about rosemary oil, is that ok to use?", "faq"),
    ]
    assert _predict(policy, rasa_domain, events) == "action_special_situation"
    # Then the question's own answer (the FAQ's retrieval action is not in domain.yml alone).
    answered = [*events, ActionExecuted("action_special_situation")]
    tracker = DialogueStateTracker.from_events("t", answered, slots=rasa_domain.slots)
    assert follows_up_situation(tracker, "action_special_situation")


def test_a_question_about_a_facial_during_chemotherapy_gets_the_oncology_line_alone(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """Not the facial's FAQ: the oncology team decides about any scalp treatment."""
    from rasa.shared.core.events import SlotSet

    events = [
        SlotSet("situations_answered", ["chemo"]),
        ActionExecuted(LISTEN),
        _user("what about just a scalp facial to freshen her up", "faq"),
    ]
    assert _predict(policy, rasa_domain, events) == "action_special_situation"
    answered = [*events, ActionExecuted("action_special_situation")]
    tracker = DialogueStateTracker.from_events("t", answered, slots=rasa_domain.slots)
    assert not follows_up_situation(tracker, "action_special_situation")


def test_during_a_handoff_the_crisis_lines_are_not_said_again(
    policy: TriagePolicy, rasa_domain: Domain
) -> None:
    """Staff have the conversation, and were alerted to the crisis: the bot stays quiet."""
    from rasa.shared.core.events import BotUttered, ConversationPaused

    events = [
        ActionExecuted(LISTEN),
        _user("can i talk to a real person", "human_handoff"),
        ActionExecuted("action_handoff"),
        ConversationPaused(),
        ActionExecuted(LISTEN),
        _user("my hair is all gone and i don't want to live anymore", "nlu_fallback"),
        ActionExecuted("action_special_situation"),
        BotUttered("...", metadata={"utter_action": "utter_situation_crisis"}),
        ActionExecuted(LISTEN),
        _user("ok", "affirm"),
    ]
    assert _predict(policy, rasa_domain, events) is None


def test_session_results_read_each_message_once_and_as_screened() -> None:
    """The same event objects give the same results, read from their parse data once."""
    pus, fever = _user("a swollen bump with pus"), _user("and a fever since last night", "inform")
    events = [ActionExecuted(LISTEN), pus, ActionExecuted(LISTEN), fever]
    tracker = DialogueStateTracker.from_events("t", events)
    first = session_results(tracker)
    assert first == [
        screen_parsed(pus.parse_data, pus.text),
        screen_parsed(fever.parse_data, fever.text),
    ]
    # A later tracker of the conversation (the store hands it the same event objects)
    # gets the results kept for them, not results read again.
    later = DialogueStateTracker.from_events("t", [*events, ActionExecuted(LISTEN), _user("ok")])
    again = session_results(later)
    assert len(again) == 3
    assert all(a is b for a, b in zip(again[:2], first, strict=True))
    # Only the latest `size` are kept; a dropped one is read again, the same.
    screened = _ScreenedMessages(size=1)
    assert screened.result(pus) == first[0]
    assert screened.result(fever) == first[1]  # drops pus's result (size 1)
    assert screened.result(pus) == first[0]


@pytest.mark.parametrize(
    ("text", "referral", "expected"),
    [
        ("ok can you write that down for my doctor? my dad went bald young btw", "doctor", True),
        (
            "could you put together something for the gp, the bleeding is worse",
            "dermatologist",
            True,
        ),
        ("can you write that down for my doctor? my dad went bald young", "none", False),
        ("my dad went bald young and now i have a bald patch", "dermatologist", False),
    ],
)
def test_a_summary_request_is_not_a_symptom_for_the_safety_net(
    text: str, referral: str, expected: bool
) -> None:
    """A request for the summary of a standing referral gets the summary, not the safety net."""
    assert requests_summary(text, referral) is expected


_MED = situations.Situation.MEDICINE
_PREG = situations.Situation.PREGNANCY


@pytest.mark.parametrize(
    ("text", "limits_given", "kept"),
    [
        # a massage amount, in the massage's context: the learned medicine call is dropped
        ("if i put it on the lowest setting can i keep the 15 mins", True, ()),
        ("so 10 mins twice a day on the massager is fine?", False, ()),
        ("ok ill tell her to keep it to 10", True, ()),
        ("can i do it 3 times a week instead", True, ()),
        ("what if i massage 20 min with the rosemary drops", False, ()),
        # no massage context, or no amount: kept
        ("if i put it on the lowest setting can i keep the 15 mins", False, (_MED,)),
        ("which setting should i use then", True, (_MED,)),
        # the rules' medicine stays: a dose is a dose
        ("can i take 5mg of minoxidil twice a day", True, (_MED,)),
        ("i massage 5 min a day, can i take biotin 10000 mcg with it", True, (_MED,)),
    ],
)
def test_a_massage_amount_is_not_a_medicine_question(
    text: str, limits_given: bool, kept: tuple[situations.Situation, ...]
) -> None:
    """The learned medicine head's call on a massage amount is the massage's question."""
    assert massage_amount_not_medicine((_MED,), text, limits_given) == kept


def test_other_situations_stay_beside_a_massage_amount() -> None:
    """Only the medicine call goes; pregnancy said with a massage amount is still answered."""
    found = massage_amount_not_medicine((_PREG, _MED), "pregnant, is 10 min massage ok", True)
    assert found == (_PREG,)

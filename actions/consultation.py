"""Rasa glue for the consultation: the form's slot reading and the routine.

The form (``consultation_form`` in the domain) asks only for what is still
missing. Every answer is read by the negation-aware parser
(:mod:`scalpcare.consultation_parsing`) together with the NLU's ``concern``,
``scalp_type`` and ``product`` entities, merged into what the user said before
(so corrections work), and written to the contract slots. A correction is
acknowledged, and the routine sent, as phrases worded by the domain
(``utter_correction_*``, ``utter_routine_*``).

Interruptions (a question, massage limits, "are you a bot", "stop") are left
alone here: returning no event makes Rasa reject the form for that turn, so
the rules answer and then return to the form.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import salon_actions
from actions.massage_limits import unanswered_messages
from actions.replies import say
from actions.session import this_session
from scalpcare import consultation_parsing as parsing
from scalpcare import contract, habits, massage, routine, situations
from scalpcare.commands import asks_why
from scalpcare.consultation_text import is_unsure
from scalpcare.contract import Referral
from scalpcare.phrases import OR, Phrase, Value, chained, joined, phrase

FORM = "consultation_form"
WASH_FREQUENCY = "wash_frequency"
BUILDUP_PRODUCTS = "buildup_products"
GOAL = "goal"
MISSES = "consultation_misses"
#: The questions the user chose to skip this consultation ("skip", "rather not say").
SKIPPED = "consultation_skipped"
REQUESTED_SLOT = "requested_slot"
REQUIRED_SLOTS = (
    contract.CONCERNS,
    contract.SCALP_TYPE,
    contract.SENSITIVE_SCALP,
    WASH_FREQUENCY,
)

#: Intents the form reads as answers; anything else interrupts it.
ANSWER_INTENTS = frozenset(
    {"describe_scalp", "start_consultation", "affirm", "deny", "nlu_fallback", "out_of_scope"}
)
#: Actions that may run between a message and the form's reading of it. Any
#: other action in between (an FAQ answer, massage limits...) means the form is
#: resuming after an interruption and the message was not an answer.
#: A special situation's answer ("that sounds really hard", "good that you're under a
#: dermatologist's care") is said beside the message, like a red flag's: the message may
#: still answer the question ("flakes. and honestly it's wrecking me").
BEFORE_READING = frozenset(
    {
        FORM,
        "action_triage",
        "action_special_situation",
        "action_listen",
        "action_extract_slots",
        f"validate_{FORM}",
    }
)

NOTHING_CONCERNS = (
    "nothing",
    "none",
    "no concerns",
    "not really",
    "nothing really",
    "all good",
    "just want",
    "healthier",
    "healthy",
    "maintenance",
)

#: Why each question is asked, said after two answers the form could not use: the
#: replies' names in domain.yml.
EXPLANATIONS = {
    slot: f"utter_explain_{slot}"
    for slot in (contract.CONCERNS, contract.SCALP_TYPE, contract.SENSITIVE_SCALP, WASH_FREQUENCY)
}
SLOT_LABELS = {
    contract.SCALP_TYPE: "scalp type",
    contract.SENSITIVE_SCALP: "sensitivity",
    WASH_FREQUENCY: "wash frequency",
}
NO_ROUTINE_URGENT = "utter_no_routine_urgent"
STOPPED = "utter_consultation_stopped"
SKIP_ACK = "utter_skip_question"
NOT_A_COMMAND = "utter_not_a_command"
NOT_CAUGHT = "utter_answer_not_caught"
#: A changed answer, acknowledged (``correction_note``): the replies' names in domain.yml.
CORRECTION_NOTE = "utter_correction_note"
CORRECTED_SCALP_TYPE = {
    "oily": "utter_correction_scalp_type_oily",
    "dry": "utter_correction_scalp_type_dry",
    "normal": "utter_correction_scalp_type_normal",
    "combination": "utter_correction_scalp_type_combination",
}
CORRECTED_SENSITIVE = "utter_correction_sensitive"
CORRECTED_NOT_SENSITIVE = "utter_correction_not_sensitive"
CORRECTED_NO_CONCERNS = "utter_correction_no_concerns"
#: "more than normal", "back to normal": a comparison, not a scalp type.
_COMPARED_NORMAL = re.compile(
    r"\b(?:than|as|to|from|of)\s+(?:\w+\s+)?(?:normal|usual)\b|\bnormal\s+(?:amount|rate|loss)\b",
    re.IGNORECASE,
)


def _entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [
        str(e.get("value")).strip().lower()
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == entity and e.get("value") is not None
    ]


def _intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def _contains(text: str, phrases: tuple[str, ...]) -> bool:
    lowered = " ".join(text.lower().split())
    return any(phrase in lowered for phrase in phrases)


def is_fresh_answer(events: list[dict[str, Any]]) -> bool:
    """Whether the latest user message is still unread by the form (pure).

    Args:
        events: The tracker's events, oldest first.

    Returns:
        ``False`` when another action answered the message before the form
        runs (the form is resuming after an interruption), else ``True``.
    """
    for event in reversed(events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in BEFORE_READING:
            return False
    return True


def situation_answered_now(events: list[dict[str, Any]]) -> bool:
    """Whether a special situation's answer was said to the latest user message (pure).

    "How many iron tablets should I take?" in the middle of the consultation got the
    medicine answer; read as an answer to the form's question it fills nothing, and that
    is no missed answer: the question is asked again without "I didn't catch that".
    """
    for event in reversed(events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_special_situation":
            return True
    return False


QUESTION_START = re.compile(
    r"^\s*(?:what|whats|what's|how|why|when|where|which|who|can|could|should|is|are|does|"
    r"do|will|would|wait|so)\b",
    re.IGNORECASE,
)
#: Intents whose messages may still be answers when they answer the question
#: asked: statements the FAQ selector mistook for a topic ("buildup from hairspray").
MAYBE_ANSWER_INTENTS = frozenset({"faq"})


def looks_like_question(text: str) -> bool:
    """A question mark, or a sentence that opens like a question (pure)."""
    return "?" in text or bool(QUESTION_START.match(text))


def is_answer(
    intent: str,
    text: str,
    requested: str | None,
    facts: parsing.ScalpFacts,
    no_concerns: bool,
    situation_answered: bool = False,
) -> bool:
    """Whether the form should read a message as an answer (pure).

    Args:
        intent: The message's intent.
        text: The message.
        requested: The slot the form asked for.
        facts: What the message says (``read_message``).
        no_concerns: It answered "no concerns".
        situation_answered: A special situation's answer was said to the message: its
            question ("is the salicylic step ok, my derm diagnosed seb derm") is answered,
            so what else it says ("flaky and itchy.") is read as the answer, whatever its
            intent.

    Returns:
        ``True`` for answer intents, for a statement classified as an FAQ question that
        answers exactly what was asked, and for a message that answers it beside a special
        situation's question; ``False`` for every other interruption, which the rules
        answer before the form resumes.
    """
    if intent in ANSWER_INTENTS:
        return True
    if requested is None:
        return False
    if not situation_answered and (intent not in MAYBE_ANSWER_INTENTS or looks_like_question(text)):
        return False
    answered = {
        contract.CONCERNS: bool(facts.concerns) or no_concerns,
        contract.SCALP_TYPE: facts.scalp_type is not None,
        contract.SENSITIVE_SCALP: facts.sensitive is not None,
        WASH_FREQUENCY: facts.wash_frequency is not None,
    }
    return answered.get(requested, False)


#: "sometimes", "a bit", "kinda" in answer to the sensitivity question (not "not even a bit").
_NOW_AND_THEN = re.compile(
    r"^(?!.*\b(?:not|no|never|nope|nah|\w+n'?t)\b).*\b(?:sometimes|occasionally|"
    r"now and (?:then|again)|at times|on and off|every so often|once in a while|"
    r"a (?:little|bit)|slightly|kind of|"
    r"kinda|sort of|sorta)\b",
    re.IGNORECASE,
)


def read_message(
    text: str,
    intent: str,
    requested: str | None,
    entities: dict[str, list[str]],
    unsure_answers: bool = True,
) -> tuple[parsing.ScalpFacts, bool]:
    """Read one consultation message (pure).

    Args:
        text: The user's message.
        intent: Its intent.
        requested: The slot the form just asked for, if any.
        entities: NLU entity values by entity name (``concern``, ``scalp_type``,
            ``product``).
        unsure_answers: An "I don't know" answers the question asked (the gentle branch).
            Not when a special situation's answer was said to the message: "i dont know
            anymore, i feel so low about it all" is distress, not an unsure scalp type.

    Returns:
        The facts, and whether the message answered "no concerns".
    """
    # A button payload ("/describe_scalp{...}") carries its values as entities.
    facts = parsing.parse("" if text.startswith("/") else text, expecting=requested)
    # The negation-aware parser decides; the NLU's entities only fill in when it
    # found no concern at all (a phrasing its rules do not know yet) in an
    # answer that is about concerns, not "dry" answering the scalp-type question.
    concerns = set(facts.concerns)
    if not concerns and requested in (None, contract.CONCERNS):
        concerns = set(entities.get("concern", [])) & set(contract.CONCERN_VALUES)
    concerns -= set(facts.negated_concerns)
    scalp_type = facts.scalp_type
    if scalp_type is None:
        typed = [v for v in entities.get("scalp_type", []) if v in contract.SCALP_TYPE_VALUES]
        if _COMPARED_NORMAL.search(text):
            typed = [v for v in typed if v != "normal"]
        scalp_type = typed[-1] if typed else None
    sensitive = facts.sensitive
    unsure = unsure_answers and is_unsure(text)
    if requested == contract.SENSITIVE_SCALP and unsure:
        sensitive = True  # unsure means the gentle branch: "no idea" is never "not sensitive"
    elif sensitive is None and requested == contract.SENSITIVE_SCALP and _NOW_AND_THEN.search(text):
        sensitive = True  # "sometimes", "a bit": sensitive at times is the gentle branch
    elif sensitive is None and requested == contract.SENSITIVE_SCALP:
        sensitive = {"affirm": True, "deny": False}.get(intent)
    if scalp_type is None and requested == contract.SCALP_TYPE and unsure:
        scalp_type = "normal"
    products = set(facts.buildup_products) or (
        set(entities.get("product", [])) & set(habits.PRODUCT_VALUES)
    )
    facts = parsing.ScalpFacts(
        concerns=frozenset(concerns),
        negated_concerns=facts.negated_concerns,
        scalp_type=scalp_type,
        sensitive=sensitive,
        wash_frequency=facts.wash_frequency,
        buildup_products=frozenset(products),
        goal=facts.goal,
        correction=facts.correction,
    )
    no_concerns = (
        requested == contract.CONCERNS
        and not concerns
        and (intent == "deny" or _contains(text, NOTHING_CONCERNS))
    )
    return facts, no_concerns


def known_facts(tracker: Tracker) -> parsing.ScalpFacts:
    """What the consultation already knows, from the slots."""
    base = parsing.ScalpFacts.from_values(
        tracker.get_slot(contract.CONCERNS),
        tracker.get_slot(contract.SCALP_TYPE),
        tracker.get_slot(contract.SENSITIVE_SCALP),
    )
    products = frozenset(tracker.get_slot(BUILDUP_PRODUCTS) or ()) & frozenset(
        habits.PRODUCT_VALUES
    )
    wash = tracker.get_slot(WASH_FREQUENCY)
    goal = tracker.get_slot(GOAL)
    return parsing.ScalpFacts(
        concerns=base.concerns,
        scalp_type=base.scalp_type,
        sensitive=base.sensitive,
        wash_frequency=wash if wash in habits.WASH_FREQUENCY_VALUES else None,
        buildup_products=products,
        goal=goal if goal in habits.GOAL_VALUES else None,
    )


def slot_events(
    before: parsing.ScalpFacts,
    after: parsing.ScalpFacts,
    concerns_answered: bool,
) -> list[EventType]:
    """``SlotSet`` events for every value that changed (pure).

    Args:
        before: What the slots held.
        after: The merged facts.
        concerns_answered: The user answered the concerns question (possibly
            with "nothing"), so the slot is filled even when empty.

    Returns:
        The events, in a fixed order.
    """
    events: list[EventType] = []
    if after.concerns != before.concerns or (concerns_answered and not after.concerns):
        ordered = [c for c in contract.CONCERN_VALUES if c in after.concerns]
        events.append(SlotSet(contract.CONCERNS, ordered))
    if after.scalp_type != before.scalp_type:
        events.append(SlotSet(contract.SCALP_TYPE, after.scalp_type))
    if after.sensitive != before.sensitive:
        events.append(SlotSet(contract.SENSITIVE_SCALP, after.sensitive))
    if after.wash_frequency != before.wash_frequency:
        events.append(SlotSet(WASH_FREQUENCY, after.wash_frequency))
    if after.buildup_products != before.buildup_products:
        ordered = [p for p in habits.PRODUCT_VALUES if p in after.buildup_products]
        events.append(SlotSet(BUILDUP_PRODUCTS, ordered))
    if after.goal != before.goal:
        events.append(SlotSet(GOAL, after.goal))
    return events


def correction_note(before: parsing.ScalpFacts, after: parsing.ScalpFacts) -> Phrase | None:
    """Acknowledge a changed answer, e.g. "Got it, I've changed that: not sensitive."."""
    changes: list[Value] = []
    if before.scalp_type and after.scalp_type != before.scalp_type and after.scalp_type:
        changes.append(phrase(CORRECTED_SCALP_TYPE[after.scalp_type]))
    if None not in (before.sensitive, after.sensitive) and after.sensitive != before.sensitive:
        changes.append(phrase(CORRECTED_SENSITIVE if after.sensitive else CORRECTED_NOT_SENSITIVE))
    dropped = sorted(set(before.concerns) - set(after.concerns))
    if dropped:
        named = chained([phrase(contract.CONCERN_NAMES[c]) for c in dropped], OR)
        changes.append(phrase(CORRECTED_NO_CONCERNS, dropped=named))
    if not changes:
        return None
    return phrase(CORRECTION_NOTE, changes=joined(changes, "; "))


class ValidateConsultationForm(Action):
    """Read each consultation answer into the slots; explain after two misses."""

    def name(self) -> str:
        """Return the action's name."""
        return "validate_consultation_form"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Fill every slot the latest message speaks to; count unusable answers."""
        if not is_fresh_answer(tracker.events):
            return []  # resuming after an interruption: nothing new to read
        intent = _intent(tracker)
        requested = tracker.get_slot(REQUESTED_SLOT)
        text = tracker.latest_message.get("text") or ""
        if requested in EXPLANATIONS and asks_why(text):
            # "why do you need that?" is neither an answer nor a new topic: say why, and
            # the form asks again (a slot event keeps it from being rejected).
            dispatcher.utter_message(response=EXPLANATIONS[requested])
            return [SlotSet(MISSES, 0.0)]
        entities = {
            name: _entity_values(tracker, name) for name in ("concern", "scalp_type", "product")
        }
        situation = situation_answered_now(tracker.events)
        facts, no_concerns = read_message(
            text, intent, requested, entities, unsure_answers=not situation
        )
        if not is_answer(intent, text, requested, facts, no_concerns, situation):
            return []  # an interruption: the form is rejected and rules answer
        before = known_facts(tracker)
        after = parsing.merge(before, facts)
        events = slot_events(before, after, no_concerns)
        note = correction_note(before, after)
        if note is not None:
            say(dispatcher, note, domain, tracker)
        filled = {e["name"] for e in events}
        skipped = skipped_slots(tracker)
        if (
            requested == WASH_FREQUENCY
            and requested not in filled
            and not situation
            and no_set_frequency(text)
        ):
            # "it varies", "no idea, i don't keep track": there is no one answer to give, so
            # the routine goes on without it, as after a skip; never the same question again.
            skipped = [*skipped, WASH_FREQUENCY]
            events.append(SlotSet(SKIPPED, skipped))
            filled.add(WASH_FREQUENCY)
        misses = float(tracker.get_slot(MISSES) or 0)
        # A special situation answered instead (a dose question): no miss, asked again.
        if requested and requested not in filled and not situation:
            misses += 1
            if misses >= 2 and requested in EXPLANATIONS:
                dispatcher.utter_message(response=EXPLANATIONS[requested])
                misses = 0
            elif not filled:
                # The question comes again: say why, instead of repeating it bare.
                dispatcher.utter_message(response=NOT_CAUGHT)
        elif not (requested and requested not in filled):
            misses = 0
        events.append(SlotSet(MISSES, misses))
        if skipped:
            # The form would ask the first empty slot; a skipped one is not asked again.
            filled_now = {e["name"]: e["value"] for e in events}
            nxt = next_question(lambda slot: filled_now.get(slot, tracker.get_slot(slot)), skipped)
            events.append(SlotSet(REQUESTED_SLOT, nxt))
        return events


#: A wash frequency with no one answer: "it varies", "depends on the week", "no set routine".
_NO_SET_FREQUENCY = re.compile(
    r"\b(?:varies|vary|depends|depending|changes|all over the place|no (?:set|fixed|real|"
    r"regular) (?:routine|schedule|pattern|days?)|irregular(?:ly)?|(?:do\s*n'?t|dont|never) "
    r"(?:really )?(?:keep track|count))\b",
    re.IGNORECASE,
)


def no_set_frequency(text: str | None) -> bool:
    """Is an answer to the wash question one that gives no frequency to note (pure)?

    The person does not know ("no idea") or there is none ("it varies, depends on the week").
    """
    return is_unsure(text) or bool(_NO_SET_FREQUENCY.search(text or ""))


def skipped_slots(tracker: Tracker) -> list[str]:
    """The consultation questions the user skipped."""
    value = tracker.get_slot(SKIPPED)
    return [str(v) for v in value] if isinstance(value, list) else []


def next_question(value_of: Any, skipped: list[str]) -> str | None:
    """The first consultation slot still empty and not skipped (``None``: done)."""
    return next(
        (slot for slot in REQUIRED_SLOTS if slot not in skipped and value_of(slot) is None),
        None,
    )


#: What the routine is built from. When none of it changed since the routine was given in
#: this session, a message that completes the consultation again ("thanks! my scalp is oily
#: btw") does not bring the whole routine back unasked: the long block is said once.
ROUTINE_INPUTS = (
    contract.CONCERNS,
    contract.SCALP_TYPE,
    contract.SENSITIVE_SCALP,
    WASH_FREQUENCY,
    BUILDUP_PRODUCTS,
    GOAL,
    contract.REFERRAL,
    contract.OWN_REFERRAL,
    contract.NUTRIENT_DEFICIENCY_SUSPECTED,
    contract.SITUATIONS_ANSWERED,
)
ROUTINE_UNCHANGED = "utter_routine_unchanged"
#: A request for the routine itself: "send me the routine again", "what were the steps?".
_ASKS_FOR_ROUTINE = re.compile(
    r"\b(?:routine|facial|steps?|again|re-?send|send|repeat|remind|lost|closed)\b", re.IGNORECASE
)


def _comparable(value: Any) -> Any:
    return tuple(sorted(map(str, value))) if isinstance(value, (list, tuple, set)) else value


def routine_given_unchanged(
    events: list[dict[str, Any]], slots: dict[str, Any], names: tuple[str, ...] = ROUTINE_INPUTS
) -> bool:
    """Was the routine given in this session, built from what the slots hold now (pure)?

    Args:
        events: The tracker's events, oldest first (the running action not among them).
        slots: The slots' current values.
        names: The slots the routine is built from.
    """
    values: dict[str, Any] = {}
    given: dict[str, Any] | None = None
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            values[str(event.get("name"))] = event.get("value")
        elif kind == "action" and event.get("name") == "action_session_start":
            given = None
        elif kind == "action" and event.get("name") == "action_give_routine":
            given = {name: values.get(name) for name in names}
    if given is None:
        return False
    return all(_comparable(given[name]) == _comparable(slots.get(name)) for name in names)


def asks_for_routine(intent: str | None, text: str | None) -> bool:
    """Does the message ask for the routine itself (pure)?"""
    return intent == "start_consultation" or bool(_ASKS_FOR_ROUTINE.search(text or ""))


class ActionGiveRoutine(Action):
    """Build and send the at-home routine from what the consultation collected."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_give_routine"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Send the routine and fill the massage contract slots it used."""
        # The client's own referral: a daughter's red flag leaves the client's routine.
        referral = contract.own_referral(
            tracker.get_slot(contract.OWN_REFERRAL), tracker.get_slot(contract.REFERRAL)
        )
        if referral is Referral.URGENT:
            dispatcher.utter_message(response=NO_ROUTINE_URGENT)
            return [
                SlotSet(contract.MASSAGE_MAX_MINUTES, 0.0),
                SlotSet(contract.MASSAGE_MAX_SESSIONS_PER_DAY, 0.0),
            ]
        if routine_given_unchanged(
            list(tracker.events), tracker.current_slot_values()
        ) and not asks_for_routine(_intent(tracker), tracker.latest_message.get("text")):
            # Nothing new since the routine above: not the whole block again, unasked.
            say(dispatcher, phrase(ROUTINE_UNCHANGED), domain, tracker)
            return []
        concerns = tracker.get_slot(contract.CONCERNS) or []
        nutrient = bool(tracker.get_slot(contract.NUTRIENT_DEFICIENCY_SUSPECTED))
        # Sensitivity not known (the question skipped) counts as sensitive: the gentle branch.
        sensitive = tracker.get_slot(contract.SENSITIVE_SCALP) is not False
        limit = massage.limit_for(referral, nutrient, "shedding" in concerns, sensitive)
        profile = routine.Profile.from_values(
            concerns=concerns,
            scalp_type=tracker.get_slot(contract.SCALP_TYPE),
            sensitive=sensitive,
            wash_frequency=tracker.get_slot(WASH_FREQUENCY),
            buildup_products=tracker.get_slot(BUILDUP_PRODUCTS),
            goal=tracker.get_slot(GOAL),
            referral=referral,
            nutrient_deficiency=nutrient,
            pregnant=situations.Situation.PREGNANCY.value
            in situations.answered(tracker.get_slot(contract.SITUATIONS_ANSWERED)),
        )
        built = routine.build_routine(profile, limit.max_minutes)
        text = say(dispatcher, routine.render(built), domain, tracker)
        minutes = float(built.massage_minutes)
        sessions = limit.max_sessions_per_day if built.massage_minutes > 0 else 0.0
        events: list[EventType] = [
            SlotSet(contract.MASSAGE_MAX_MINUTES, minutes),
            SlotSet(contract.MASSAGE_MAX_SESSIONS_PER_DAY, sessions),
        ]
        # A habit told inside a consultation answer was the form's, never checked: checked
        # now against the routine's limit, and past it, said and kept for the conversation.
        past = (
            massage.told_past_limit(unanswered_messages(this_session(tracker.events)), limit)
            if not limit.paused
            else None
        )
        if past is not None:
            say(dispatcher, massage.past_limit_note(limit, past), domain, tracker)
            events.append(SlotSet(contract.MASSAGE_OVERUSE, True))
        # The summary is stored only with consent: asked once, after the routine.
        decided = {
            "routine_text": text,
            "massage_max_minutes": minutes,
            "massage_max_sessions_per_day": sessions,
        }
        return events + await salon_actions.offer_or_store_summary(dispatcher, tracker, decided)

"""A policy that puts triage before every other flow, in every state.

Whenever the latest user message carries a red flag, or completes one with what
earlier messages said (a fever now, pus two messages ago: :mod:`scalpcare.screening`),
this policy predicts the triage action with full confidence and a priority above
``RulePolicy``, so it wins over forms, rules, FAQ answers and fallbacks, whatever loop
is active. After the triage action it decides the next step itself: back to an active
form (a ``doctor`` referral lets the consultation go on; stronger referrals end it in the
action), otherwise wait for the user.

Two more states:

- **A handoff.** Rasa predicts nothing for a paused conversation (staff have it). A red
  flag must still be answered, so :func:`install_pause_override` lets Rasa run this
  policy on a paused conversation for exactly that: triage, then listen.
- **A shrug.** A message that describes a body symptom but matches no intent
  confidently gets the safety net (what to watch for, when to see a doctor today)
  instead of the fallback's "did you mean...?" buttons alone.

And one more kind of message it answers in every state: a **special situation**
(:mod:`scalpcare.situations`: a medicine or dose question, chemotherapy, pregnancy, lice,
distress, a diagnosis under care, another language). Its answer comes after triage when
both are needed, then the form or the user's own question goes on. In a handoff only a
crisis is answered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from scalpcare import screening, situations, triage
from scalpcare.contract import (
    NUTRIENT_DEFICIENCY_SUSPECTED,
    REFERRAL,
    SITUATIONS_ANSWERED,
    TWO_STAGE_FALLBACK,
    Referral,
)
from scalpcare.massage_habits import (
    MASSAGE_WORDS,
    names_massage_setting,
    parse_habit,
    reports_habit,
)
from scalpcare.referral import asks_for_summary
from scalpcare.triage import ScreenResult, screen_parsed

TRIAGE_ACTION = "action_triage"
SAFETY_NET_ACTION = "action_safety_net"
SITUATION_ACTION = "action_special_situation"
#: A massage habit reported with a nutrient context: its limits follow the referral.
MASSAGE_ACTION = "action_massage_limits"
#: Intents that would answer a symptom with a shrug: the fallback's "did you mean...?"
#: buttons, or "that's outside what I can help with".
SHRUG_INTENTS = frozenset(("nlu_fallback", "out_of_scope"))


def message_level(parse_data: dict[str, Any] | None, text: str | None = None) -> Referral:
    """Referral level of a message: the screener's result in its parse data.

    When the parse data has no screening result (a message that did not go
    through this model's NLU, e.g. one injected with an intent, or a
    conversation test), the text is screened here, so no path skips triage.

    Args:
        parse_data: ``UserUttered.parse_data`` of the message (may be ``None``).
        text: The message text, screened when the parse data has no result.

    Returns:
        The level, ``none`` when nothing was found.
    """
    return screen_parsed(parse_data, text).level


def models_call_alone(message: UserUttered | None) -> bool:
    """Whether the message's level is the learned screener's alone (the rules found none)."""
    data = (message.parse_data if message is not None else None) or {}
    screened = data.get(triage.PARSE_PROPERTY)
    return (
        isinstance(screened, Mapping)
        and screened.get("rules_level") == Referral.NONE.value
        and screened.get("level") != Referral.NONE.value
    )


#: What a message with only a ``doctor``-level finding (a nutrient context) asked
#: for still gets answered after the referral, in the same turn.
DEFAULT_FOLLOW_UPS = {
    "ask_massage_limits": "action_massage_limits",
    "faq": "utter_faq",
    "ask_salon": "action_salon_info",
    "start_consultation": "consultation_form",
    "describe_scalp": "consultation_form",
}
#: What a message's own question gets after a special situation's answer (pregnancy,
#: distress); the other situations' answers are the whole answer.
SITUATION_FOLLOW_UPS = {
    "ask_massage_limits": "action_massage_limits",
    "faq": "utter_faq",
    "ask_salon": "action_salon_info",
}


def next_action(
    latest_action: str | None,
    previous_action: str | None,
    level: Referral,
    active_loop: str | None,
    intent: str | None = None,
    nutrient_answered: bool = False,
    follow_ups: Mapping[str, str] | None = None,
    triage_action: str = TRIAGE_ACTION,
    *,
    paused: bool = False,
    symptom: bool = False,
    situation: bool = False,
    situation_follow_up: bool = False,
    habit: bool = False,
) -> str | None:
    """Decide what the triage policy predicts (pure, table-tested).

    Args:
        latest_action: Name of the latest action on the tracker.
        previous_action: Name of the action before it (``None`` if none).
        level: Referral level the latest user message needs (its own, or what it
            makes together with earlier messages; ``none`` when the referral standing
            already covers that).
        active_loop: The active loop (form), if any.
        intent: The intent of the latest user message.
        nutrient_answered: A nutrient context was already answered (its slot is set).
        follow_ups: Intent -> action to run after a ``doctor``-level referral.
        triage_action: Name of the triage action.
        paused: The conversation is paused (staff have it): triage, then listen.
        symptom: The latest message describes a body symptom.
        situation: The latest message raises a special situation still to answer.
        situation_follow_up: Its answer leaves the message's own question to the flow.
        habit: The latest message reports a massage habit ("20 mins twice a day"): after a
            ``doctor`` referral, or the answer to distress or pregnancy, its limits follow,
            whatever the intent; without a referral it gets its limits, not the safety net.

    Returns:
        The action to predict, or ``None`` to leave the turn to other policies.
    """
    follow_ups = DEFAULT_FOLLOW_UPS if follow_ups is None else follow_ups
    if latest_action == ACTION_LISTEN_NAME:
        if level is Referral.NONE or (level is Referral.DOCTOR and nutrient_answered):
            # (A nutrient context already answered is not repeated.)
            if situation:
                return SITUATION_ACTION
            if symptom and intent in SHRUG_INTENTS and not paused and not habit:
                # (A massage habit told with it, "10 mins every sunday... hair still falling
                # a lot", gets its limits: the context policy answers it.)
                return SAFETY_NET_ACTION
            return None
        return triage_action
    if latest_action == triage_action and situation:
        return SITUATION_ACTION
    if latest_action in (triage_action, SAFETY_NET_ACTION, SITUATION_ACTION):
        if paused:
            return ACTION_LISTEN_NAME
        if active_loop:
            return active_loop
        if latest_action == triage_action and level is Referral.DOCTOR:
            # "lost weight fast... I've started massaging 20 mins twice a day": the
            # massage can't make up for nutrients, and its limit is the light one.
            if habit:
                return MASSAGE_ACTION
            if intent is not None and intent in follow_ups:
                return follow_ups[intent]
        if latest_action == SITUATION_ACTION and situation_follow_up:
            # A massage habit said with it ("i do 15 mins every night, really hard") gets
            # its limits, whatever the intent; otherwise the message's own question.
            if habit:
                return MASSAGE_ACTION
            if intent:
                return SITUATION_FOLLOW_UPS.get(intent, ACTION_LISTEN_NAME)
        return ACTION_LISTEN_NAME
    if previous_action in (triage_action, SITUATION_ACTION) and not active_loop:
        # The follow-up of a doctor-level referral has answered: wait.
        return ACTION_LISTEN_NAME
    return None


def form_in_progress(active_loop: str | None) -> str | None:
    """The active loop to return to after triage: a form, never the two-stage fallback.

    Returned to, the fallback would put the message back to be answered again, and again.
    """
    return None if active_loop == TWO_STAGE_FALLBACK else active_loop


class _ScreenedMessages:
    """Each user message's screening result, read from its parse data once.

    Every prediction of a new message reads the results of all the session's messages
    (:func:`session_results`), several predictions a message: turning each message's
    parse data into a result again grew the cost of a turn with the conversation's
    length. The tracker store hands the trackers of one conversation the same event
    objects, so a result is kept per event object (the object itself is kept with it, so
    that its id is not reused while the result is), for the ``size`` latest messages.
    """

    def __init__(self, size: int = 20000) -> None:
        self.size = size
        self._results: OrderedDict[int, tuple[UserUttered, ScreenResult]] = OrderedDict()

    def result(self, event: UserUttered) -> ScreenResult:
        """The message's screening result (the NLU component's, else the text's)."""
        kept = self._results.get(id(event))
        if kept is not None and kept[0] is event:
            self._results.move_to_end(id(event))
            return kept[1]
        result = screen_parsed(event.parse_data, event.text)
        self._results[id(event)] = (event, result)
        if len(self._results) > self.size:
            self._results.popitem(last=False)
        return result


_screened = _ScreenedMessages()


def session_results(tracker: DialogueStateTracker) -> list[ScreenResult]:
    """The screening of every user message since the session began, oldest first.

    Scans back from the end and stops at a restart or a new session.
    """
    results: list[ScreenResult] = []
    for event in reversed(tracker.events):
        if isinstance(event, (Restarted, SessionStarted)):
            break
        if isinstance(event, UserUttered) and event.text and not event.text.startswith("/"):
            results.append(_screened.result(event))
    results.reverse()
    return results


def needed_level(tracker: DialogueStateTracker, combine: bool = True) -> Referral:
    """The level the latest message calls for: its own, or with earlier messages.

    A combination across messages counts only when it goes beyond the referral that
    already stands (it was answered when it was made).

    Args:
        tracker: The conversation.
        combine: Combine with earlier messages (only a new message needs it).
    """
    latest = tracker.latest_message
    if latest is None:
        return Referral.NONE
    own = message_level(latest.parse_data, latest.text)
    if own is not Referral.NONE or not combine:
        return own
    state = screening.conversation_state(session_results(tracker))
    standing = Referral.parse(tracker.get_slot(REFERRAL))
    if state.combinations and Referral.URGENT.rank > standing.rank:
        return Referral.URGENT
    return Referral.NONE


def previous_user_text(events: Iterable[Event]) -> str | None:
    """The text of the user's message before the latest one (None when there is none)."""
    seen = 0
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            seen += 1
            if seen == 2:
                return event.text
    return None


def massage_limits_given(events: Iterable[Event]) -> bool:
    """Were the massage limits given in this session, before the latest message?"""
    for event in reversed(list(events)):
        if isinstance(event, (Restarted, SessionStarted)):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == MASSAGE_ACTION:
            return True
    return False


def massage_amount_not_medicine(
    found: tuple[situations.Situation, ...],
    text: str | None,
    limits_given: bool,
) -> tuple[situations.Situation, ...]:
    """``found`` without the learned reader's medicine call on a massage amount (pure).

    "if i put it on the lowest setting can i keep the 15 mins", "so 10 mins twice a day on
    the massager is fine?": a length, a count or a device's setting for the massage reads
    to the learned medicine head like a dose. When the rules find no medicine in it and it
    is about the massage (a massage or its tool named, or the limits given before in this
    session) with an amount of its own, it is the massage's question, not a medicine's.
    """
    medicine = situations.Situation.MEDICINE
    if medicine not in found or not text or medicine in situations.detect(text):
        return found
    habit = parse_habit(text)
    amount = habit.minutes is not None or habit.sessions_per_day is not None
    about_massage = bool(MASSAGE_WORDS.search(text)) or names_massage_setting(text)
    if amount and (about_massage or limits_given):
        return tuple(s for s in found if s is not medicine)
    return found


def pending_situations(
    tracker: DialogueStateTracker, paused: bool = False
) -> tuple[situations.Situation, ...]:
    """The special situations of the latest message still to answer (a crisis when paused).

    A reply to the crisis answer that brings no new topic ("i just needed to tell
    someone") counts as the crisis again (:func:`scalpcare.situations.crisis_continues`).
    """
    latest = tracker.latest_message
    if latest is None or not latest.text:
        return ()
    found = situations.with_distress_in_context(
        situations.from_parse(latest.parse_data, latest.text),
        latest.text,
        tracker.get_slot("concerns"),
        previous_user_text(tracker.events),
    )
    found = massage_amount_not_medicine(found, latest.text, massage_limits_given(tracker.events))
    answered = situations.answered(tracker.get_slot(SITUATIONS_ANSWERED))
    todo = situations.to_answer(found, answered, latest.text)
    intent = (latest.intent or {}).get("name")
    if not todo and not paused:
        # (During a handoff staff have the conversation, and were alerted to the crisis.)
        # The previous turn's replies are read only once a crisis or distress was answered.
        said_before = {situations.Situation.CRISIS.value, situations.Situation.DISTRESS.value}
        events = (e.as_dict() for e in reversed(tracker.events))
        replied = situations.previous_turn_replies(events) if said_before & set(answered) else []
        if situations.crisis_continues(replied, intent):
            todo = (situations.Situation.CRISIS,)
        elif situations.pregnancy_reminder(latest.text, answered):
            todo = (situations.Situation.PREGNANCY,)
        elif situations.lice_reminder(latest.text, answered):
            todo = (situations.Situation.LICE,)
        elif situations.chemo_reminder(latest.text, answered):
            todo = (situations.Situation.CHEMO,)
        elif situations.distress_continues(replied, found, answered):
            todo = (situations.Situation.DISTRESS,)
    if paused:
        return tuple(s for s in todo if s is situations.Situation.CRISIS)
    return todo


#: A message's own question is answered from the FAQ after a situation's answer when the
#: answer selector is at least this sure, whatever the intent ("I'm pregnant, is my
#: peppermint serum ok?" reads as feedback on a routine). Chosen for the linear FAQ
#: selector (addons/nlu/response_selector.py), whose confidences run 0.02-0.1 below those
#: of Rasa's TensorFlow selector on the same texts (training and dev conversation texts,
#: 2026-12-07): over those texts it fires on 77 messages of another intent at 0.7, where
#: the TensorFlow selector fired on 84 at its threshold of 0.8.
FAQ_FOLLOW_UP_CONFIDENCE = 0.7


def follows_up_situation(tracker: DialogueStateTracker, latest_action: str | None) -> bool:
    """After a situation's answer, does the message's own question still get its answer?

    Pregnancy and distress answer the situation, not the question ("is tea tree safe?",
    "how long should I massage?"): that follows. A medicine question alongside them
    changes nothing; any other situation's answer is the whole answer.
    """
    latest = tracker.latest_message
    if latest_action != SITUATION_ACTION or latest is None or not latest.text:
        return False
    found = set(situations.from_parse(latest.parse_data, latest.text))
    answered = situations.answered(tracker.get_slot(SITUATIONS_ANSWERED))
    if situations.pregnancy_reminder(latest.text, answered):
        found.add(situations.Situation.PREGNANCY)  # the reminder answered, not the question
    allowed = situations.FOLLOWED_UP | {situations.Situation.MEDICINE}
    return bool(found & situations.FOLLOWED_UP) and found <= allowed


def answer_intent(intent: str | None, parse_data: Mapping[str, Any] | None) -> str | None:
    """The intent whose answer a message's own question gets (pure).

    The message's intent when it has an answer (FAQ, massage); otherwise ``faq`` when the
    FAQ selector is sure of an answer (:data:`FAQ_FOLLOW_UP_CONFIDENCE`).
    """
    if intent in SITUATION_FOLLOW_UPS:
        return intent
    return "faq" if faq_confidence(parse_data) >= FAQ_FOLLOW_UP_CONFIDENCE else intent


def faq_confidence(parse_data: Mapping[str, Any] | None) -> float:
    """How sure the FAQ selector is of its answer to the message (0 when it did not run)."""
    selected = ((parse_data or {}).get("response_selector") or {}).get("faq") or {}
    return float((selected.get("response") or {}).get("confidence") or 0.0)


def describes_symptom(tracker: DialogueStateTracker) -> bool:
    """Does the latest message describe a body symptom (pain, bleeding, a lump...)?

    A request for the appointment summary while a referral stands does not, whatever
    words it repeats ("can you write that down for my doctor? my dad went bald young"):
    the summary answers it (the context policy), not the safety net.
    """
    latest = tracker.latest_message
    if latest is None or not latest.text:
        return False
    if requests_summary(latest.text, tracker.get_slot(REFERRAL)):
        return False
    return screening.describes_symptom(latest.text, (latest.parse_data or {}).get("triage"))


def requests_summary(text: str | None, referral: str | None) -> bool:
    """Is the message a request for the summary of a referral that stands (pure)?"""
    return Referral.parse(referral) is not Referral.NONE and asks_for_summary(text)


def needs_triage_while_paused(tracker: DialogueStateTracker) -> bool:
    """A paused conversation whose latest message must still be answered for safety.

    True for a new message that needs triage, and right after the triage action (so
    that the policy predicts listening); False once the bot listens again.
    """
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return needed_level(tracker) is not Referral.NONE or bool(
                pending_situations(tracker, paused=True)
            )
        if isinstance(event, ActionExecuted):
            return event.action_name in (TRIAGE_ACTION, SITUATION_ACTION)
    return False


_original_should_handle = MessageProcessor._should_handle_message


def _should_handle_message(tracker: DialogueStateTracker) -> bool:
    """Rasa's rule, plus: a red flag is answered in a paused conversation too."""
    if _original_should_handle(tracker):
        return True
    return tracker.is_paused() and needs_triage_while_paused(tracker)


def install_pause_override() -> None:
    """Let Rasa answer red flags in paused (handed-off) conversations (idempotent)."""
    MessageProcessor._should_handle_message = staticmethod(_should_handle_message)


def previous_action_name(tracker: DialogueStateTracker) -> str | None:
    """Name of the action before the latest one in this session (``None`` if none).

    Scans back from the end (cheap on long conversations) and stops at a
    restart or a new session.
    """
    names: list[str | None] = []
    for event in reversed(tracker.events):
        if isinstance(event, (Restarted, SessionStarted)):
            break
        if isinstance(event, ActionExecuted):
            names.append(event.action_name or event.action_text)
            if len(names) == 2:
                return names[1]
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class TriagePolicy(Policy):
    """Predict the triage action for every unanswered red flag, in every state."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Priority 7 outranks RulePolicy (6) when both are certain."""
        return {
            "priority": 7,
            "triage_action": TRIAGE_ACTION,
            "follow_ups": dict(DEFAULT_FOLLOW_UPS),
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> None:
        """Create the policy (nothing to learn); red flags outrank a handoff's pause."""
        super().__init__(config, model_storage, resource, execution_context, **kwargs)
        install_pause_override()
        self.triage_action = str(config.get("triage_action", TRIAGE_ACTION))
        self.follow_ups = {
            str(k): str(v) for k, v in (config.get("follow_ups") or DEFAULT_FOLLOW_UPS).items()
        }

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to train: the decision is rule-based."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predict the triage action, its follow-up, or nothing."""
        latest = tracker.latest_message
        latest_action = tracker.latest_action_name
        intent = (latest.intent or {}).get("name") if latest else None
        level = needed_level(tracker, combine=latest_action == ACTION_LISTEN_NAME)
        paused = tracker.is_paused()
        found = (
            pending_situations(tracker, paused=paused)
            if latest_action in (ACTION_LISTEN_NAME, self.triage_action)
            else ()
        )
        if latest_action == self.triage_action:
            # The triage reply already said "English only" with the salon's phone.
            found = tuple(f for f in found if f is not situations.Situation.OTHER_LANGUAGE)
        if level is Referral.DOCTOR and situations.defers_referral(
            found,
            situations.answered(tracker.get_slot(SITUATIONS_ANSWERED)),
            models_call_alone(latest),
        ):
            # Chemotherapy or a diagnosis under care: no deficiency guess; head lice: its
            # answer takes the place of the learned screener's doctor call alone. (A
            # dermatologist finding still gets its referral: "worried about skin cancer, a
            # scaly spot that bleeds" reads as chemotherapy too, and safety comes first.)
            level = Referral.NONE
        if latest_action == SITUATION_ACTION and latest is not None:
            intent = answer_intent(intent, latest.parse_data)
        action = next_action(
            latest_action,
            previous_action_name(tracker),
            level,
            form_in_progress(tracker.active_loop_name),
            intent=intent,
            nutrient_answered=bool(tracker.get_slot(NUTRIENT_DEFICIENCY_SUSPECTED)),
            follow_ups=self.follow_ups,
            triage_action=self.triage_action,
            paused=paused,
            situation=bool(found),
            situation_follow_up=follows_up_situation(tracker, latest_action),
            habit=reports_habit(latest.text if latest else None),
            symptom=(
                latest_action == ACTION_LISTEN_NAME
                and intent in SHRUG_INTENTS
                and level is Referral.NONE
                and describes_symptom(tracker)
            ),
        )
        probabilities = self._default_predictions(domain)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # Rasa's ensemble lets "no user" predictions (RulePolicy's happy path of
        # an active form) overrule every other prediction whatever its priority.
        # Triage must outrank the form, so its predictions are in that class
        # too; among them, priority 7 beats RulePolicy's 6.
        return self._prediction(probabilities, is_no_user_prediction=True)

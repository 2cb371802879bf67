"""A message read in the context of the conversation, whatever its intent.

The intent classifier reads one message alone. Six kinds of message only make sense in
context, and this policy answers them (pure decisions, table-tested):

- **A new day and time for a booking request**, to "Shall I cancel your request?" or
  "What day and time would suit you better?" ("friday at 3 instead"): the request is
  changed (``action_change_booking``) whatever the intent classifier reads.
- **The client's answer to staff**: the first message after staff wrote about a booking
  request from the console goes to that request (``action_booking_reply``); a request
  to move a booking to a named time ("I want to move it to Friday at 6pm") asks about it
  whatever its intent.
- **The answer to the yes/no question just asked.** "Shall I go ahead?" before erasing
  (``forget_offered``), "Would you like the salon to keep a short note?" (``consent_offered``)
  and "Would you like a short summary for the appointment?" (``summary_offered``). Rules
  answer them when the intent is ``affirm`` or ``deny``; people answer in their own words,
  and on WhatsApp the buttons become text: "go for it", "👍", "yes, delete everything"
  (read as a new forget-me request), "fine by me" (read as small talk). Right after the
  question the message is read with :func:`scalpcare.confirmation.confirms`; a question
  back ("what gets deleted?"), "not sure", "ok thanks" or anything else is left to the other
  policies, and so is any message once another message came in between.
- **A skipped consultation question.** "skip", "pass" or "I'd rather not say" skips the
  question asked (``action_stop_or_skip``); "I'd rather not say" reads as ``deny`` or as
  nothing at all.
- **A follow-up to the massage limits.** Right after them, a short question about amount
  ("is that too much?", "how hard should I press?") is answered by the massage limits again.
- **A massage habit reported, or a massage question not placed.** "I've been rubbing
  rosemary oil in morning and night, 15 minutes each time" reads as a description of the
  scalp, "what about a light massage with my fingertips?" as nothing: both get the massage
  limits.

Triage (priority 7) outranks it: "yes, and my scalp is bleeding now" is triaged first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from addons.policies.triage_policy import (
    FAQ_FOLLOW_UP_CONFIDENCE,
    faq_confidence,
    previous_action_name,
)
from scalpcare import consultation_parsing
from scalpcare.booking_words import asks_to_change, offers_a_time, says_cancel
from scalpcare.commands import (
    Command,
    asks_to_erase,
    asks_to_repeat,
    asks_why,
    follows_up_amount,
    prefers_other_contact,
    read_command,
)
from scalpcare.confirmation import asks_back, confirms
from scalpcare.contract import REFERRAL, Referral
from scalpcare.massage import parse_habit
from scalpcare.massage_habits import (
    MASSAGE_WORDS,
    asks_massage_amount,
    names_massage_setting,
    reports_habit,
)
from scalpcare.referral import (
    adds_detail,
    adds_to_summary,
    asks_for_summary,
    outside_family_history,
)

#: The slot set while a yes/no question waits -> (the action for yes, the action for no).
QUESTIONS: Mapping[str, tuple[str, str]] = {
    "forget_offered": ("action_forget_me", "action_keep_data"),
    "consent_offered": ("action_give_consent", "action_decline_consent"),
    "summary_offered": ("action_referral_summary", "action_decline_summary"),
    "cancel_offered": ("action_cancel_booking", "action_keep_booking"),
}
#: Questions that ask whether to cancel something: "cancel it" answers yes to them.
CANCELLING = frozenset({"cancel_offered"})
#: Set while "What day and time would suit you better?" waits for the new time.
CHANGE_OFFERED = "change_offered"
CHANGE_BOOKING_ACTION = "action_change_booking"
#: The questions about a booking request, whose answer may be a new day and time.
BOOKING_QUESTIONS = {"cancel_offered": None, CHANGE_OFFERED: None}


def pending_question(events: Sequence[Event], questions: Mapping[str, Any]) -> str | None:
    """The question (its slot) asked just before the latest user message, if still open.

    A question is open when its slot was last set to true before the latest user message
    and no other user message came since (pure, table-tested).
    """
    latest = slot_set_before_latest(events, questions)
    return latest.key if latest is not None and latest.value is True else None


def slot_set_before_latest(events: Sequence[Event], names: Iterable[str]) -> SlotSet | None:
    """The latest setting of one of ``names`` between the two latest user messages (pure).

    None when another user message came since it, or when none of them was set then.
    """
    names = set(names)
    users_since = 0
    for event in reversed(events):
        if isinstance(event, UserUttered):
            users_since += 1
            if users_since > 1:
                return None
        elif isinstance(event, SlotSet) and event.key in names:
            return event if users_since == 1 else None
    return None


def answer_action(
    events: Sequence[Event],
    text: str | None,
    questions: Mapping[str, tuple[str, str]] = QUESTIONS,
) -> str | None:
    """The yes or no action for a typed answer to the open question; None to leave it."""
    question = pending_question(events, questions)
    if question is None:
        return None
    answer = confirms(text, cancelling=question in CANCELLING)
    if answer is None:
        return None
    yes, no = questions[question]
    return yes if answer else no


def booking_answer_action(events: Sequence[Event], text: str | None) -> str | None:
    """The answer to a question about the client's booking request, read for a new time.

    To "Shall I cancel your request?" or "What day and time would suit you better?", a
    day or time offered ("friday at 3 instead", "can't do sat but monday works") changes
    the request. To the second, "just cancel it" cancels and "no, leave it" keeps it; a
    yes or no to the first is :func:`answer_action`'s. Anything else is left (pure).
    """
    question = pending_question(events, BOOKING_QUESTIONS)
    if question is None:
        return None
    if offers_a_time(text) and (asks_to_change(text) or not says_cancel(text)):
        return CHANGE_BOOKING_ACTION
    if question != CHANGE_OFFERED:
        return None
    cancel, keep = QUESTIONS["cancel_offered"]
    answer = confirms(text, cancelling=True)
    if answer is True and says_cancel(text):
        return cancel
    return keep if answer is False else None


#: Set by the staff console with its message about a booking request (console/context.py).
BOOKING_REPLY_SLOT = "booking_reply_id"
BOOKING_REPLY_ACTION = "action_booking_reply"


def booking_reply_action(events: Sequence[Event], text: str | None = None) -> str | None:
    """``action_booking_reply`` for the client's first message after staff wrote (pure).

    Staff confirm, decline or propose another time from the console ("Would Thursday at
    17:30 suit you? Just reply here."); what the client answers goes to the request,
    unless it asks to cancel or move it (those flows tell staff themselves).
    """
    if says_cancel(text) or asks_to_change(text):
        return None
    staff_wrote = slot_set_before_latest(events, (BOOKING_REPLY_SLOT,))
    return (
        BOOKING_REPLY_ACTION if staff_wrote is not None and staff_wrote.value is not None else None
    )


ASK_ABOUT_BOOKING_ACTION = "action_ask_cancel_booking"
#: Intents a request to move a booking is misread as.
CHANGE_MISREAD_AS = frozenset(("nlu_fallback", "out_of_scope", "inform", "request_booking"))


def change_request_action(
    active_loop: str | None, intent: str | None, text: str | None
) -> str | None:
    """A request to move a booking to a named time, read as something else (pure).

    "I want to move it to Friday at 6pm" asks to change the client's request whatever
    the classifier reads (the action says so when there is none). Outside forms only.
    """
    if active_loop or intent not in CHANGE_MISREAD_AS:
        return None
    if asks_to_change(text) and offers_a_time(text):
        return ASK_ABOUT_BOOKING_ACTION
    return None


#: A consultation question answered "skip", "pass" or "rather not say" (whatever the intent).
CONSULTATION_FORM = "consultation_form"
STOP_OR_SKIP_ACTION = "action_stop_or_skip"
ROUTINE_ACTION = "action_give_routine"
MASSAGE_ACTION = "action_massage_limits"
#: Answers whose short follow-up questions ("is that too much?", "how often should I do
#: this?") refer to them, and what answers the follow-up.
FAQ_ACTION = "utter_faq"
#: A booking request sent: "how long will it last?" asks about the service booked.
BOOKING_ACTION = "action_submit_booking"
SALON_INFO_ACTION = "action_salon_info"
TOPIC_ANSWERS = {
    MASSAGE_ACTION: MASSAGE_ACTION,
    ROUTINE_ACTION: FAQ_ACTION,
    BOOKING_ACTION: SALON_INFO_ACTION,
}
#: The special situations' answer: the topic of the message it answered stays the topic.
SITUATION_ACTION = "action_special_situation"
#: Actions that keep the topic of the answer before them.
TOPIC_NEUTRAL = frozenset(
    (
        "action_listen",
        "action_give_consent",
        "action_decline_consent",
        "utter_youre_welcome",
        "utter_acknowledged",
    )
)
#: Answers this policy may give outside the rules (it then predicts listening itself).
FOLLOWED_UP_ANSWERS = frozenset(
    (
        MASSAGE_ACTION,
        FAQ_ACTION,
        SALON_INFO_ACTION,
        # the routine said again, the erasure's question, the goodbye, a plan heard (below)
        ROUTINE_ACTION,
        "action_ask_forget",
        "utter_goodbye",
        "utter_acknowledged",
    )
)
BOOKING_FORM = "booking_form"
STOP_BOOKING_ACTION = "action_stop_booking"
ANSWER_ACTIONS = frozenset(
    [
        *(action for pair in QUESTIONS.values() for action in pair),
        STOP_OR_SKIP_ACTION,
        STOP_BOOKING_ACTION,
        CHANGE_BOOKING_ACTION,
        BOOKING_REPLY_ACTION,
        ASK_ABOUT_BOOKING_ACTION,
    ]
)


#: The FAQ selector's confidence at which a message the intent classifier could not place
#: gets the FAQ's answer instead of "did you mean...?". Measured 2026-12-07 on the model of
#: that day: of 214 NLU examples of other intents the classifier left unplaced, none reached
#: 0.8; of 40 unplaced dev-conversation turns, 2 reached 0.9, both right ("and how long
#: before i see anything" -> how long results take).
FAQ_RESCUE_CONFIDENCE = 0.9


def faq_rescue_action(
    active_loop: str | None,
    intent: str | None,
    parse_data: Mapping[str, Any] | None,
    text: str | None = None,
) -> str | None:
    """The FAQ's answer for a message no intent placed, when the selector is sure (pure).

    It comes before reading an unplaced message about massage as a massage question: "can
    massage really do that?" about a claim asks what massage can do, which the FAQ answers.
    A massage habit told with it ("20 min twice a day, good idea?") is the limits' instead.
    """
    if active_loop or intent not in UNPLACED_INTENTS or reports_habit(text):
        return None
    return FAQ_ACTION if faq_confidence(parse_data) >= FAQ_RESCUE_CONFIDENCE else None


#: The answers "say that again" refers to, and what says each again (the routine is
#: sent again in full when asked for: ``actions.consultation.asks_for_routine``).
REPEATABLE = {ROUTINE_ACTION: ROUTINE_ACTION, MASSAGE_ACTION: MASSAGE_ACTION}


def repeat_action(events: Sequence[Event], active_loop: str | None, text: str | None) -> str | None:
    """The latest answer again, for "can you send it again pls, my phone died" (pure).

    "it", "that", "the steps" refer to the routine or the massage limits given just
    before (a consent question answered in between keeps the topic), whatever the intent
    classifier makes of the message; it comes before reading the message as an answer to
    "Would you like the salon to keep a short note?" ("send it again please" is no yes
    to it). Outside forms only: there "say that again" is about the question asked.
    """
    if active_loop or not asks_to_repeat(text):
        return None
    return REPEATABLE.get(last_topic_answer(events) or "")


ASK_FORGET_ACTION = "action_ask_forget"


def forget_question_back_action(events: Sequence[Event], text: str | None) -> str | None:
    """The erasure's question again for a question back about it (pure).

    To "This deletes everything the salon stored about you (notes, booking requests) and
    this whole conversation. Shall I go ahead?", "wait what does that delete exactly, my
    booking too??" asks what the question says: it is asked again, so that the next
    message ("hmm no then, leave it") still answers it.
    """
    if pending_question(events, {"forget_offered": None}) is None or not asks_back(text):
        return None
    return ASK_FORGET_ACTION


def erase_request_action(
    active_loop: str | None, intent: str | None, text: str | None
) -> str | None:
    """The erasure's question for a request to erase the classifier could not place (pure).

    "how do i get rid of my conversations with you", "clear our chat history pls": the
    question ("Shall I go ahead?") erases nothing until it is answered yes. Outside forms
    (the rules end a form first when the intent is ``forget_me``).
    """
    if active_loop or intent not in UNPLACED_INTENTS or not asks_to_erase(text):
        return None
    return ASK_FORGET_ACTION


#: A thank-you said with a farewell ("thank you so much, have a nice day") ranks the two
#: closing intents close together, and the fallback's ambiguity check then asks "did you
#: mean...?": both close the conversation, so the goodbye answers it.
CLOSING_INTENTS = frozenset(("thank", "goodbye"))
GOODBYE_ACTION = "utter_goodbye"
MIN_CLOSING_CONFIDENCE = 0.8


def closing_action(
    active_loop: str | None,
    parse_data: Mapping[str, Any] | None,
    min_confidence: float = MIN_CLOSING_CONFIDENCE,
) -> str | None:
    """The goodbye for a message the classifier split between thanks and goodbye (pure).

    Only when the message was left unplaced (``nlu_fallback``) and the two likeliest
    intents are the two closing ones, together at least ``min_confidence``. Outside forms:
    in the consultation the rules tell a thank-you (the form goes on) from a goodbye.
    """
    data = parse_data or {}
    if active_loop or (data.get("intent") or {}).get("name") != "nlu_fallback":
        return None
    ranking = [
        entry for entry in data.get("intent_ranking") or [] if entry.get("name") != "nlu_fallback"
    ][:2]
    if {entry.get("name") for entry in ranking} != CLOSING_INTENTS:
        return None
    total = sum(float(entry.get("confidence") or 0.0) for entry in ranking)
    return GOODBYE_ACTION if total >= min_confidence else None


#: A message that says what the client will do next, acknowledged (plan_action).
ACKNOWLEDGED_ACTION = "utter_acknowledged"
#: "ill wash it first and see lol", "ok i'll ask her nurse then", "gonna phone the gp
#: tomorrow", "right, we'll try the comb tonight": the client's own next step, said at the
#: start of the message (after "ok", "thanks" and the like). "ill" alone is "I'll" only
#: before a verb-like word ("i was ill for a week", "ill since friday" are not plans).
_PLAN = re.compile(
    r"^(?:(?:ok(?:ay)?|k|kk|right|alright|sure|fine|yeah|yep|yes|thanks?|thank you|ta|"
    r"cheers|cool|great|good|perfect|fair enough|makes sense|hmm+|oh|ah|so|then)\b[,.!\s]*)*"
    r"(?:i['’]ll|i will|we['’]ll|we will|i['’]?m (?:gonna|going to)|"
    r"i'?d better|we'?d better|i shall|will do|gonna|"
    r"ill(?=\s+(?!(?:for|with|since|after|again|all|last|this|and|in|on|at|a|the|today|"
    r"yesterday|recently|lately|now|still|too|as)\b)[a-z]))\b"
)


def states_plan(text: str | None) -> bool:
    """Does the message say what the client will do next, asking nothing (pure)?"""
    if not text or "?" in text:
        return False
    return bool(_PLAN.search(text.strip().lower()))


def plan_action(active_loop: str | None, parse_data: Mapping[str, Any] | None) -> str | None:
    """``utter_acknowledged`` for a next step of the client's the classifier left unplaced.

    After an answer, "ill wash it first and see lol" or "gonna ring the gp tomorrow" is
    neither a question nor a topic: it is heard, not met with "did you mean...?". Outside
    forms (there a message is an answer to the question asked); a symptom in it is
    triage's, which comes first.
    """
    data = parse_data or {}
    if active_loop or (data.get("intent") or {}).get("name") != "nlu_fallback":
        return None
    return ACKNOWLEDGED_ACTION if states_plan(data.get("text")) else None


#: Said before the FAQ's answer when the same answer was already given in this session.
FAQ_AGAIN_ACTION = "utter_faq_again"


def faq_answer_key(parse_data: Mapping[str, Any] | None) -> str | None:
    """The FAQ answer the selector picked for the message ("faq/peptides"), if any."""
    selected = ((parse_data or {}).get("response_selector") or {}).get("faq") or {}
    key = (selected.get("response") or {}).get("intent_response_key")
    return str(key) if key else None


def said_in_session(events: Sequence[Event], response: str) -> bool:
    """Was ``response`` said in this session, before the latest message (pure)?"""
    for event in reversed(events):
        if isinstance(event, (Restarted, SessionStarted)):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get("utter_action") == response:
            return True
    return False


def faq_again_action(
    events: Sequence[Event],
    active_loop: str | None,
    action: str | None,
    intent: str | None,
    parse_data: Mapping[str, Any] | None,
) -> str | None:
    """A word that the answer was given already, before the same FAQ answer again (pure).

    "what does tea tree actually do?" asked twice gets the answer twice, but the second
    time it first says so ("you asked that a moment ago...") instead of pasting the same
    block as if new. Outside forms only (a form's rules answer a question and resume).

    Args:
        events: The conversation's events, the latest message last.
        active_loop: The active form, if any.
        action: What this policy predicts otherwise (the FAQ's answer, or nothing).
        intent: The latest message's intent (``faq`` when the rules would answer it).
        parse_data: The latest message's parse data (the FAQ selector's pick).
    """
    if active_loop or not (action == FAQ_ACTION or (action is None and intent == "faq")):
        return None
    key = faq_answer_key(parse_data)
    if not key or not said_in_session(events, f"utter_{key}"):
        return None
    return FAQ_AGAIN_ACTION


SUMMARY_ACTION = "action_referral_summary"
DECLINE_SUMMARY_ACTION = "action_decline_summary"


def summary_action(
    active_loop: str | None,
    referral: str | None,
    text: str | None,
    summary_just_given: bool = False,
    earlier: Sequence[str] = (),
    declined_just_now: bool = False,
) -> str | None:
    """The appointment summary, asked for in words while a referral stands (pure).

    Right after the summary, a message that adds what it quotes ("oh also i'm 49 and it
    gets worse when i'm stressed", "forgot to say it itches too"; ``earlier``: the user's
    messages before it) gets the summary again, with it. Right after the offer was declined,
    a yes that takes the no back ("actually yes please", "hmm go on then", "on second
    thoughts yes please"; ``declined_just_now``) gets it too.

    "could you write down what i should tell the dermatologist?" is a yes to the summary
    (offered or not) once a doctor, dermatologist or urgent referral was made; in the
    consultation form too (a doctor's referral leaves it going: "can you summarise this
    for my GP?" is no answer to its question), which then asks its question again
    (:func:`after_answer`). Not in the booking form: its own rules answer there.
    """
    if active_loop not in (None, CONSULTATION_FORM):
        return None
    if Referral.parse(referral) is Referral.NONE:
        return None
    if asks_for_summary(text) or (summary_just_given and adds_to_summary(text)):
        # "can you add that?" right after the summary: it again, with what was added.
        return SUMMARY_ACTION
    if summary_just_given and (adds_detail(earlier, text) or adds_concern(earlier, text)):
        return SUMMARY_ACTION
    if declined_just_now and takes_back_a_no(text):
        return SUMMARY_ACTION
    return None


#: "actually", "changed my mind", "on second thought", "after all", "go on then": a no taken back.
_TAKEN_BACK = re.compile(
    r"\b(?:actually|changed my mind|(?:on )?second thoughts?|on reflection|after all|"
    r"go on then|wait|hmm+|why not|thinking about it)\b",
    re.IGNORECASE,
)


def takes_back_a_no(text: str | None) -> bool:
    """Is the message a yes that takes back the no just said (pure)?"""
    return bool(text) and bool(_TAKEN_BACK.search(text or "")) and confirms(text) is True


def adds_concern(earlier: Sequence[str], text: str | None) -> bool:
    """Does the message name a concern (itch, flaking...) none of ``earlier`` did (pure)?

    Said as an addition ("oh also it itches", "and it's flaky too"), not a question
    ("is itching normal?").
    """
    if not text or "?" in text:
        return False

    def concerns(message: str) -> frozenset[str]:
        return frozenset(consultation_parsing.parse(outside_family_history(message)).concerns)

    said = frozenset().union(*(concerns(message) for message in earlier))
    return bool(concerns(text) - said)


def user_texts_before_latest(events: Sequence[Event]) -> list[str]:
    """The user's typed messages before the latest one, oldest first (pure)."""
    texts = [
        str(event.text)
        for event in events
        if isinstance(event, UserUttered) and event.text and not str(event.text).startswith("/")
    ]
    return texts[:-1]


def answered_last_turn(events: Sequence[Event], action: str) -> bool:
    """Did ``action`` run in the assistant's turn before the latest message (pure)?"""
    users_seen = 0
    for event in reversed(events):
        if isinstance(event, UserUttered):
            users_seen += 1
            if users_seen > 1:
                return False
        elif isinstance(event, ActionExecuted) and users_seen == 1 and event.action_name == action:
            return True
    return False


def stop_booking_action(active_loop: str | None, text: str | None) -> str | None:
    """``action_stop_booking`` when the client will reach the salon another way (pure).

    "ok I'll just phone instead" in the booking form ends the request, whatever the
    intent classifier makes of it (a plain "stop" is the intent's, and its rule's).
    """
    if active_loop == BOOKING_FORM and prefers_other_contact(text):
        return STOP_BOOKING_ACTION
    return None


def skip_action(active_loop: str | None, text: str | None) -> str | None:
    """``action_stop_or_skip`` for a typed skip of the consultation question asked (pure).

    Only the whole-message skip ("skip", "pass", "I'd rather not say") counts here: a
    message that merely uses "stop" is left to the intent classifier and its rules.
    """
    if active_loop == CONSULTATION_FORM and read_command(text) is Command.SKIP:
        return STOP_OR_SKIP_ACTION
    return None


def why_action(active_loop: str | None, text: str | None) -> str | None:
    """The consultation form for "whats the point of this question?" asked in it (pure).

    The form's validator says why the question is asked and the form asks it again,
    whatever the intent classifier makes of the message (read as ``help``, its rule
    would answer with the general help text instead).
    """
    if active_loop == CONSULTATION_FORM and asks_why(text):
        return CONSULTATION_FORM
    return None


def consultation_left_open(events: Sequence[Event]) -> bool:
    """Was a consultation in this session left before its routine (pure)?

    Stopped ("stop, gotta go"), ended by a goodbye, or left for a booking request that
    was then stopped: its answers are kept, and the routine was not given.
    """
    left_open = False
    for event in events:
        if isinstance(event, (SessionStarted, Restarted)):
            left_open = False
        elif isinstance(event, ActiveLoop) and event.name == CONSULTATION_FORM:
            left_open = True
        elif isinstance(event, ActionExecuted) and event.action_name == ROUTINE_ACTION:
            left_open = False
    return left_open


def resume_action(active_loop: str | None, text: str | None, events: Sequence[Event]) -> str | None:
    """The consultation again for "ok im back, lets continue" after it was left (pure).

    Outside any form, a request to carry on ("let's continue", "I'm back", "where were
    we") picks the consultation up where it was left, asking only what is still missing.
    """
    if (
        active_loop is None
        and read_command(text) is Command.CONTINUE
        and consultation_left_open(events)
    ):
        return CONSULTATION_FORM
    return None


def last_topic_answer(events: Sequence[Event], turns_back: int = 2) -> str | None:
    """The massage limits, the routine or a booking request, when it was the latest answer.

    Looks back over the last ``turns_back`` turns before the latest message; a consent
    question answered or a thank-you in between keeps the topic, anything else ends it.
    A special situation's answer to a message about massage ("is a scalp massage ok in
    the third trimester?") leaves the massage as the topic.
    """
    users_seen = 0
    situation_answered = False
    for event in reversed(events):
        if isinstance(event, UserUttered):
            if situation_answered:
                # "is a scalp massage ok while pregnant?" answered by the special situation:
                # "how long can I do it for?" next still asks about the massage.
                return MASSAGE_ACTION if MASSAGE_WORDS.search(event.text or "") else None
            users_seen += 1
            if users_seen > turns_back:
                return None
        elif isinstance(event, ActionExecuted) and users_seen >= 1:
            name = event.action_name or ""
            if name in TOPIC_ANSWERS:
                return name
            if name == SITUATION_ACTION:
                situation_answered = True
            elif name not in TOPIC_NEUTRAL:
                return None
    return None


def follow_up_action(
    events: Sequence[Event],
    active_loop: str | None,
    text: str | None,
    parse_data: Mapping[str, Any] | None = None,
) -> str | None:
    """The answer a short follow-up about amount refers to (pure).

    Right after the massage limits, "is that too much?" or "how hard should I press"
    asks about the massage; right after the routine, "how often should I do this?" asks
    about the routine (the FAQ's answer, when the FAQ selector is sure of it); right after
    a booking request, "how long will it last?" asks about the service requested; whatever
    the intent classifier makes of them. Outside forms only: in a form the rules answer a
    massage question and resume the form.
    """
    if active_loop or not follows_up_amount(text):
        return None
    topic = last_topic_answer(events)
    if topic == ROUTINE_ACTION:
        return FAQ_ACTION if faq_confidence(parse_data) >= FAQ_FOLLOW_UP_CONFIDENCE else None
    return TOPIC_ANSWERS.get(topic or "")


def massage_amount_action(active_loop: str | None, text: str | None) -> str | None:
    """The massage limits for how long, how often or how hard to massage (pure).

    "side note, does massaging help with flakes? how long should i do it": the amount is
    the massage's, whatever the intent classifier or the FAQ selector make of it (it was
    "how long until results"). Outside forms and in the consultation, which resumes after
    it (:func:`after_answer`); not in the booking form.
    """
    if active_loop not in (None, CONSULTATION_FORM) or not asks_massage_amount(text):
        return None
    return MASSAGE_ACTION


#: Intents a reported massage habit is misread as (a description, feedback, nothing).
HABIT_MISREAD_AS = frozenset(
    ("describe_scalp", "routine_feedback", "inform", "nlu_fallback", "out_of_scope", "faq")
)
#: Intents that mean the classifier could not place the message.
UNPLACED_INTENTS = frozenset(("nlu_fallback", "out_of_scope"))
#: A message about the answer just given ("which one should i drop then?", "so cut it down?").
REFERS_BACK = re.compile(
    r"\b(?:which (?:one|of (?:them|those|the two))|one of (?:them|those)|drop|cut (?:down|back|out)"
    r"|skip one|the other one|then\??$)"
)


def habit_action(
    active_loop: str | None,
    intent: str | None,
    text: str | None,
    after_massage: bool = False,
    limits_given: bool = False,
) -> str | None:
    """The massage limits for a massage habit or question read as something else (pure).

    A habit is a massage word with a number of minutes or sessions a day; a message about
    massage that the classifier could not place at all ("what about a light massage with
    my fingertips?") is a massage question too. Right after the massage limits the massage
    word may be left out ("i've been doing 45 min a day because the salon does 45"), and a
    tool named alone is about the massage ("but fingertips are just as good, which is
    it"), and so is a message that could not be placed but refers back to the answer
    ("which one should i drop then"). Once the limits were given in the conversation, a
    daily habit told in full without the word (minutes, and once a day or more: "this
    week i've done 10 mins morning and night") is an update of the massage habit. Outside
    forms only: a consultation answer may mention a massage in passing.
    """
    if active_loop or intent not in HABIT_MISREAD_AS or not text:
        return None
    massage_said = bool(MASSAGE_WORDS.search(text))
    habit = parse_habit(text)
    if (
        intent in UNPLACED_INTENTS
        and habit.minutes is not None
        and (habit.sessions_per_day or 0) >= 1
        and names_massage_setting(text)
    ):
        # "i do 45 minutes every day because the salon does 45": a daily habit in full,
        # with the salon's session or a massage tool named, is the massage habit.
        return MASSAGE_ACTION
    if not (massage_said or after_massage or limits_given):
        return None
    if intent in UNPLACED_INTENTS and (massage_said or (after_massage and habit.tools)):
        return MASSAGE_ACTION
    if intent in UNPLACED_INTENTS and after_massage and REFERS_BACK.search(text.lower()):
        # "which one should i drop then", right after the limits said at most one session
        return MASSAGE_ACTION
    if massage_said or after_massage:
        # Sessions alone ("twice a day") are a habit only when the massage is named.
        if habit.minutes is None and (habit.sessions_per_day is None or not massage_said):
            return None
        return MASSAGE_ACTION
    if habit.minutes is not None and (habit.sessions_per_day or 0) >= 1:
        return MASSAGE_ACTION
    return None


def limits_given(events: Sequence[Event]) -> bool:
    """Were the massage limits given in this session, before the latest message (pure)?"""
    for event in reversed(events):
        if isinstance(event, (Restarted, SessionStarted)):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == MASSAGE_ACTION:
            return True
    return False


DEACTIVATE_ACTION = "action_deactivate_loop"
#: Turns in a row a consultation question may be asked while the client talks of other
#: things; after that the form steps aside instead of asking it again.
MAX_ASKS_IN_A_ROW = 2
#: Actions after which the consultation form is not resuming after an interruption: it is
#: the form itself, the listening, or triage's and special situations' own resuming.
NOT_AN_INTERRUPTION = frozenset(
    (
        CONSULTATION_FORM,
        f"validate_{CONSULTATION_FORM}",
        ACTION_LISTEN_NAME,
        "action_extract_slots",
        "action_triage",
        "action_special_situation",
        STOP_OR_SKIP_ACTION,
        DEACTIVATE_ACTION,
    )
)


def asks_in_a_row(events: Sequence[Event], question: str) -> int:
    """In how many turns in a row, up to the latest message, the bot said ``question`` (pure).

    A turn is what the bot said between two user messages; the count stops at the first
    earlier turn without the question.
    """
    count = 0
    asked = False
    users = 0
    for event in reversed(events):
        if isinstance(event, UserUttered):
            users += 1
            if users > 1:
                if not asked:
                    break
                count += 1
            asked = False
        elif isinstance(event, BotUttered) and users >= 1:
            asked = asked or (event.metadata or {}).get("utter_action") == question
        elif isinstance(event, (Restarted, SessionStarted)):
            break
    return count + (1 if asked and users >= 1 else 0)


def step_aside_action(
    events: Sequence[Event],
    active_loop: str | None,
    latest_action: str | None,
    requested_slot: str | None,
) -> str | None:
    """``action_deactivate_loop`` instead of the same consultation question a third time (pure).

    Asked twice in a row already and passed over again for something else ("ok I'll ask
    the pharmacist. how often should I do the routine?"), the question is not asked a third
    time: the interruption's answer stands alone and the form steps aside, keeping what it
    has. Describing the scalp or asking for the routine brings it back, asking only what is
    missing. An answer, even one that could not be used, is the form's own to handle.
    """
    if active_loop != CONSULTATION_FORM or not requested_slot:
        return None
    if latest_action in NOT_AN_INTERRUPTION or latest_action is None:
        return None
    if asks_in_a_row(events, f"utter_ask_{requested_slot}") < MAX_ASKS_IN_A_ROW:
        return None
    return DEACTIVATE_ACTION


def after_answer(
    latest_action: str | None, previous_action: str | None, active_loop: str | None = None
) -> str | None:
    """Listen after the action this policy predicted (no rule expects it)."""
    if latest_action == FAQ_AGAIN_ACTION:
        return FAQ_ACTION  # "you asked that a moment ago", then the answer
    if latest_action == FAQ_ACTION and previous_action == FAQ_AGAIN_ACTION:
        return ACTION_LISTEN_NAME
    if latest_action == ROUTINE_ACTION and previous_action == STOP_OR_SKIP_ACTION:
        return ACTION_LISTEN_NAME  # the last question skipped: the routine, then listen
    if latest_action == DEACTIVATE_ACTION and previous_action not in (ACTION_LISTEN_NAME, None):
        return ACTION_LISTEN_NAME  # the form stepped aside after an interruption's answer
    if previous_action != ACTION_LISTEN_NAME:
        return None
    if latest_action == SUMMARY_ACTION and active_loop == CONSULTATION_FORM:
        return CONSULTATION_FORM  # the summary asked for in the form; its question again
    if latest_action == MASSAGE_ACTION and active_loop == CONSULTATION_FORM:
        return CONSULTATION_FORM  # a massage amount asked in the form; its question again
    if latest_action in ANSWER_ACTIONS or (
        latest_action in FOLLOWED_UP_ANSWERS and not active_loop
    ):
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class ContextPolicy(Policy):
    """Predict what a message means in the context of the conversation (see the module)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Priority 6 with RulePolicy; its predictions overrule the intent-based ones."""
        return {"priority": 6}

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
        """The question's yes/no action right after a typed answer, or nothing."""
        probabilities = self._default_predictions(domain)
        if tracker.is_paused():
            return self._prediction(probabilities)
        if tracker.latest_action_name == ACTION_LISTEN_NAME:
            latest = tracker.latest_message
            text = latest.text if latest else None
            events = list(tracker.events)
            loop = tracker.active_loop_name
            intent = (latest.intent or {}).get("name") if latest else None
            action = (
                repeat_action(events, loop, text)
                or booking_answer_action(events, text)
                or booking_reply_action(events, text)
                or answer_action(events, text)
                or forget_question_back_action(events, text)
                or erase_request_action(loop, intent, text)
                or closing_action(loop, latest.parse_data if latest else None)
                or plan_action(loop, latest.parse_data if latest else None)
                or skip_action(loop, text)
                or why_action(loop, text)
                or resume_action(loop, text, events)
                or stop_booking_action(loop, text)
                or change_request_action(loop, intent, text)
                or summary_action(
                    loop,
                    tracker.get_slot(REFERRAL),
                    text,
                    answered_last_turn(events, SUMMARY_ACTION),
                    user_texts_before_latest(events),
                    answered_last_turn(events, DECLINE_SUMMARY_ACTION),
                )
                or massage_amount_action(loop, text)
                or follow_up_action(events, loop, text, latest.parse_data if latest else None)
                or faq_rescue_action(loop, intent, latest.parse_data if latest else None, text)
                or habit_action(
                    loop,
                    intent,
                    text,
                    last_topic_answer(events) == MASSAGE_ACTION,
                    limits_given(events),
                )
            )
            parse_data = latest.parse_data if latest else None
            action = faq_again_action(events, loop, action, intent, parse_data) or action
        else:
            action = step_aside_action(
                list(tracker.events),
                tracker.active_loop_name,
                tracker.latest_action_name,
                tracker.get_slot("requested_slot"),
            ) or after_answer(
                tracker.latest_action_name, previous_action_name(tracker), tracker.active_loop_name
            )
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # Like the triage policy: in the class that overrules RulePolicy's intent-based
        # predictions, below triage's priority 7.
        return self._prediction(probabilities, is_no_user_prediction=True)

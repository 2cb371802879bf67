"""Rasa glue for safety: triage on every turn, the appointment summary, the safety net.

The replies are the core's phrases (scalpcare/referral.py), worded by their responses in
the domain the action receives (actions/replies.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback, salon_actions
from actions.replies import say, worded
from actions.session import this_session
from salon import profile as salon_profile
from scalpcare import (
    consultation_parsing,
    contract,
    other_languages,
    referral,
    screening,
    situations,
    triage,
)
from scalpcare.contract import Referral
from scalpcare.phrases import Value, lines, phrase

SUMMARY_OFFERED = "summary_offered"
#: Replies by their names in domain.yml.
NO_SUMMARY_YET = "utter_nothing_to_summarise"
NO_SUMMARY = "utter_no_summary"


def latest_screen(tracker: Tracker) -> triage.ScreenResult:
    """Screen the latest user message (the NLU component's result when present)."""
    message = tracker.latest_message
    return triage.screen_parsed(message, message.get("text"))


def user_texts(tracker: Tracker) -> list[str]:
    """Every user message of the conversation (since the last restart), oldest first."""
    return [
        str(e.get("text"))
        for e in tracker.events
        if e.get("event") == "user" and e.get("text") and not str(e["text"]).startswith("/")
    ]


def session_results(tracker: Tracker) -> list[triage.ScreenResult]:
    """The screening of every user message since the session began, oldest first."""
    return [
        triage.screen_parsed(event.get("parse_data"), str(event["text"]))
        for event in this_session(tracker.events)
        if event.get("event") == "user"
        and event.get("text")
        and not str(event["text"]).startswith("/")
    ]


def concerns_said(messages: Sequence[str], recorded: Sequence[str] = ()) -> list[str]:
    """The concerns recorded, with those said in any message, in the contract's order (pure).

    Itch, flaking or shedding said after the referral or beside it ("yes please, and it
    itches like mad") belong in the summary as much as the consultation form's answers;
    a concern said only inside family history ("my mum has dandruff") does not.
    """
    found = set(recorded)
    for text in messages:
        found |= consultation_parsing.parse(referral.outside_family_history(text)).concerns
    return [c for c in contract.CONCERN_VALUES if c in found]


def finding_words(flags: Sequence[triage.RedFlag]) -> tuple[list[str], list[Value]]:
    """The user's words for findings (to quote) and plain words for the rest."""
    quoted = referral.join_adjacent(
        (flag.start, flag.end, flag.text) for flag in flags if flag.text.strip()
    )
    plain: list[Value] = []
    for flag in flags:
        if flag.text.strip() or flag.condition == "described_sign":
            continue
        combination = dict(triage.URGENT_COMBINATIONS).get(flag.condition)
        plain.append(
            referral.sign_words(sorted(combination))
            if combination
            else referral.SIGN_WORDS.get(flag.condition, referral.SIGN_WORDS["described_sign"])
        )
    return quoted, plain


def subject_of(flags: Sequence[triage.RedFlag]) -> tuple[str, str]:
    """Whom the findings are about: ``("self", "")`` unless all are about one other person."""
    others = [(flag.about, flag.person) for flag in flags if flag.about != "self" and flag.person]
    if not others or len(others) < len([f for f in flags if f.text.strip()]):
        return "self", ""
    return others[0]


def in_other_language(text: str, result: triage.ScreenResult) -> bool:
    """Is the message in Spanish, French or German (or are its findings)?"""
    return other_languages.detect_language(text) is not None or any(
        flag.condition.rsplit("_", 1)[-1] in ("es", "fr", "de") for flag in result.flags
    )


def english_only_note() -> Value:
    """The line added for a message in another language: English only, the salon's phone."""
    return phrase(referral.ENGLISH_ONLY, contact=salon_profile.profile().contact)


def summary_buttons(domain: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of the offer of a summary ("Yes, a summary please"), from the domain.

    Raises:
        KeyError: The domain has no such response (its question is in the reply too).
    """
    offer = domain["responses"][referral.SUMMARY_OFFER][0]
    return [dict(button) for button in offer.get("buttons") or []]


def triage_text(
    result: triage.ScreenResult,
    state: screening.ConversationState,
    previous: Referral,
) -> tuple[Referral, Value]:
    """The level this message raises the conversation to, and what to say (pure).

    Args:
        result: The latest message's screening.
        state: The whole session's screening, the latest message included.
        previous: The referral that stood before this message.

    Returns:
        The level found now (``none`` when nothing was) and the reply.
    """
    combined = bool(state.combinations) and previous.rank < Referral.URGENT.rank
    level = Referral.URGENT if combined else result.level
    # Name the combination unless the message has urgent words of its own to quote.
    own_words = any(f.level is Referral.URGENT and f.text.strip() for f in result.flags)
    if combined and not own_words:
        needed = set().union(
            *(dict(triage.URGENT_COMBINATIONS)[name] for name in state.combinations)
        )
        now = sorted(needed & set(result.signs)) or sorted(needed)
        earlier = sorted(needed - set(result.signs))
        return level, referral.combined_message(now, earlier)
    if level is Referral.NONE:
        return level, ""
    top = result.top_flags
    quoted, plain = finding_words(top)
    about, person = subject_of(top)
    nutrient_words = [f.text for f in result.flags if f.level is Referral.DOCTOR and f.text.strip()]
    reply = referral.triage_reply(
        level,
        quoted,
        previous,
        nutrient_words,
        plain=plain,
        about=about,
        person=person,
        nutrient=result.nutrient_deficiency,
    )
    return level, reply


class ActionTriage(Action):
    """Answer a red flag first: raise the referral and say who to see."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_triage"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Set the contract slots and send the referral before any other advice."""
        result = latest_screen(tracker)
        state = screening.conversation_state(session_results(tracker) or [result])
        previous = Referral.parse(tracker.get_slot(contract.REFERRAL))
        found, reply = triage_text(result, state, previous)
        level = contract.strongest(previous, found)
        # Whose scalp it is: another person's red flag refers them, and leaves what the
        # client may do themselves (routine, self-massage, a treatment) as it was.
        own = subject_of(result.top_flags)[0] == "self"
        own_before = contract.own_referral(
            tracker.get_slot(contract.OWN_REFERRAL), tracker.get_slot(contract.REFERRAL)
        )
        own_level = contract.strongest(own_before, found) if own else own_before
        events: list[EventType] = [
            *fallback.leave_fallback(tracker),
            SlotSet(contract.REFERRAL, level.value),
            SlotSet(contract.OWN_REFERRAL, own_level.value),
        ]
        message = str(tracker.latest_message.get("text") or "")
        # Concerns said with the red flag (itch, flaking, shedding...) are recorded too:
        # the client's own, not those of the child or partner the red flag is about.
        concerns = (
            consultation_parsing.parse(message).concerns if found.rank and own else frozenset()
        )
        if concerns:
            known = list(tracker.get_slot(contract.CONCERNS) or [])
            merged = [c for c in contract.CONCERN_VALUES if c in concerns or c in known]
            if merged != known:
                events.append(SlotSet(contract.CONCERNS, merged))
        if result.nutrient_deficiency:
            events.append(SlotSet(contract.NUTRIENT_DEFICIENCY_SUSPECTED, True))
        if found is Referral.NONE:
            return events
        paused = tracker.is_paused()
        offer_summary = (
            found is Referral.DERMATOLOGIST
            and previous.rank < Referral.DERMATOLOGIST.rank
            and not paused
        )
        # An offer not answered yet still stands after a reminder at the same level
        # ("yes please" a message later answers it); not after an urgent referral.
        offer_open = (
            bool(tracker.get_slot(SUMMARY_OFFERED))
            and level is Referral.DERMATOLOGIST
            and not paused
        )
        said = [reply]
        if paused:
            said.append(phrase(referral.STAFF_TOLD))
        if in_other_language(message, result):
            said.append(english_only_note())
        buttons = summary_buttons(domain) if offer_summary else []
        say(dispatcher, lines(said), domain, tracker, buttons=buttons)
        conditions = list(result.conditions) + list(state.combinations)
        if found.rank > previous.rank:
            await salon_actions.record_referral(tracker, found.value, conditions)
        if paused:
            await salon_actions.alert_handoff(tracker, found.value, message)
        oncology = situations.oncology_first(
            situations.from_parse(tracker.latest_message, message),
            situations.answered(tracker.get_slot(contract.SITUATIONS_ANSWERED)),
        )
        if own_level.rank >= Referral.DERMATOLOGIST.rank and not oncology:
            # The client's own massage is paused while their referral stands (during
            # chemotherapy the oncology team decides about massage: no limit of ours).
            events += [
                SlotSet(contract.MASSAGE_MAX_MINUTES, 0.0),
                SlotSet(contract.MASSAGE_MAX_SESSIONS_PER_DAY, 0.0),
            ]
        if level.rank >= Referral.DERMATOLOGIST.rank and tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        events.append(SlotSet(SUMMARY_OFFERED, offer_summary or offer_open))
        return events


class ActionReferralSummary(Action):
    """Write a short summary to take to the dermatologist or doctor."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_referral_summary"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Quote the user's own words: what, how long, what they tried."""
        messages = user_texts(tracker)
        findings: list[str] = []
        flagged: list[triage.RedFlag] = []
        for result in session_results(tracker):
            flags = [flag for flag in result.flags if flag.level is not Referral.NONE]
            flagged += flags
            quoted, plain = finding_words(flags)
            # Plain words are worded now, so that the summary lists each finding once
            # whether the client said it or it is in plain words.
            findings += quoted + [worded(words, domain, tracker) for words in plain]
        level = Referral.parse(tracker.get_slot(contract.REFERRAL))
        # The concerns recorded, and those said in any message since (issue 19).
        concerns = concerns_said(messages, tracker.get_slot(contract.CONCERNS) or [])
        if not findings and not messages:
            dispatcher.utter_message(response=NO_SUMMARY_YET)
        else:
            # "my aunt had alopecia" beside "my daughter has bald patches": family history,
            # so the summary is still about the daughter.
            family = " ".join(referral.family_history(messages)).lower()
            about, person = referral.whom(
                messages,
                *subject_of(
                    [f for f in flagged if not (f.text and f.text.lower() in family)] or flagged
                ),
            )
            summary = referral.build_summary(
                messages, findings, level, concerns, about=about, person=person
            )
            say(dispatcher, summary.render(), domain, tracker)
        return [SlotSet(SUMMARY_OFFERED, False)]


class ActionDeclineSummary(Action):
    """Accept a "no" to the summary offer."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_decline_summary"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Say so and forget the offer."""
        dispatcher.utter_message(response=NO_SUMMARY)
        return [SlotSet(SUMMARY_OFFERED, False)]


SAFETY_NET = "utter_safety_net"
#: Its ``{what}`` when the message named no symptom word.
HOW_YOU_FEEL = "utter_safety_net_how_you_feel"
#: Its ``{note}`` for a message in another language: the English-only note on its own line.
SAFETY_NET_NOTE = "utter_safety_net_note"
#: The symptom words quoted back ("since you mention pain").
_SYMPTOM_WORDS = 2


class ActionSafetyNet(Action):
    """Answer a body symptom that matched no intent: when to see a doctor today."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_safety_net"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Say what to watch for and when to get care; the conversation carries on."""
        message = str(tracker.latest_message.get("text") or "")
        words = screening.symptom_words(message)[:_SYMPTOM_WORDS]
        quoted: list[Value] = [f'"{word}"' for word in words]
        what = referral.and_list(quoted, phrase(HOW_YOU_FEEL))
        foreign = other_languages.detect_language(message)
        note: Value = phrase(SAFETY_NET_NOTE, note=english_only_note()) if foreign else ""
        dispatcher.utter_message(
            response=SAFETY_NET,
            what=worded(what, domain, tracker),
            note=worded(note, domain, tracker),
        )
        return fallback.leave_fallback(tracker)

"""Rasa glue for the consultation's questions: skipping one, stopping, asking the next.

"skip" skips the question asked, "stop" ends the consultation, and a sentence that only
uses those words ends nothing (:mod:`scalpcare.commands`). A skipped question is never
asked again: :class:`AskConsultationQuestion` asks the next one instead whenever the form
would ask it. A question asked again right after itself, with nothing else said in
between, comes with a word first (:func:`asked_again_lead`), never repeated bare.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.consultation import (
    FORM,
    NOT_A_COMMAND,
    REQUESTED_SLOT,
    SKIP_ACK,
    SKIPPED,
    STOPPED,
    WASH_FREQUENCY,
    next_question,
    skipped_slots,
)
from scalpcare import contract
from scalpcare.commands import Command, agrees, read_command

#: "fair enough" and the like (an agreement, not a stop) outside the form.
ACKNOWLEDGED = "utter_acknowledged"

#: Said before a question asked again at once: the answer gave something else ("I wash
#: daily, no products" to the sensitivity question), or nothing the form could read.
NOTED_LEAD = "utter_ask_again_noted"
AGAIN_LEAD = "utter_ask_again"
#: Slots every turn may set that say nothing about what the user told.
_BOOKKEEPING = frozenset((REQUESTED_SLOT, SKIPPED, "session_started_metadata"))


def asked_again_lead(events: list[dict[str, Any]], question: str) -> str | None:
    """The lead-in for ``question`` asked again at once, or None (pure).

    The question is asked again at once when the assistant's last message before the
    user's latest one was this question and nothing has been said since. Then a slot the
    latest message filled is acknowledged (``NOTED_LEAD``); otherwise the lead says the
    answer was not caught (``AGAIN_LEAD``).

    Args:
        events: The conversation's events (as the SDK's tracker has them).
        question: The question's response name (``utter_ask_<slot>``).

    Returns:
        The lead-in's response name, or None when the question is not a repeat.
    """
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return None
    since = events[users[-1] + 1 :]
    if any(event.get("event") == "bot" for event in since):
        return None  # something was said this turn (an answer, an explanation)
    filled = any(
        event.get("event") == "slot"
        and event.get("name") not in _BOOKKEEPING
        and event.get("value") not in (None, [], "")
        for event in since
    )
    for event in reversed(events[: users[-1]]):
        kind = event.get("event")
        if kind == "bot":
            if (event.get("metadata") or {}).get("utter_action") != question:
                return None
            return NOTED_LEAD if filled else AGAIN_LEAD
        if kind in ("user", "restart", "session_started"):
            return None
    return None


class AskConsultationQuestion(Action, ABC):
    """Ask a consultation question, or the next one when the user skipped it.

    The form asks the first empty slot of the domain's list whenever it does not read
    an answer (resuming after an FAQ answer, say), a skipped one included; this ask
    action moves on to the next question instead (Rasa runs ``action_ask_<form>_<slot>``
    in place of ``utter_ask_<slot>`` when the domain lists it).
    """

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        """Return the action's name: ``action_ask_consultation_form_<slot>``."""
        return f"action_ask_{FORM}_{self.slot}"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Ask this question, or the next one not skipped (the routine when none is left)."""
        skipped = skipped_slots(tracker)
        if self.slot not in skipped:
            question = f"utter_ask_{self.slot}"
            lead = asked_again_lead(list(tracker.events), question)
            if lead is not None:
                dispatcher.utter_message(response=lead)
            dispatcher.utter_message(response=question)
            return []
        nxt = next_question(tracker.get_slot, skipped)
        if nxt is None:
            return [
                ActiveLoop(None),
                SlotSet(REQUESTED_SLOT, None),
                FollowupAction("action_give_routine"),
            ]
        dispatcher.utter_message(response=f"utter_ask_{nxt}")
        return [SlotSet(REQUESTED_SLOT, nxt)]


class AskConcerns(AskConsultationQuestion):
    """Ask what bothers the user most (or the next question when skipped)."""

    slot = contract.CONCERNS


class AskScalpType(AskConsultationQuestion):
    """Ask the scalp type (or the next question when skipped)."""

    slot = contract.SCALP_TYPE


class AskSensitiveScalp(AskConsultationQuestion):
    """Ask about sensitivity (or the next question when skipped)."""

    slot = contract.SENSITIVE_SCALP


class AskWashFrequency(AskConsultationQuestion):
    """Ask how often the user washes (or the next question when skipped)."""

    slot = WASH_FREQUENCY


class ActionStopOrSkip(Action):
    """A message read as "stop": stop, skip the question, or neither (it only used the word).

    "stop" ends the consultation; "skip" skips the question asked and the form goes on
    with the next one (or gives the routine when none is left); "I feel anxious if I skip
    it" or "should I stop the diet?" end nothing (:func:`scalpcare.commands.read_command`).
    """

    def name(self) -> str:
        """Return the action's name."""
        return "action_stop_or_skip"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Stop, skip or carry on, and say which."""
        command = read_command(tracker.latest_message.get("text"))
        in_form = tracker.active_loop_name == FORM
        requested = tracker.get_slot(REQUESTED_SLOT)
        if command is Command.STOP or (command is Command.SKIP and not in_form):
            dispatcher.utter_message(response=STOPPED)
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)] if in_form else []
        if command is Command.SKIP:
            skipped = [*skipped_slots(tracker), *([requested] if requested else [])]
            nxt = next_question(tracker.get_slot, skipped)
            dispatcher.utter_message(response=SKIP_ACK)
            events: list[EventType] = [SlotSet(SKIPPED, list(dict.fromkeys(skipped)))]
            if nxt:
                dispatcher.utter_message(response=f"utter_ask_{nxt}")
                # The form goes on: its next answer is validated as usual (a loop
                # interrupted by this action would otherwise wait for a rule).
                return [*events, SlotSet(REQUESTED_SLOT, nxt), ActiveLoop(FORM)]
            return [
                *events,
                ActiveLoop(None),
                SlotSet(REQUESTED_SLOT, None),
                FollowupAction("action_give_routine"),
            ]
        if command is None and agrees(tracker.latest_message.get("text")):
            # "fair enough" (its "enough" read as a stop): agreed; the form goes on.
            if in_form and requested:
                return [ActiveLoop(FORM), FollowupAction(FORM)]
            dispatcher.utter_message(response=ACKNOWLEDGED)
            return []
        if command is Command.CONTINUE and in_form and requested:
            # "ok carry on" after a question asked in the form: the form asks its
            # question again, without "I'm not sure I understood".
            return [ActiveLoop(FORM), FollowupAction(FORM)]
        dispatcher.utter_message(response=NOT_A_COMMAND)
        if in_form and requested:
            dispatcher.utter_message(response=f"utter_ask_{requested}")
            return [ActiveLoop(FORM)]
        return []

"""Rasa glue for special situations: the answer the triage policy asks for.

Which situations a message raises, and which still need their answer, is decided in
:mod:`scalpcare.situations`; the words are the ``utter_situation_*`` responses of
domain.yml.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback, salon_actions
from actions.replies import worded
from salon import profile as salon_profile
from scalpcare import contract, situations
from scalpcare.contract import SITUATIONS_ANSWERED


class ActionSpecialSituation(Action):
    """Answer the special situations of the latest message (crisis first)."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_special_situation"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Say each unanswered situation's answer once; remember which were said."""
        answered = situations.answered(tracker.get_slot(SITUATIONS_ANSWERED))
        message = tracker.latest_message
        found = situations.with_distress_in_context(
            situations.from_parse(message, message.get("text")),
            message.get("text"),
            tracker.get_slot(contract.CONCERNS),
            fallback.previous_user_text(list(tracker.events)) or None,
        )
        todo = situations.to_answer(found, answered, message.get("text"))
        salon = salon_profile.profile()
        contact = worded(salon.contact, domain, tracker)
        emergency = worded(salon.emergency, domain, tracker)
        crisis_line = worded(salon.crisis_support, domain, tracker)
        intent = (message.get("intent") or {}).get("name")
        replied = situations.previous_turn_replies(reversed(tracker.events))
        if not todo and situations.crisis_continues(replied, intent):
            # "i just needed to tell someone" after the crisis answer: the lines again.
            dispatcher.utter_message(
                response=situations.CRISIS_AGAIN_RESPONSE,
                contact=contact,
                emergency=emergency,
                crisis_line=crisis_line,
            )
            todo = (situations.Situation.CRISIS,)
        elif not todo and situations.pregnancy_reminder(message.get("text"), answered):
            # "and if i put rosemary oil in with it?" once pregnancy was answered.
            dispatcher.utter_message(response=situations.PREGNANCY_AGAIN_RESPONSE)
            if situations.asks_about_colour(message.get("text")):
                dispatcher.utter_message(response=situations.PREGNANCY_COLOUR_RESPONSE)
        elif not todo and situations.lice_reminder(message.get("text"), answered):
            # "whats the best treatment to buy" once lice were answered: who advises.
            dispatcher.utter_message(response=situations.LICE_AGAIN_RESPONSE)
        elif not todo and situations.chemo_reminder(message.get("text"), answered):
            # "what about just a scalp facial?" during chemotherapy: the oncology team first.
            dispatcher.utter_message(response=situations.CHEMO_AGAIN_RESPONSE)
        else:
            if not todo and situations.distress_continues(replied, found, answered):
                # "it isn't only hair to me" right after the distress answer: still heard.
                todo = (situations.Situation.DISTRESS,)
            for situation in todo:
                dispatcher.utter_message(
                    response=situation.response,
                    contact=contact,
                    emergency=emergency,
                    crisis_line=crisis_line,
                )
                if situation is situations.Situation.PREGNANCY and situations.asks_about_colour(
                    message.get("text")
                ):
                    # "is it ok to get my hair coloured at 14 weeks?": the real question.
                    dispatcher.utter_message(response=situations.PREGNANCY_COLOUR_RESPONSE)
        if situations.Situation.CRISIS in todo and tracker.is_paused():
            # Staff have the conversation: they must see this at once.
            text = str(message.get("text") or "")
            await salon_actions.alert_handoff(tracker, "crisis", text, what="message")
        remembered = list(dict.fromkeys([*answered, *(s.value for s in todo)]))
        events = fallback.leave_fallback(tracker)
        if remembered != list(answered):
            events.append(SlotSet(SITUATIONS_ANSWERED, remembered))
        return events

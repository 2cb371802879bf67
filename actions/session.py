"""Conversation lifecycle actions: starting over."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import worded
from scalpcare import contract
from scalpcare.referral import WHO


def this_session(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events since the latest restart or new session, oldest first (pure)."""
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") in ("restart", "session_started"):
            return events[i + 1 :]
    return events


#: The replies, by their names in domain.yml.
RESTARTED = "utter_restarted"
RESTARTED_UNDER_REFERRAL = "utter_restarted_under_referral"
#: What "start over" keeps: a referral is never lowered within a conversation
#: (docs/content-rules.md, the contract), and what goes with it.
KEPT_ON_RESTART = (
    contract.REFERRAL,
    contract.OWN_REFERRAL,
    contract.NUTRIENT_DEFICIENCY_SUSPECTED,
    contract.MASSAGE_MAX_MINUTES,
    contract.MASSAGE_MAX_SESSIONS_PER_DAY,
)


class ActionRestart(Action):
    """Start the conversation over and say so (overrides Rasa's default)."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_restart"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Reset the dialogue state and every slot but a standing referral's."""
        level = contract.Referral.parse(tracker.get_slot(contract.REFERRAL))
        if level is contract.Referral.NONE:
            dispatcher.utter_message(response=RESTARTED)
            return [Restarted()]
        if level.rank >= contract.Referral.DERMATOLOGIST.rank:
            who = worded(WHO[level], domain, tracker)
            dispatcher.utter_message(response=RESTARTED_UNDER_REFERRAL, who=who)
        else:
            dispatcher.utter_message(response=RESTARTED)
        kept = [
            SlotSet(name, tracker.get_slot(name))
            for name in KEPT_ON_RESTART
            if tracker.get_slot(name) is not None
        ]
        return [Restarted(), *kept]

"""Conversation lifecycle actions: starting over."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher

RESTARTED = "Okay, let's start fresh. What would you like to know about your scalp?"


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
        """Confirm and reset every slot and the dialogue state."""
        dispatcher.utter_message(text=RESTARTED)
        return [Restarted()]

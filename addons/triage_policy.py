"""A policy that puts triage before every other flow.

Whenever the latest user message carries a red flag that has not been
answered yet, this policy predicts the triage action with full confidence and
a priority above ``RulePolicy``, so it wins over forms, rules, FAQ answers and
TED, whatever loop is active. After the triage action it decides the next step
itself: back to an active form (a ``doctor`` referral lets the consultation go
on; stronger referrals end it in the action), otherwise wait for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, SessionStarted
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from actions.contract import NUTRIENT_DEFICIENCY_SUSPECTED, Referral
from actions.triage import screen_parsed

TRIAGE_ACTION = "action_triage"


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


#: What a message with only a ``doctor``-level finding (a nutrient context) asked
#: for still gets answered after the referral, in the same turn.
DEFAULT_FOLLOW_UPS = {
    "ask_massage_limits": "action_massage_limits",
    "faq": "utter_faq",
    "start_consultation": "consultation_form",
    "describe_scalp": "consultation_form",
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
) -> str | None:
    """Decide what the triage policy predicts (pure, table-tested).

    Args:
        latest_action: Name of the latest action on the tracker.
        previous_action: Name of the action before it (``None`` if none).
        level: Referral level the screener found in the latest user message.
        active_loop: The active loop (form), if any.
        intent: The intent of the latest user message.
        nutrient_answered: A nutrient context was already answered (its slot is set).
        follow_ups: Intent -> action to run after a ``doctor``-level referral.
        triage_action: Name of the triage action.

    Returns:
        The action to predict, or ``None`` to leave the turn to other policies.
    """
    follow_ups = DEFAULT_FOLLOW_UPS if follow_ups is None else follow_ups
    if latest_action == ACTION_LISTEN_NAME:
        if level is Referral.NONE:
            return None
        if level is Referral.DOCTOR and nutrient_answered:
            # The nutrient context was already answered: no repeat, the
            # message goes through the normal flow.
            return None
        return triage_action
    if latest_action == triage_action:
        if active_loop:
            return active_loop
        if level is Referral.DOCTOR and intent is not None and intent in follow_ups:
            return follow_ups[intent]
        return ACTION_LISTEN_NAME
    if previous_action == triage_action and not active_loop:
        # The follow-up of a doctor-level referral has answered: wait.
        return ACTION_LISTEN_NAME
    return None


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
        """Create the policy (nothing to learn)."""
        super().__init__(config, model_storage, resource, execution_context, **kwargs)
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
        level = message_level(latest.parse_data, latest.text) if latest else Referral.NONE
        action = next_action(
            tracker.latest_action_name,
            previous_action_name(tracker),
            level,
            tracker.active_loop_name,
            intent=(latest.intent or {}).get("name") if latest else None,
            nutrient_answered=bool(tracker.get_slot(NUTRIENT_DEFICIENCY_SUSPECTED)),
            follow_ups=self.follow_ups,
            triage_action=self.triage_action,
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

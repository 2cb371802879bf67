"""Rasa's RulePolicy without its debug text built on every prediction.

``RulePolicy._find_action_from_rules`` formats every dialogue state of the
conversation into a debug message (``Policy.format_tracker_states``) before each
prediction, whether or not debug logging is on. That is work in proportion to the
conversation's length on every action prediction: in a profile of turn ~280 of one
conversation it was the largest part of the policy's time, and nothing at turn ~20.
``QuietRulePolicy`` formats the states only when debug logging is enabled
(``rasa run --debug``); its predictions are RulePolicy's
(``tests/unit/test_quiet_rule_policy.py``).

When no rule applies, ``RulePolicy`` also turns every dialogue state of the conversation
into a JSON "feature key" (``_create_feature_key``), and while serving it only looks that
key up among its rules' keys (``hide_rule_turn``): again work in proportion to the
conversation's length, on most predictions (``py-spy`` of turns 141-160 of one
conversation against turns 6-25: about an eighth of the rule policy's growth).
``QuietRulePolicy`` skips it while predicting when the conversation has more states than
any rule's key: such a key cannot be among them, so the prediction is the same.
"""

from __future__ import annotations

import functools
import json
import logging
from contextvars import ContextVar
from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RULES, RULES_NOT_IN_STORIES, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

#: Rasa's own logger for the rule policy: its effective level says whether
#: ``rasa run --debug`` (or LOG_LEVEL=DEBUG) is on.
RULE_POLICY_LOGGER = "rasa.core.policies.rule_policy"
NOT_FORMATTED = " (dialogue states not formatted: debug logging is off)"
#: The feature key of a conversation longer than every rule, while predicting: no rule's
#: key can equal it (not JSON, so no key ever is this text).
LONGER_THAN_ANY_RULE = "<the conversation's states: longer than any rule>"


def _states_in(key: str) -> int:
    """How many dialogue states a rule's feature key holds (0: a rule's name, not states).

    ``RULES_NOT_IN_STORIES`` also lists Rasa's own rules by name ("handling active loops
    and forms - ..."): no JSON key can equal those.
    """
    try:
        states = json.loads(key)
    except ValueError:
        return 0
    return len(states) if isinstance(states, list) else 0


#: Set while a prediction runs (training builds and checks keys of every length).
_predicting: ContextVar[bool] = ContextVar("quiet_rule_policy_predicting", default=False)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class QuietRulePolicy(RulePolicy):
    """``RulePolicy``; the dialogue states are formatted for debug logging only."""

    @staticmethod
    def format_tracker_states(states: list[dict]) -> str:
        """Rasa's formatting when debug logging is on; a short note otherwise.

        Args:
            states: The tracker's dialogue states.

        Returns:
            The text RulePolicy puts into its debug log.
        """
        if logging.getLogger(RULE_POLICY_LOGGER).isEnabledFor(logging.DEBUG):
            return RulePolicy.format_tracker_states(states)
        return NOT_FORMATTED

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """RulePolicy's prediction (long conversations skip the unused feature key)."""
        token = _predicting.set(True)
        try:
            return super().predict_action_probabilities(tracker, domain, rule_only_data, **kwargs)
        finally:
            _predicting.reset(token)

    @functools.cached_property
    def _longest_rule(self) -> int:
        """The most dialogue states in any rule's feature key (read once: serving only)."""
        keys = [*self.lookup.get(RULES, {}), *self.lookup.get(RULES_NOT_IN_STORIES, [])]
        return max((_states_in(key) for key in keys), default=0)

    def _create_feature_key(self, states: list[State]) -> str | None:
        """RulePolicy's key; while predicting, a marker for a history longer than any rule."""
        if (
            _predicting.get()
            and len(states) > self._longest_rule
            and not any(self._is_rule_snippet_state(state) for state in states)
        ):
            return LONGER_THAN_ANY_RULE
        return super()._create_feature_key(states)

"""Rasa's RulePolicy without its debug text built on every prediction.

``RulePolicy._find_action_from_rules`` formats every dialogue state of the
conversation into a debug message (``Policy.format_tracker_states``) before each
prediction, whether or not debug logging is on. That is work in proportion to the
conversation's length on every action prediction: in a profile of turn ~280 of one
conversation it was the largest part of the policy's time, and nothing at turn ~20.
``QuietRulePolicy`` formats the states only when debug logging is enabled
(``rasa run --debug``); its predictions are RulePolicy's
(``tests/unit/test_quiet_rule_policy.py``).
"""

from __future__ import annotations

import logging

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe

#: Rasa's own logger for the rule policy: its effective level says whether
#: ``rasa run --debug`` (or LOG_LEVEL=DEBUG) is on.
RULE_POLICY_LOGGER = "rasa.core.policies.rule_policy"
NOT_FORMATTED = " (dialogue states not formatted: debug logging is off)"


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

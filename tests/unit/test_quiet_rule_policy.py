"""QuietRulePolicy is RulePolicy except for the debug text of the dialogue states."""

from __future__ import annotations

import logging

import pytest
from rasa.core.policies.rule_policy import RulePolicy

from addons.policies.quiet_rule_policy import NOT_FORMATTED, RULE_POLICY_LOGGER, QuietRulePolicy

STATES = [
    {},
    {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}},
    {"user": {"intent": "describe_scalp"}, "active_loop": {"name": "consultation_form"}},
]


def test_only_the_debug_formatting_differs() -> None:
    assert issubclass(QuietRulePolicy, RulePolicy)
    own = {name for name in vars(QuietRulePolicy) if not name.startswith("_")}
    assert own == {"format_tracker_states"}


@pytest.mark.parametrize(
    ("level", "formatted"),
    [(logging.DEBUG, True), (logging.INFO, False), (logging.WARNING, False)],
)
def test_states_formatted_for_debug_logging_only(level: int, formatted: bool) -> None:
    logger = logging.getLogger(RULE_POLICY_LOGGER)
    before = logger.level
    logger.setLevel(level)
    try:
        text = QuietRulePolicy.format_tracker_states(STATES)
    finally:
        logger.setLevel(before)
    if formatted:
        assert text == RulePolicy.format_tracker_states(STATES)
        assert "user intent: describe_scalp" in text
    else:
        assert text == NOT_FORMATTED

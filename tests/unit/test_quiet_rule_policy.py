"""QuietRulePolicy is RulePolicy except for the debug text of the dialogue states."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from addons.policies.quiet_rule_policy import (
    LONGER_THAN_ANY_RULE,
    NOT_FORMATTED,
    RULE_POLICY_LOGGER,
    QuietRulePolicy,
)

ROOT = Path(__file__).resolve().parents[2]
#: The rule policy's settings in config.yml.
POLICY_CONFIG = {
    key: value
    for policy in yaml.safe_load((ROOT / "config.yml").read_text())["policies"]
    if policy["name"].endswith("QuietRulePolicy")
    for key, value in policy.items()
    if key != "name"
}


@functools.cache
def _domain() -> Domain:
    """The domain as `rasa train` sees it (with the FAQ's retrieval action utter_faq)."""
    return TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"), training_data_paths=[str(ROOT / "data")]
    ).get_domain()


@functools.cache
def _trackers(*paths: str) -> list[DialogueStateTracker]:
    """Rules or conversation tests, as Rasa's training reads them."""
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(path) for pattern in paths for path in ROOT.glob(pattern)],
    )
    return TrainingDataGenerator(
        importer.get_stories(), _domain(), remove_duplicates=False, augmentation_factor=0
    ).generate()


STATES = [
    {},
    {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}},
    {"user": {"intent": "describe_scalp"}, "active_loop": {"name": "consultation_form"}},
]


def test_only_the_debug_formatting_differs() -> None:
    assert issubclass(QuietRulePolicy, RulePolicy)
    own = {name for name in vars(QuietRulePolicy) if not name.startswith("_")}
    assert own == {"format_tracker_states", "predict_action_probabilities"}


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


# ---------------------------------------------------------------------------
# Predictions on long conversations: the skipped feature key changes nothing
# ---------------------------------------------------------------------------
def _trained(cls: type[RulePolicy], tmp_path: Path) -> RulePolicy:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    config = {**cls.get_default_config(), **POLICY_CONFIG}
    storage = LocalModelStorage(tmp_path)
    policy = cls.create(config, storage, Resource(cls.__name__), ExecutionContext(GraphSchema({})))
    policy.train(_trackers("data/rules"), _domain())
    return policy


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> tuple[RulePolicy, QuietRulePolicy]:
    tmp_path = tmp_path_factory.mktemp("policies")
    rasa, quiet = _trained(RulePolicy, tmp_path), _trained(QuietRulePolicy, tmp_path)
    assert isinstance(quiet, QuietRulePolicy)
    return rasa, quiet


def _long_faq_conversation(turns: int) -> list[Event]:
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    intents = ["faq", "greet", "bot_challenge", "thank", "faq", "nonsense_intent"]
    for number in range(turns):
        intent = intents[number % len(intents)]
        events += [
            UserUttered(f"message {number}", intent={"name": intent, "confidence": 0.9}),
            ActionExecuted("utter_faq" if intent == "faq" else "utter_greet"),
            BotUttered("an answer"),
            ActionExecuted("action_listen"),
        ]
    return events


def _compare_on_every_prefix(
    policies: tuple[RulePolicy, QuietRulePolicy], events: list[Event]
) -> None:
    rasa, quiet = policies
    domain = _domain()
    for end in range(1, len(events) + 1):
        if not isinstance(events[end - 1], ActionExecuted | UserUttered):
            continue
        tracker = DialogueStateTracker.from_events("t", events[:end], slots=domain.slots)
        expected = rasa.predict_action_probabilities(tracker, domain)
        got = quiet.predict_action_probabilities(tracker, domain)
        assert got.probabilities == expected.probabilities, end
        assert got.events == expected.events, end
        assert got.hide_rule_turn == expected.hide_rule_turn, end
        assert got.is_no_user_prediction == expected.is_no_user_prediction, end
        assert got.is_end_to_end_prediction == expected.is_end_to_end_prediction, end


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every feature key QuietRulePolicy returns."""
    returned: list[str | None] = []
    original = QuietRulePolicy._create_feature_key

    def spy(self: QuietRulePolicy, states: list[Any]) -> str | None:
        key = original(self, states)
        returned.append(key)
        return key

    monkeypatch.setattr(QuietRulePolicy, "_create_feature_key", spy)
    return returned


def test_predictions_equal_rasas_on_the_rules_and_conversation_tests(policies) -> None:
    trackers = _trackers("data/rules", "tests/test_*.yml")
    assert len(trackers) > 90
    for tracker in trackers:
        _compare_on_every_prefix(policies, list(tracker.events))


def test_a_long_conversation_skips_the_key_and_predicts_the_same(policies, keys) -> None:
    _compare_on_every_prefix(policies, _long_faq_conversation(40))
    # Most predictions of a long conversation skip the key; the short start builds it.
    assert keys.count(LONGER_THAN_ANY_RULE) > 100
    assert any(key and key != LONGER_THAN_ANY_RULE for key in keys)


def test_training_builds_every_key() -> None:
    states = [{}] * 50
    assert QuietRulePolicy._create_feature_key(QuietRulePolicy.__new__(QuietRulePolicy), states)
    assert QuietRulePolicy._create_feature_key(
        QuietRulePolicy.__new__(QuietRulePolicy), states
    ) == RulePolicy._create_feature_key(RulePolicy.__new__(RulePolicy), states)

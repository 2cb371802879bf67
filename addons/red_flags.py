"""An NLU component that screens every message for red flags.

It runs the deterministic screener from :mod:`actions.triage` on each parsed
message and attaches what it found to the parse data, so that detection never
depends on the intent DIET predicts:

* ``red_flag`` entities (value: the condition, e.g. ``psoriasis``), and
* a ``triage`` property: ``{"level": "dermatologist", "nutrient_deficiency":
  false, "conditions": [...], "flags": [{"condition", "level", "text", "start",
  "end"}, ...]}`` that :class:`addons.triage_policy.TriagePolicy` and the
  triage action read from the tracker.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions import triage

TRIAGE_PROPERTY = triage.PARSE_PROPERTY
RED_FLAG_ENTITY = "red_flag"


def triage_data(result: triage.ScreenResult) -> dict[str, Any]:
    """Serialise a screening result for the parse data (JSON-safe).

    Args:
        result: What the screener found in one message.

    Returns:
        A plain dict with the level, the nutrient flag and every finding.
    """
    return {
        "level": result.level.value,
        "nutrient_deficiency": result.nutrient_deficiency,
        "nutrient_signals": list(result.nutrient_signals),
        "conditions": list(result.conditions),
        "flags": [
            {
                "condition": flag.condition,
                "level": flag.level.value,
                "text": flag.text,
                "start": flag.start,
                "end": flag.end,
            }
            for flag in result.flags
        ],
    }


def red_flag_entities(result: triage.ScreenResult) -> list[dict[str, Any]]:
    """Turn the findings above ``doctor`` level into Rasa entities."""
    return [
        {
            "entity": RED_FLAG_ENTITY,
            "value": flag.condition,
            "start": flag.start,
            "end": flag.end,
            "confidence_entity": 1.0,
            "extractor": RedFlagScreener.__name__,
        }
        for flag in result.flags
        if flag.level.rank > triage.Referral.DOCTOR.rank
    ]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class RedFlagScreener(GraphComponent):
    """Screen each message with spaCy rules and a negation scope; add red flags."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No settings: the rules live in :mod:`actions.triage`."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagScreener:
        """Create the component and warm the screener up once."""
        triage.warm_up()
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leave training data alone: the screener learns nothing."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add ``red_flag`` entities and the ``triage`` property to each message."""
        for message in messages:
            text = message.get(TEXT) or ""
            result = triage.screen(text)
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != RED_FLAG_ENTITY]
            message.set(ENTITIES, entities + red_flag_entities(result), add_to_output=True)
            message.set(TRIAGE_PROPERTY, triage_data(result), add_to_output=True)
        return messages

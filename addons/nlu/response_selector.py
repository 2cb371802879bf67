"""The FAQ answer chosen by a linear model over the intent classifier's features.

Rasa's ``ResponseSelector`` trains a TensorFlow model for 100 epochs to tell the FAQ
topics apart: 50-90 s of every training here, several milliseconds of CPU per question,
and TensorFlow in the server's memory. The topics are told apart as well by the same
regularised logistic regression the intent classifier uses, trained on the retrieval
intent's examples with their full ``faq/<topic>`` labels (5-fold cross-validation,
docs/pipeline.md). It trains in about a second and selects in well under a millisecond.

Its output is Rasa's (``response_selector`` → ``faq`` → ``response`` and ``ranking``),
so Rasa's ``utter_faq`` answers from the domain's ``utter_faq/<topic>`` as before.

It only selects for messages whose intent ranking gives the retrieval intent at least
``min_retrieval_intent_confidence``: any other message's answer would never be used.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key

from addons.nlu.intent_classifier import Block, LinearIntentClassifier

logger = logging.getLogger(__name__)

#: The option: the retrieval intent's confidence below which no answer is selected.
MIN_RETRIEVAL_CONFIDENCE = "min_retrieval_intent_confidence"

#: Topics reported in the ranking (Rasa's ResponseSelector reports 10).
RANKING_LENGTH = 10


def intent_confidence(message: Message, intent: str) -> float:
    """The confidence of ``intent`` in the message's ranking (0 when it is not ranked)."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    top = message.get(INTENT) or {}
    confidences = [
        float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        for entry in [*ranking, top]
        if entry.get(INTENT_NAME_KEY) == intent
    ]
    return max(confidences, default=0.0)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearResponseSelector(LinearIntentClassifier):
    """Logistic regression from a question's features to its ``faq/<topic>``."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Featurizers must run first (and an intent classifier for the gate to apply).

        Rasa checks required components in its training graph too, where classifiers
        do not feed each other, so the intent classifier cannot be declared here.
        """
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The defaults.

        ``retrieval_intent``: the intent whose examples are the questions;
        ``min_retrieval_intent_confidence``: 0 selects for every message;
        ``C`` and ``max_iter`` as the intent classifier's.
        """
        return {
            **LinearIntentClassifier.get_default_config(),
            "retrieval_intent": "faq",
            MIN_RETRIEVAL_CONFIDENCE: 0.0,
            "ranking_length": RANKING_LENGTH,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classes: list[str] | None = None,
        blocks: list[Block] | None = None,
        weights: dict[str, np.ndarray] | None = None,
        retrieval_intents: list[str] | None = None,
    ) -> None:
        """A selector, trained when ``classes``, ``blocks`` and ``weights`` are given."""
        super().__init__(config, model_storage, resource, classes, blocks, weights)
        self.retrieval_intent = str(self._config["retrieval_intent"])
        self.retrieval_intents = retrieval_intents or []

    # Training ---------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the model on the retrieval intent's examples, labelled ``faq/<topic>``."""
        self.retrieval_intents = sorted(training_data.retrieval_intents)
        examples = [
            example
            for example in training_data.intent_examples
            if example.get(INTENT) == self.retrieval_intent
            and example.get(TEXT)
            and example.get(INTENT_RESPONSE_KEY)
        ]
        labels = sorted({example.get_full_intent() for example in examples})
        if len(labels) < 2:
            logger.debug("Fewer than two %s topics: nothing to select.", self.retrieval_intent)
            return self._resource
        self.fit(examples, [example.get_full_intent() for example in examples])
        return self._resource

    # Prediction -------------------------------------------------------------

    def wants(self, message: Message) -> bool:
        """Whether the message may be the retrieval intent (the confidence gate)."""
        threshold = float(self._config[MIN_RETRIEVAL_CONFIDENCE] or 0.0)
        return threshold <= 0 or intent_confidence(message, self.retrieval_intent) >= threshold

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the selected answer and its ranking to each message that may want one."""
        chosen = [message for message in messages if self.classes and self.wants(message)]
        if not chosen:
            return messages
        length = int(self._config["ranking_length"])
        for message, row in zip(chosen, self.probabilities(chosen), strict=True):
            order = np.argsort(-row, kind="stable")
            ranking = [
                {
                    "id": int(index),
                    PREDICTED_CONFIDENCE_KEY: float(row[index]),
                    INTENT_RESPONSE_KEY: self.classes[index],
                }
                for index in order[: length if length > 0 else len(order)]
            ]
            top = ranking[0]
            key = top[INTENT_RESPONSE_KEY]
            prediction = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    # The answer itself is the domain's response (Rasa's utter_faq reads
                    # utter_action); Rasa's selector repeats the texts here.
                    RESPONSE_SELECTOR_RESPONSES_KEY: [],
                    PREDICTED_CONFIDENCE_KEY: top[PREDICTED_CONFIDENCE_KEY],
                    INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: intent_response_key_to_template_key(key),
                },
                RESPONSE_SELECTOR_RANKING_KEY: ranking,
            }
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.retrieval_intents
            properties[self.retrieval_intent] = prediction
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages

    # Storage ----------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        """The intent classifier's meta and the data's retrieval intents."""
        return {**super().meta(), "retrieval_intents": self.retrieval_intents}

    @classmethod
    def from_stored(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: dict[str, np.ndarray],
        meta: dict[str, Any],
    ) -> LinearResponseSelector:
        """A trained selector from what :meth:`persist` stored."""
        selector = super().from_stored(config, model_storage, resource, weights, meta)
        assert isinstance(selector, LinearResponseSelector)
        selector.retrieval_intents = list(meta.get("retrieval_intents") or [])
        return selector

"""DIET and ResponseSelector that load their trained weights without a training step.

Rasa 3.6 builds a stored TensorFlow model by compiling it and running ``fit`` on one
example before loading the weights (``RasaModel.load``). Tracing that training graph
(loss, CRF, optimiser) is most of the assistant's start-up: about 100 s of a 120 s
model load on a busy 2-core machine. Prediction never needs the optimiser, so
these classes restore the checkpoint lazily and build only the inference graph:
``load_weights`` on the unbuilt model defers each variable's value until the layer
creates it, and the one inference call Rasa makes anyway (to trace the prediction
function) creates every variable prediction uses, with its trained value.

``tests/integration/test_fast_load.py`` checks that this loads exactly what Rasa's
own loading does (same intent rankings, entities and FAQ answers on every training
example). Fine-tuning (``rasa train --finetune``) and ``FAST_MODEL_LOAD=0`` take
Rasa's own path.

The response selector can also skip the messages that are plainly not for it
(``min_retrieval_intent_confidence``, see :class:`FastLoadResponseSelector`).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.nlu.selectors.response_selector import DIET2BOW, DIET2DIET, ResponseSelector
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

#: FastLoadResponseSelector's option: the retrieval intent confidence below which a
#: message gets no answer selected.
MIN_RETRIEVAL_CONFIDENCE = "min_retrieval_intent_confidence"


def fast_load_enabled() -> bool:
    """``FAST_MODEL_LOAD=0`` (or ``false``/``no``) switches back to Rasa's own loading."""
    return os.environ.get("FAST_MODEL_LOAD", "1").strip().lower() not in {"0", "false", "no"}


class _InferenceOnlyLoad:
    """Mixin for a ``RasaModel``: ``load`` without compiling or fitting."""

    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: RasaModelData | None = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        """Restore the weights for prediction; Rasa's own ``load`` when fine-tuning."""
        base: Any = super()
        if finetune_mode or predict_data_example is None or not fast_load_enabled():
            return base.load(
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        model: Any = cls(*args, **kwargs)
        # The checkpoint also holds the optimiser's slots, which prediction never
        # creates: expect_partial() says so instead of warning about each one.
        model.load_weights(model_file_name).expect_partial()
        # Creates (and so restores) every variable prediction uses and traces the
        # prediction function, as Rasa's own load does after its training step.
        model.run_inference(predict_data_example)
        logger.debug("Loaded %s for prediction from %s", cls.__name__, model_file_name)
        return model


class FastLoadDIET(_InferenceOnlyLoad, DIET):
    """DIET's model, loaded for prediction only."""


class FastLoadDIET2BOW(_InferenceOnlyLoad, DIET2BOW):
    """The response selector's bag-of-words model, loaded for prediction only."""


class FastLoadDIET2DIET(_InferenceOnlyLoad, DIET2DIET):
    """The response selector's text-as-label model, loaded for prediction only."""


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class FastLoadDIETClassifier(DIETClassifier):
    """Rasa's DIETClassifier; starts without tracing its training graph."""

    @staticmethod
    def model_class() -> type[RasaModel]:
        """Return the model class (DIET with the prediction-only load)."""
        return FastLoadDIET


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
class FastLoadResponseSelector(ResponseSelector):
    """Rasa's ResponseSelector; starts without tracing its training graph.

    It also skips messages that are plainly not questions for it: with
    ``min_retrieval_intent_confidence`` above 0, a message whose retrieval intent has
    less than that confidence in the intent ranking (classified before this component)
    gets no answer selected. Its answer would never be used (only the retrieval
    intent leads to the FAQ answer) and selecting one costs several milliseconds of
    CPU a message. Every other message gets Rasa's own selection.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's defaults; ``min_retrieval_intent_confidence`` 0 selects for every message."""
        return {**ResponseSelector.get_default_config(), MIN_RETRIEVAL_CONFIDENCE: 0.0}

    @staticmethod
    def model_class(use_text_as_label: bool) -> type[RasaModel]:
        """Return the model class (DIET2DIET or DIET2BOW with the prediction-only load)."""
        return FastLoadDIET2DIET if use_text_as_label else FastLoadDIET2BOW

    def process(self, messages: list[Message]) -> list[Message]:
        """Select answers for the messages that may be the retrieval intent."""
        threshold = float(self.component_config.get(MIN_RETRIEVAL_CONFIDENCE) or 0.0)
        if threshold <= 0 or not self.retrieval_intent:
            return super().process(messages)
        candidates = [
            message
            for message in messages
            if intent_confidence(message, self.retrieval_intent) >= threshold
        ]
        if candidates:
            super().process(candidates)
        return messages

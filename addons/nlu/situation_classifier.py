"""An NLU component that finds special situations in every message: rules and a model.

Each parsed message is read by the rules of :mod:`scalpcare.situations` and by
:class:`scalpcare.situation_model.SituationModel`, trained here on the phrasing in
``data/situations/*.jsonl`` (written from public sources; the held-out side lives in
``tests/data/situations/`` and is never read) and on the NLU examples, over the sentence
encoder's vector the pipeline already computed and hashed n-grams. What either found goes
into the parse data as ``situations`` (a list of names, answering order), which
:class:`addons.policies.triage_policy.TriagePolicy` and the situation action read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu import stored_arrays
from addons.nlu.corpus_vectors import SITUATIONS_STORE, VectorStore
from addons.nlu.red_flags import encode, nlu_examples, sentence_vector
from addons.nlu.trained_reader import TrainedReader
from scalpcare import (
    consultation_text,
    other_languages,
    referral,
    situation_model,
    situations,
    text_model,
)

logger = logging.getLogger(__name__)

PROPERTY = situations.PARSE_PROPERTY
TRAINING_FOLDER = Path(__file__).resolve().parents[2] / "data" / "situations"
_FILES = ("situations.npz", "situations.json")
#: Code the trained model depends on besides this class: a change retrains it.
MODEL_CODE = (text_model, situation_model, situations, consultation_text, other_languages)


def load_items(folder: Path = TRAINING_FOLDER) -> list[dict[str, Any]]:
    """The labelled messages of every ``*.jsonl`` file in ``folder``."""
    items = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf8").splitlines():
            if line.strip():
                items.append(json.loads(line))
    return items


def training_texts(folder: Path = TRAINING_FOLDER) -> list[str]:
    """Every text the reader trains on besides the NLU examples (what its store holds)."""
    return sorted({str(item["text"]) for item in load_items(folder)})


def fingerprint(folder: Path = TRAINING_FOLDER) -> str:
    """A hash of the training files and the model's code (Rasa's covers this class only)."""
    return stored_arrays.fingerprint(sorted(folder.glob("*.jsonl")), MODEL_CODE)


def train_model(
    items: Sequence[dict[str, Any]],
    vectors: dict[str, np.ndarray],
    nlu: Sequence[tuple[str, np.ndarray]],
    config: dict[str, Any],
) -> situation_model.SituationModel:
    """Train the model exactly as ``rasa train`` does (also for measuring).

    Args:
        items: Labelled messages (``text`` and ``kinds``).
        vectors: Sentence vectors of every item's text.
        nlu: NLU training examples and their vectors, labelled here by the rules.
        config: The component's configuration (defaults filled in).
    """
    texts = [str(item["text"]) for item in items] + [text for text, _ in nlu]
    labels = [[k for k in item["kinds"] if k in situation_model.HEADS] for item in items] + [
        [s.value for s in situations.detect(text)] for text, _ in nlu
    ]
    return situation_model.train(
        texts,
        [vectors[str(item["text"])] for item in items] + [vector for _, vector in nlu],
        labels,
        c=float(config["C"]),
        threshold=float(config["threshold"]),
        min_positives=int(config["min_examples"]),
    )


def model_finding(
    model: situation_model.SituationModel, probs: dict[str, float], text: str
) -> list[situations.Situation]:
    """What the model found, its crisis counted as distress, distress only about hair.

    The distress answer names the crisis line. From its few examples the model also hears
    "I don't want to go out anymore" as a crisis, so the crisis answer (the emergency
    number first) is for the rules' unmistakable wording. And like the rules, it answers
    distress about hair and scalp changes only (:func:`scalpcare.situations.about_hair_or_scalp`),
    and never reads "my scalp got so angry" as a feeling
    (:func:`scalpcare.situations.mood_of_the_scalp`).
    """
    found: list[situations.Situation] = [
        situations.Situation.DISTRESS if s is situations.Situation.CRISIS else s
        for s in model.found(probs)
    ]
    if not situations.about_hair_or_scalp(text) or situations.mood_of_the_scalp(text):
        found = [s for s in found if s is not situations.Situation.DISTRESS]
    if referral.asks_for_summary(text):
        # "what should i tell the dermatologist?": getting ready to be seen, not under care.
        found = [s for s in found if s is not situations.Situation.UNDER_CARE]
    return found


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class SituationClassifier(TrainedReader):
    """Find special situations with the rules and a learned model; add them to the parse."""

    FILES = _FILES
    model: situation_model.SituationModel | None

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The defaults.

        ``use_model``, ``C`` (inverse regularisation), ``threshold``, ``min_examples`` (a
        situation's head needs this many), ``encoder_path`` (the featurizer's).
        """
        return {
            "use_model": True,
            "C": 4.0,
            "threshold": 0.5,
            "min_examples": 8,
            "encoder_path": "build/minilm",
        }

    @classmethod
    def training_fingerprint(cls) -> str:
        """The training files' hash: a change retrains the model."""
        return fingerprint()

    @classmethod
    def model_from_stored(
        cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]
    ) -> situation_model.SituationModel:
        """The situation model from its stored arrays and heads."""
        return situation_model.SituationModel.from_stored(arrays, meta)

    def train(self, training_data: TrainingData) -> Resource:
        """Train on ``data/situations`` and the NLU examples."""
        assert self._resource is not None, "a reader without model storage is not trained"
        if not self._config["use_model"]:
            return self._resource
        items = load_items()
        encoder = str(self._config["encoder_path"])
        vectors = VectorStore(SITUATIONS_STORE).vectors_for(
            [str(i["text"]) for i in items], lambda texts: encode(texts, encoder)
        )
        size = next(iter(vectors.values())).size
        nlu = nlu_examples(training_data, size)
        self.model = train_model(items, vectors, nlu, self._config)
        self.persist()
        return self._resource

    def read(self, message: Message) -> tuple[situations.Situation, ...]:
        """The message's situations: the rules' and the model's together."""
        text = str(message.get(TEXT) or "")
        rules = situations.detect(text)
        model = self.model
        if model is None or not text.strip() or text.startswith("/"):
            return rules
        if situations.Situation.OTHER_LANGUAGE in rules:
            return rules  # the encoder knows English only
        probs = model.probabilities(
            text[: situations.MAX_CHARS], sentence_vector(message, model.dense_size)
        )
        found = model_finding(model, probs, text)
        return situation_model.combine(rules, found)

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the ``situations`` property to each message."""
        for message in messages:
            message.set(PROPERTY, [s.value for s in self.read(message)], add_to_output=True)
        return messages

"""The stored CRF tagger (addons/nlu/crf_entities.py) loads without training and tags as Rasa's.

Trained on the booking examples of data/nlu/salon.yml, then loaded back from the model
storage with Rasa's training function made to fail: the loaded tagger must tag the
held-out salon messages exactly as Rasa's own ``CRFEntityExtractor``, trained on the
same examples and loaded Rasa's way (which trains again from its stored tokens).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.graph_components.validators.default_recipe_validator import GraphSchema
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu.crf_entities import DENSE_DIMENSIONS, StoredCRFEntityExtractor, fit_projection
from tests import nlu_parts

ROOT = Path(__file__).resolve().parents[2]


def _entities(message: Message) -> list[tuple[str, str, int, int]]:
    return [(e["entity"], e["value"], e["start"], e["end"]) for e in message.get("entities", [])]


@dataclass
class Salon:
    """The salon examples, featurized, and a tagger of the held-out salon messages."""

    training: TrainingData
    tag: Callable[[CRFEntityExtractor], list[list[tuple]]]


def _salon(featurizer: Any, trainable: bool) -> Salon:
    """Whitespace tokens and ``featurizer``'s features (trained first if ``trainable``)."""
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    training = load_data(str(ROOT / "data" / "nlu" / "salon.yml"))
    tokenizer.process_training_data(training)
    if trainable:
        featurizer.train(training)
    featurizer.process_training_data(training)
    texts = [
        m.get("text")
        for m in load_data(str(ROOT / "tests" / "nlu" / "heldout_salon.yml")).intent_examples
    ]

    def tag(extractor: CRFEntityExtractor) -> list[list[tuple]]:
        messages = [Message(data={"text": text}) for text in texts]
        tokenizer.process(messages)
        featurizer.process(messages)
        extractor.process(messages)
        return [_entities(message) for message in messages]

    return Salon(training, tag)


@pytest.fixture(scope="module")
def featurized(tmp_path_factory: pytest.TempPathFactory) -> Salon:
    """The salon examples with word counts."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("features"))
    context = ExecutionContext(GraphSchema({}), "test")
    counts = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("counts"), context
    )
    return _salon(counts, trainable=True)


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> Salon:
    """The salon examples with the sentence encoder's token vectors (dense features)."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("encoded"))
    context = ExecutionContext(GraphSchema({}), "test")
    return _salon(nlu_parts.sentence_encoder(storage, context), trainable=False)


def _trained(cls: type[CRFEntityExtractor], training: TrainingData, storage: LocalModelStorage):
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource(cls.__name__)
    config = cls.get_default_config()
    extractor = cls.create(config, storage, resource, context)
    extractor.train(training)
    return config, storage, resource, context


def test_loading_trains_nothing_and_tags_as_rasa_does(
    featurized: Salon, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = LocalModelStorage(tmp_path)
    rasa_loaded = CRFEntityExtractor.load(
        *_trained(CRFEntityExtractor, featurized.training, storage)
    )
    stored = _trained(StoredCRFEntityExtractor, featurized.training, storage)

    def no_training(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("loading trained the CRF again")

    monkeypatch.setattr(CRFEntityExtractor, "train_model", classmethod(no_training))
    ours = StoredCRFEntityExtractor.load(*stored)

    expected = featurized.tag(rasa_loaded)
    assert sum(len(found) for found in expected) >= 10  # the held-out messages name services
    assert featurized.tag(ours) == expected
    files = sorted(p.name for p in (tmp_path / stored[2].name).iterdir())
    assert files == ["crf_entity.crfsuite", "crf_order.json"]  # no training set


def test_a_model_without_taggers_loads_untrained(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = StoredCRFEntityExtractor.get_default_config()
    loaded = StoredCRFEntityExtractor.load(config, storage, Resource("nothing"), context)
    assert not loaded.entity_taggers
    message = Message(data={"text": "hello"})
    assert loaded.process([message]) == [message]


def test_projected_dense_features_are_stored_and_tag_the_same_after_loading(
    encoded: Salon, tmp_path: Path
) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**StoredCRFEntityExtractor.get_default_config(), DENSE_DIMENSIONS: 16}
    trained = StoredCRFEntityExtractor.create(config, storage, Resource("crf"), context)
    trained.train(encoded.training)
    assert trained.projection is not None
    mean, axes = trained.projection
    assert mean.shape == (384,) and axes.shape == (384, 16)
    # The axes are orthonormal, so the projection keeps the strongest directions' lengths.
    assert np.allclose(axes.T @ axes, np.eye(16), atol=1e-4)

    # What crfsuite reads for a token: 16 numbers of the projection, not 384.
    example = next(m for m in encoded.training.entity_examples if m.get("entities"))
    (token, *_) = trained._convert_to_crf_tokens(example)
    assert len(token.dense_features) == 16

    loaded = StoredCRFEntityExtractor.load(config, storage, Resource("crf"), context)
    assert loaded.projection is not None
    assert np.array_equal(loaded.projection[1], axes)
    found = encoded.tag(loaded)
    assert found == encoded.tag(trained)
    assert sum(len(entities) for entities in found) >= 10


def test_the_projection_is_the_same_for_the_same_rows() -> None:
    rows = np.random.default_rng(7).normal(size=(200, 12))
    first, second = fit_projection(rows, 4), fit_projection(rows[::-1].copy(), 4)
    assert np.allclose(first[0], second[0], atol=1e-5)
    assert np.allclose(first[1], second[1], atol=1e-4)

"""The linear FAQ answer selector: its training labels, the gate, its output and storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu.response_selector import LinearResponseSelector

VOCAB = ["price", "cost", "massage", "often", "hours", "open", "hi"]

# (text, intent, topic): three FAQ topics and an intent that is not the FAQ's.
TRAINING = [
    ("price cost", "faq", "faq/price"),
    ("cost", "faq", "faq/price"),
    ("price", "faq", "faq/price"),
    ("massage often", "faq", "faq/massage"),
    ("often massage massage", "faq", "faq/massage"),
    ("massage", "faq", "faq/massage"),
    ("hours open", "faq", "faq/hours"),
    ("open", "faq", "faq/hours"),
    ("hours", "faq", "faq/hours"),
    ("hi", "greet", None),
    ("hi hi", "greet", None),
]


def message(
    text: str,
    intent: str | None = None,
    topic: str | None = None,
    ranking: list[tuple[str, float]] | None = None,
) -> Message:
    data: dict[str, Any] = {TEXT: text}
    if intent:
        data[INTENT] = intent
    if topic:
        data["intent_response_key"] = topic
    if ranking:
        data[INTENT] = {"name": ranking[0][0], "confidence": ranking[0][1]}
        data[INTENT_RANKING_KEY] = [{"name": n, "confidence": c} for n, c in ranking]
    msg = Message(data=data)
    counts = np.array([[text.split().count(word) for word in VOCAB]], dtype=float)
    msg.add_features(
        Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "counts")
    )
    return msg


def selector(storage: LocalModelStorage, **config: Any) -> LinearResponseSelector:
    return LinearResponseSelector.create(
        {**LinearResponseSelector.get_default_config(), **config},
        storage,
        Resource("faq_selector"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture
def trained(storage: LocalModelStorage) -> LinearResponseSelector:
    model = selector(storage, min_retrieval_intent_confidence=0.01)
    model.train(TrainingData([message(t, i, k) for t, i, k in TRAINING]))
    return model


def answer(msg: Message) -> dict[str, Any] | None:
    return (msg.get("response_selector") or {}).get("faq")


def test_learns_only_the_retrieval_intents_topics(trained: LinearResponseSelector) -> None:
    assert trained.classes == ["faq/hours", "faq/massage", "faq/price"]
    assert trained.retrieval_intents == ["faq"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [("cost price", "faq/price"), ("massage", "faq/massage"), ("open hours", "faq/hours")],
)
def test_selects_the_topic_in_rasas_format(
    trained: LinearResponseSelector, text: str, topic: str
) -> None:
    (msg,) = trained.process([message(text, ranking=[("faq", 0.9), ("greet", 0.1)])])
    selected = answer(msg)
    assert selected is not None
    response = selected["response"]
    assert response["intent_response_key"] == topic
    assert response["utter_action"] == "utter_" + topic
    assert 1 / 3 < response["confidence"] <= 1.0
    ranking = selected["ranking"]
    assert ranking[0]["intent_response_key"] == topic
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert msg.get("response_selector")["all_retrieval_intents"] == ["faq"]


@pytest.mark.parametrize(
    ("ranking", "selected"),
    [
        ([("faq", 0.9), ("greet", 0.1)], True),
        ([("greet", 0.95), ("faq", 0.05)], True),
        ([("greet", 0.995), ("faq", 0.005)], False),  # under the 1% gate
        ([("greet", 1.0)], False),  # faq not ranked at all
    ],
)
def test_the_gate(trained: LinearResponseSelector, ranking, selected: bool) -> None:
    (msg,) = trained.process([message("price", ranking=ranking)])
    assert (answer(msg) is not None) is selected


def test_without_a_gate_every_message_gets_a_selection(storage: LocalModelStorage) -> None:
    model = selector(storage)
    model.train(TrainingData([message(t, i, k) for t, i, k in TRAINING]))
    (msg,) = model.process([message("hi", ranking=[("greet", 1.0)])])
    assert answer(msg) is not None


def test_it_never_sets_the_intent(trained: LinearResponseSelector) -> None:
    (msg,) = trained.process([message("price", ranking=[("greet", 0.6), ("faq", 0.4)])])
    assert msg.get(INTENT)["name"] == "greet"


def test_untrained_selects_nothing(storage: LocalModelStorage) -> None:
    model = selector(storage)
    model.train(TrainingData([message("hi", "greet"), message("price", "faq", "faq/price")]))
    (msg,) = model.process([message("price", ranking=[("faq", 1.0)])])
    assert answer(msg) is None


def test_stored_and_loaded_selects_the_same(
    trained: LinearResponseSelector, storage: LocalModelStorage
) -> None:
    loaded = LinearResponseSelector.load(
        {**LinearResponseSelector.get_default_config(), "min_retrieval_intent_confidence": 0.01},
        storage,
        Resource("faq_selector"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    assert loaded.classes == trained.classes
    assert loaded.retrieval_intents == ["faq"]
    for text in ("price", "massage often", "open", "hi"):
        ranking = [("faq", 0.8), ("greet", 0.2)]
        (a,) = trained.process([message(text, ranking=ranking)])
        (b,) = loaded.process([message(text, ranking=ranking)])
        assert answer(a) == answer(b)

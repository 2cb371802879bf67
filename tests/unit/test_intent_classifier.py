"""The linear intent classifier: its feature weighting, training, storage and output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer

from addons.nlu.intent_classifier import LinearIntentClassifier, idf_weights, softmax

VOCAB = ["yes", "no", "itchy", "scalp", "book", "facial"]
# Tiny stand-ins for the pipeline's featurizers: word counts (sparse) and a
# 3-dimensional "sentence vector" (dense).
DENSE = {"affirm": [1.0, 0.0, 0.0], "deny": [0.0, 1.0, 0.0], "describe": [0.0, 0.0, 1.0]}


def message(text: str, intent: str | None = None, dense: list[float] | None = None) -> Message:
    counts = np.array([[text.split().count(word) for word in VOCAB]], dtype=float)
    msg = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    if text:
        msg.add_features(
            Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "counts")
        )
        # Sequence features are not the classifier's business.
        msg.add_features(
            Features(
                scipy.sparse.coo_matrix(np.ones((2, 6))), FEATURE_TYPE_SEQUENCE, TEXT, "counts"
            )
        )
        msg.add_features(
            Features(np.array([dense or [0.3, 0.3, 0.3]]), FEATURE_TYPE_SENTENCE, TEXT, "encoder")
        )
    return msg


TRAINING = [
    ("yes", "affirm"),
    ("yes yes", "affirm"),
    ("yes book", "affirm"),
    ("no", "deny"),
    ("no no", "deny"),
    ("no facial", "deny"),
    ("itchy scalp", "describe"),
    ("scalp itchy itchy", "describe"),
    ("itchy", "describe"),
]


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def trained(storage: LocalModelStorage, examples=TRAINING, **config) -> LinearIntentClassifier:
    classifier = LinearIntentClassifier.create(
        {**LinearIntentClassifier.get_default_config(), **config},
        storage,
        Resource("intents"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    data = TrainingData([message(text, intent, DENSE[intent]) for text, intent in examples])
    classifier.train(data)
    return classifier


def test_idf_matches_scikit_learn() -> None:
    counts = scipy.sparse.csr_matrix(np.array([[1, 0, 2], [0, 0, 1], [3, 1, 0], [1, 0, 0]]))
    expected = TfidfTransformer(smooth_idf=True).fit(counts).idf_
    assert np.allclose(idf_weights(counts), expected)


def test_sparse_block_is_sublinear_tf_idf_with_unit_rows(storage: LocalModelStorage) -> None:
    classifier = trained(storage)
    messages = [message(text, intent) for text, intent in TRAINING]
    matrix = classifier._matrix(messages).toarray()
    counts = np.array([[t.split().count(w) for w in VOCAB] for t, _ in TRAINING], dtype=float)
    expected = TfidfTransformer(sublinear_tf=True).fit_transform(counts).toarray()
    assert np.allclose(matrix[:, : len(VOCAB)], expected)
    # The dense block is unit length on its own.
    assert np.allclose(np.linalg.norm(matrix[:, len(VOCAB) :], axis=1), 1.0)


@pytest.mark.parametrize(
    ("text", "dense", "intent"),
    [
        ("yes", DENSE["affirm"], "affirm"),
        ("no", DENSE["deny"], "deny"),
        ("itchy scalp", DENSE["describe"], "describe"),
        ("yes facial", None, "affirm"),
    ],
)
def test_predicts_and_ranks(storage: LocalModelStorage, text: str, dense, intent: str) -> None:
    classifier = trained(storage)
    (msg,) = classifier.process([message(text, dense=dense)])
    assert msg.get(INTENT)["name"] == intent
    ranking = msg.get("intent_ranking")
    confidences = [entry["confidence"] for entry in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert {entry["name"] for entry in ranking} == {"affirm", "deny", "describe"}


def test_ranking_is_cut_to_its_length(storage: LocalModelStorage) -> None:
    classifier = trained(storage, ranking_length=2)
    (msg,) = classifier.process([message("yes")])
    assert len(msg.get("intent_ranking")) == 2


def test_a_text_without_features_still_gets_an_uncertain_intent(storage: LocalModelStorage) -> None:
    classifier = trained(storage)
    (msg,) = classifier.process([message("")])
    assert msg.get(INTENT)["confidence"] < 0.6


def test_prediction_uses_the_same_features_as_training(storage: LocalModelStorage) -> None:
    # Prediction reads only the weight columns of each message's features; training
    # builds a matrix. Both must be scikit-learn's sublinear TF-IDF (with the IDF of
    # the training examples) and a unit-length dense vector, for every kind of
    # message: computed here independently of the classifier's code.
    classifier = trained(storage)
    texts = ["yes", "no facial", "itchy itchy scalp", "book", "", "unknown words only"]
    dense = np.array([0.2, -0.5, 0.9])
    messages = [message(text, dense=list(dense)) for text in texts]
    # A count matrix with the same column twice (COO allows it) counts it once summed.
    doubled = Message(data={TEXT: "yes yes"})
    doubled.add_features(
        Features(
            scipy.sparse.coo_matrix(([1.0, 1.0], ([0, 0], [0, 0])), shape=(1, len(VOCAB))),
            FEATURE_TYPE_SENTENCE,
            TEXT,
            "counts",
        )
    )
    messages.append(doubled)

    def counts(text: str) -> list[int]:
        return [text.split().count(word) for word in VOCAB]

    tfidf = TfidfTransformer(sublinear_tf=True).fit(np.array([counts(t) for t, _ in TRAINING]))
    sparse = tfidf.transform(np.array([counts(text) for text in [*texts, "yes yes"]])).toarray()
    unit = dense / np.linalg.norm(dense)
    # Only messages with a text get the dense block (message()); "yes yes" above has none.
    has_dense = np.array([[1.0 if text else 0.0] for text in texts] + [[0.0]])
    features = np.hstack([sparse, has_dense * unit])
    scores = features @ classifier.weights["coef"].T + classifier.weights["intercept"]
    assert np.allclose(classifier.probabilities(messages), softmax(scores), atol=1e-12)
    training_scores = classifier._matrix(messages) @ classifier.weights["coef"].T
    assert np.allclose(
        softmax(np.asarray(training_scores) + classifier.weights["intercept"]),
        softmax(scores),
        atol=1e-12,
    )


def test_stored_and_loaded_gives_the_same_probabilities(storage: LocalModelStorage) -> None:
    classifier = trained(storage)
    messages = [message(text) for text in ("yes", "no facial", "itchy itchy", "book")]
    before = classifier.probabilities(messages)
    loaded = LinearIntentClassifier.load(
        LinearIntentClassifier.get_default_config(),
        storage,
        Resource("intents"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    assert loaded.classes == classifier.classes
    assert np.allclose(loaded.probabilities(messages), before)


def test_nothing_stored_loads_an_untrained_classifier(storage: LocalModelStorage) -> None:
    loaded = LinearIntentClassifier.load(
        LinearIntentClassifier.get_default_config(),
        storage,
        Resource("never-trained"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    msg = message("yes")
    loaded.process([msg])
    assert msg.get(INTENT) is None


def test_training_examples_keep_their_own_intents(storage: LocalModelStorage) -> None:
    classifier = trained(storage)
    data = TrainingData([message("yes", "deny")])
    classifier.process_training_data(data)
    assert data.training_examples[0].get(INTENT) == "deny"


def test_two_intents_give_two_probabilities(storage: LocalModelStorage) -> None:
    classifier = trained(storage, examples=[e for e in TRAINING if e[1] != "describe"])
    (msg,) = classifier.process([message("no", dense=DENSE["deny"])])
    assert msg.get(INTENT)["name"] == "deny"
    assert len(msg.get("intent_ranking")) == 2


def test_softmax_rows_sum_to_one() -> None:
    probabilities = softmax(np.array([[1000.0, 0.0], [0.0, 0.0]]))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities[0, 0] == pytest.approx(1.0)

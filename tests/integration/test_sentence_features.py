"""The sentence-encoder featurizer as Rasa's graph runs it: real spaCy tokens, real messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu.sentence_features import (
    THREADS_VARIABLE,
    SentenceEncoderFeaturizer,
    encoder_threads,
    shared_encoder,
    small_products_on_one_thread,
)
from tests import nlu_parts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory):
    """spaCy, its tokenizer and the featurizer, configured as in config.yml."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    context = ExecutionContext(GraphSchema({}), "test")
    spacy_nlp = nlu_parts.spacy_nlp(storage, context)
    tokenizer = SpacyTokenizer.create(
        SpacyTokenizer.get_default_config(), storage, Resource("tokenizer"), context
    )
    featurizer = nlu_parts.sentence_encoder(storage, context)

    def run(texts: list[str], training: bool = False) -> list[Message]:
        messages = [Message(data={TEXT: text}) for text in texts]
        if training:
            data = TrainingData(training_examples=messages)
            spacy_nlp.process_training_data(data, spacy_nlp.provide())
            tokenizer.process_training_data(data)
            featurizer.process_training_data(data)
        else:
            spacy_nlp.process(messages, spacy_nlp.provide())
            tokenizer.process(messages)
            featurizer.process(messages)
        return messages

    return run


def dense(message: Message, kind: str) -> np.ndarray:
    """The only features of this kind: nothing else in this pipeline adds any."""
    (features,) = [f for f in message.features if f.attribute == TEXT and f.type == kind]
    return np.asarray(features.features)


TEXTS = [
    "my scalp is itchy and flaky",
    "book it under Siobhan Murphy for saturday",
    "hi👋",
    "Crème brûlée <b>x</b>",
    "itchy " * 400,
]


def test_one_token_vector_per_spacy_token_and_one_sentence_vector(pipeline) -> None:
    for message in pipeline(TEXTS):
        tokens = message.get(TOKENS_NAMES[TEXT])
        assert dense(message, FEATURE_TYPE_SEQUENCE).shape == (len(tokens), 384)
        assert dense(message, FEATURE_TYPE_SENTENCE).shape == (1, 384)


def test_the_sentence_feature_is_the_encoders_sentence_vector(pipeline) -> None:
    encoder = shared_encoder(str(ROOT / "build" / "minilm"))
    for message, text in zip(pipeline(TEXTS), TEXTS, strict=True):
        sentence, _, _ = encoder.encode([text])[0]
        assert np.allclose(dense(message, FEATURE_TYPE_SENTENCE)[0], sentence, atol=1e-6)


def test_training_and_prediction_give_the_same_features(pipeline) -> None:
    """Training batches texts together; a parse encodes one: same features."""
    for trained, parsed in zip(pipeline(TEXTS, training=True), pipeline(TEXTS), strict=True):
        for kind in (FEATURE_TYPE_SEQUENCE, FEATURE_TYPE_SENTENCE):
            assert np.abs(dense(trained, kind) - dense(parsed, kind)).max() < 1e-4


def test_a_name_token_gets_its_own_contextual_vector(pipeline) -> None:
    (message,) = pipeline(["book it under Siobhan Murphy"])
    tokens = [token.text.lower() for token in message.get(TOKENS_NAMES[TEXT])]
    sequence = dense(message, FEATURE_TYPE_SEQUENCE)
    # Every token of a short text is inside the first 256 pieces: none is all zeros.
    assert all(np.abs(row).sum() > 0 for row in sequence)
    siobhan = sequence[tokens.index("siobhan")]
    murphy = sequence[tokens.index("murphy")]
    assert not np.allclose(siobhan, murphy)


def test_tokens_past_the_encoders_limit_get_zero_vectors(pipeline) -> None:
    (message,) = pipeline(["itchy " * 400])
    sequence = dense(message, FEATURE_TYPE_SEQUENCE)
    assert np.abs(sequence[0]).sum() > 0
    assert np.abs(sequence[-1]).sum() == 0


def test_messages_without_text_are_left_alone(pipeline) -> None:
    (message,) = pipeline([""])
    assert not message.features


def test_a_missing_encoder_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfigException, match="make install"):
        SentenceEncoderFeaturizer.validate_config({"model_path": str(tmp_path / "nothing")})


@pytest.mark.parametrize(
    ("value", "threads"),
    [(None, 1), ("", 1), ("1", 1), ("2", 2), (" 4 ", 4), ("0", 1), ("-3", 1), ("two", 1)],
)
def test_encoder_threads_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, threads: int
) -> None:
    if value is None:
        monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(THREADS_VARIABLE, value)
    assert encoder_threads() == threads


def _blas_threads() -> set[int]:
    from threadpoolctl import threadpool_info

    return {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}


def test_serving_runs_small_products_on_one_thread_and_the_encoder_on_its_own(
    pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadpoolctl import ThreadpoolController

    before = ThreadpoolController().info()
    expected = [dense(m, FEATURE_TYPE_SENTENCE) for m in pipeline(["my scalp is itchy"])]
    try:
        small_products_on_one_thread()
        assert _blas_threads() == {1}
        seen: list[set[int]] = []
        original = shared_encoder(str(ROOT / "build" / "minilm")).encode

        def encode(*args, **kwargs):
            seen.append(_blas_threads())
            return original(*args, **kwargs)

        monkeypatch.setattr(shared_encoder(str(ROOT / "build" / "minilm")), "encode", encode)
        got = [dense(m, FEATURE_TYPE_SENTENCE) for m in pipeline(["my scalp is itchy"])]
        # The featurizer was made with SENTENCE_ENCODER_THREADS unset: one thread.
        assert seen == [{1}]
        assert np.allclose(got[0], expected[0], atol=1e-6)
        assert _blas_threads() == {1}  # and one again after the encoder's products
    finally:
        for info in before:
            if info["user_api"] == "blas":
                ThreadpoolController().limit(limits=info["num_threads"], user_api="blas")

"""The tokenizer whose training tokens remember their fingerprints (addons/nlu/tokenizer.py).

Rasa keys its training cache on fingerprints: they must stay exactly Rasa's own, for the
real training data, after featurizers have added features, and after a token changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer as RasaSpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu.tokenizer import FingerprintedToken, SpacyTokenizer
from tests import nlu_parts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory):
    """spaCy, Rasa's tokenizer, ours and a count-vectors featurizer, as in config.yml."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    context = ExecutionContext(GraphSchema({}), "test")
    spacy_nlp = nlu_parts.spacy_nlp(storage, context)
    rasa_tokenizer = RasaSpacyTokenizer.create(
        RasaSpacyTokenizer.get_default_config(), storage, Resource("rasa"), context
    )
    ours = SpacyTokenizer.create(
        SpacyTokenizer.get_default_config(), storage, Resource("ours"), context
    )
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "use_lemma": True},
        storage,
        Resource("cvf"),
        context,
    )
    return spacy_nlp, rasa_tokenizer, ours, featurizer


def training_data() -> TrainingData:
    """The assistant's own NLU training data, read as `rasa train` reads it."""
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    return importer.get_nlu_data()


def test_the_training_data_fingerprints_as_with_rasas_tokenizer(components) -> None:
    spacy_nlp, rasa_tokenizer, ours, featurizer = components
    fingerprints = []
    for tokenizer in (rasa_tokenizer, ours):
        data = training_data()
        spacy_nlp.process_training_data(data, spacy_nlp.provide())
        tokenizer.process_training_data(data)
        tokenized = data.fingerprint()
        featurizer.train(data)
        featurizer.process_training_data(data)
        fingerprints.append((tokenized, data.fingerprint()))
    assert len(data.training_examples) > 1000
    assert fingerprints[0] == fingerprints[1]
    tokens = [t for e in data.training_examples for t in e.get(TOKENS_NAMES[TEXT]) or []]
    assert len(tokens) > 10000
    assert all(isinstance(token, FingerprintedToken) for token in tokens)


def test_serving_keeps_rasas_tokens(components) -> None:
    spacy_nlp, _, ours, _ = components
    message = Message(data={TEXT: "my scalp is itchy"})
    spacy_nlp.process([message], spacy_nlp.provide())
    ours.process([message])
    assert [type(token) for token in message.get(TOKENS_NAMES[TEXT])] == [Token] * 4


#: Not plain data: its fingerprint is its ``str``, computed every time.
AN_OBJECT = object()


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token.set("pos", "VERB"),
        lambda token: token.data.__setitem__("pos", "VERB"),
        lambda token: setattr(token, "lemma", "itch"),
        lambda token: setattr(token, "text", "itchy!"),
        lambda token: setattr(token, "end", 20),
        lambda token: token.set("pos", 1),
        lambda token: token.set("vector", [0.1, 0.2]),
        lambda token: token.data["pattern"].__setitem__("scalp_words", True),
        lambda token: token.set("pattern", {"scalp_words": 1}),
        lambda token: token.set("doc", AN_OBJECT),
    ],
    ids=["set", "data", "lemma", "text", "end", "int", "list", "nested", "nested-int", "object"],
)
def test_a_changed_token_fingerprints_as_rasas(change) -> None:
    def data() -> dict:
        return {"pos": "ADJ", "pattern": {"scalp_words": False}}

    plain = Token("itchy", 12, lemma="itchy", data=data())
    remembered = FingerprintedToken.of(Token("itchy", 12, lemma="itchy", data=data()))
    assert remembered.fingerprint() == plain.fingerprint()
    change(plain)
    change(remembered)
    assert remembered.fingerprint() == plain.fingerprint()
    assert remembered.fingerprint() == plain.fingerprint()


def test_one_and_true_fingerprint_differently() -> None:
    token = FingerprintedToken("x", 0, data={"flag": 1})
    first = token.fingerprint()
    token.set("flag", True)
    assert token.fingerprint() != first
    assert token.fingerprint() == Token("x", 0, data={"flag": True}).fingerprint()

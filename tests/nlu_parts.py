"""The project's NLU pipeline parts as config.yml configures them, for tests that run them.

spaCy's blank English pipeline (``build/spacy-en``) and the sentence-encoder featurizer
(``build/minilm``), both built by ``make install``.
"""

from __future__ import annotations

from pathlib import Path

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyNLP

from addons.nlu.sentence_features import SentenceEncoderFeaturizer

ROOT = Path(__file__).resolve().parents[1]


def spacy_nlp(storage: ModelStorage, context: ExecutionContext) -> SpacyNLP:
    """``SpacyNLP`` on the project's spaCy pipeline."""
    return SpacyNLP.create(
        {**SpacyNLP.get_default_config(), "model": str(ROOT / "build" / "spacy-en")},
        storage,
        Resource("spacy"),
        context,
    )


def sentence_encoder(storage: ModelStorage, context: ExecutionContext) -> SentenceEncoderFeaturizer:
    """The sentence-encoder featurizer on the project's encoder."""
    return SentenceEncoderFeaturizer.create(
        {
            **SentenceEncoderFeaturizer.get_default_config(),
            "model_path": str(ROOT / "build" / "minilm"),
        },
        storage,
        Resource("featurizer"),
        context,
    )

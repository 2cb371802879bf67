"""Rasa's CRF entity tagger, stored as its trained models instead of its training set.

Rasa 3.6's ``CRFEntityExtractor`` stores the tokens it was trained on (for this
assistant, every token of every example with the sentence encoder's 384 numbers, as
JSON) and trains the conditional random fields again each time a model is loaded:
16-20 s of every start-up and of every replica's, and the memory of that training set.
Training with L-BFGS on the same tokens gives the same model, so this class stores the
trained models themselves (crfsuite's own binary format, one file per tag, written by
crfsuite when it trains) and loads them as they are. Predictions are Rasa's own code
(``process`` is not overridden). ``tests/integration/test_crf_entities.py`` checks that
a stored-and-loaded tagger tags exactly as one Rasa loads its way, and that loading
trains nothing.

With ``dense_dimensions`` set, the tokens' dense features (the sentence encoder's 384
numbers a token) reach crfsuite as their first principal components, learnt from the
training tokens and stored with the taggers: crfsuite's cost grows with the features a
token has, and 384 of them were nearly all of the tagger's training time and most of its
cost a message (docs/pipeline.md).
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file

logger = logging.getLogger(__name__)

_ORDER_FILE = "crf_order.json"
_PROJECTION_FILE = "dense_projection.npz"
#: Configuration key: how many principal components of the dense features the CRF reads
#: (None: all the features, as Rasa's class does).
DENSE_DIMENSIONS = "dense_dimensions"


def fit_projection(rows: np.ndarray, dimensions: int) -> tuple[np.ndarray, np.ndarray]:
    """The mean and the first ``dimensions`` principal axes [features, dimensions] of ``rows``."""
    mean = rows.mean(axis=0)
    _, _, axes = np.linalg.svd(rows - mean, full_matrices=False)
    # The sign of each axis is arbitrary: fix it so that the same rows give the same axes.
    axes = axes[:dimensions]
    axes *= np.where(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)] < 0, -1.0, 1.0)[
        :, None
    ]
    return mean.astype(np.float32), axes.T.astype(np.float32)


def _model_file(tag_name: str) -> str:
    return f"crf_{tag_name}.crfsuite"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """``CRFEntityExtractor`` whose model holds the trained taggers, not the training set."""

    #: The dense features' mean and principal axes (``dense_dimensions``), or None.
    projection: tuple[np.ndarray, np.ndarray] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's constructor; and a lock for ``process``."""
        super().__init__(*args, **kwargs)
        self._tagging = threading.Lock()

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Rasa's defaults, and all the dense features."""
        return {**CRFEntityExtractor.get_default_config(), DENSE_DIMENSIONS: None}

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the dense features' principal axes (``dense_dimensions``), then train."""
        dimensions = self.component_config.get(DENSE_DIMENSIONS)
        self.projection = None
        if dimensions:
            rasa_features = super()._get_dense_features
            rows = [
                features
                for message in training_data.entity_examples
                if (features := rasa_features(message)) is not None
            ]
            if rows:
                self.projection = fit_projection(np.concatenate(rows), int(dimensions))
        return super().train(training_data)

    def _get_dense_features(self, message: Message) -> np.ndarray | None:
        """Each token's dense features, projected on the principal axes when there are any."""
        features = super()._get_dense_features(message)
        if features is None or self.projection is None:
            return features
        mean, axes = self.projection
        return (np.asarray(features, dtype=np.float32) - mean) @ axes

    def process(self, messages: list[Message]) -> list[Message]:
        """Rasa's ``process``, one call at a time: a crfsuite tagger holds the sequence it tags.

        (``set`` the tokens, then read each label's marginals: two threads tagging at
        once would read each other's; ``NLU_PARSE_WORKERS`` in ``addons/server/serve.py``.)
        """
        with self._tagging:
            return super().process(messages)

    def persist(self, dataset: list[list[CRFToken]]) -> None:
        """Store the tag order and each tag's trained crfsuite model (not ``dataset``)."""
        with self._model_storage.write_to(self._resource) as model_dir:
            dump_obj_as_json_to_file(model_dir / _ORDER_FILE, self.crf_order)
            if self.projection is not None:
                mean, axes = self.projection
                np.savez(model_dir / _PROJECTION_FILE, mean=mean, axes=axes)
            for tag_name, tagger in (self.entity_taggers or {}).items():
                shutil.copyfile(tagger.modelfile.name, model_dir / _model_file(tag_name))

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> StoredCRFEntityExtractor:
        """Load the stored taggers; an untrained tagger when there are none."""
        import pycrfsuite
        import sklearn_crfsuite

        try:
            with model_storage.read_from(resource) as model_dir:
                crf_order = read_json_file(model_dir / _ORDER_FILE)
                taggers: OrderedDict[str, Any] = OrderedDict()
                for tag_name in crf_order:
                    tagger = sklearn_crfsuite.CRF()
                    # Read into memory now: the model folder may go away after loading.
                    # crfsuite reads from the bytes without holding them: the CRF does.
                    tagger.model_bytes = (model_dir / _model_file(tag_name)).read_bytes()
                    tagger._tagger = pycrfsuite.Tagger()
                    tagger._tagger.open_inmemory(tagger.model_bytes)
                    taggers[tag_name] = tagger
                projection = None
                if (model_dir / _PROJECTION_FILE).exists():
                    with np.load(model_dir / _PROJECTION_FILE, allow_pickle=False) as stored:
                        projection = (stored["mean"], stored["axes"])
        except (ValueError, FileNotFoundError):
            logger.debug("No trained %s in the model.", cls.__name__)
            return cls(config, model_storage, resource)
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = crf_order
        extractor.projection = projection
        return extractor

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
"""

from __future__ import annotations

import logging
import shutil
from collections import OrderedDict
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.shared.utils.io import dump_obj_as_json_to_file, read_json_file

logger = logging.getLogger(__name__)

_ORDER_FILE = "crf_order.json"


def _model_file(tag_name: str) -> str:
    return f"crf_{tag_name}.crfsuite"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """``CRFEntityExtractor`` whose model holds the trained taggers, not the training set."""

    def persist(self, dataset: list[list[CRFToken]]) -> None:
        """Store the tag order and each tag's trained crfsuite model (not ``dataset``)."""
        with self._model_storage.write_to(self._resource) as model_dir:
            dump_obj_as_json_to_file(model_dir / _ORDER_FILE, self.crf_order)
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
        except (ValueError, FileNotFoundError):
            logger.debug("No trained %s in the model.", cls.__name__)
            return cls(config, model_storage, resource)
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = crf_order
        return extractor

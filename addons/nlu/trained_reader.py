"""The shared frame of the two trained readers: the screener and the situation reader.

Both run rules on every message and, beside them, a small learned model over the
sentence encoder's vector; both train it from their own labelled files, store it as
NumPy arrays and JSON (:mod:`addons.nlu.stored_arrays`, no pickle), retrain when those
files or the model's code change, and fall back to the rules alone when nothing was
stored. That frame lives here once; each subclass says what it trains on and how it reads
a message.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu import stored_arrays

logger = logging.getLogger(__name__)


class StoredModel(Protocol):
    """What a reader's model offers to be stored (``arrays`` and ``meta``)."""

    def arrays(self) -> dict[str, np.ndarray]:
        """The model's arrays, by name."""

    def meta(self) -> dict[str, Any]:
        """The model's names and settings (JSON-safe)."""


Reader = TypeVar("Reader", bound="TrainedReader")


class TrainedReader(GraphComponent):
    """Rules plus an optional learned model, stored without pickle.

    Subclasses set :attr:`FILES` (the ``.npz`` and ``.json`` names), implement
    :meth:`training_fingerprint`, :meth:`model_from_stored` and ``train``, and may warm
    their rules up in :meth:`warm_up`. ``self.model`` is ``None`` for the rules alone.
    """

    #: The stored arrays' and meta's file names in the component's storage folder.
    FILES: ClassVar[tuple[str, str]]

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        model: Any = None,
    ) -> None:
        """A reader; with ``model``, the learned model runs beside the rules.

        Without a model storage (tests, scripts) it reads but cannot be trained.
        """
        self._config = {**self.get_default_config(), **(config or {})}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    # What a subclass says ----------------------------------------------------

    @classmethod
    def training_fingerprint(cls) -> str:
        """A hash of the training files and the model's code."""
        raise NotImplementedError

    @classmethod
    def model_from_stored(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> Any:
        """The model from what :meth:`persist` stored."""
        raise NotImplementedError

    @classmethod
    def warm_up(cls) -> None:
        """Prepare the rules once, before the first message (nothing by default)."""

    # The frame -----------------------------------------------------------------

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The training files' hash: a change retrains the model (Rasa's covers the class)."""
        return cls.training_fingerprint() if config.get("use_model", True) else None

    @classmethod
    def create(
        cls: type[Reader],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Reader:
        """Create the component (untrained) and warm the rules up."""
        cls.warm_up()
        return cls(config, model_storage, resource)

    def persist(self) -> None:
        """Store the model's arrays and meta (no pickle)."""
        model: StoredModel | None = self.model
        if model is None or self._model_storage is None or self._resource is None:
            return
        stored_arrays.write(
            self._model_storage, self._resource, self.FILES, model.arrays(), model.meta()
        )

    @classmethod
    def load(
        cls: type[Reader],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Reader:
        """Load the trained model (the rules alone when nothing was stored)."""
        cls.warm_up()
        stored = stored_arrays.read(model_storage, resource, cls.FILES)
        if stored is None:
            logger.debug("No trained model for %s: rules only.", cls.__name__)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, cls.model_from_stored(*stored))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leave training data alone."""
        return training_data

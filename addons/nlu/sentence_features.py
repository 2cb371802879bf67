"""Dense features from a pretrained sentence encoder (all-MiniLM-L6-v2).

Rasa's sparse features (word and character n-grams) know only the words of the
training data; a client who writes "my hair is falling out in clumps" where the data
says "shedding" gets little from them. This featurizer adds what a pretrained encoder
knows of English:

- a sentence feature per message: the encoder's mean-pooled, normalised sentence
  vector (what the model was trained to produce), and
- a sequence feature per token: the contextual vectors of the word pieces inside
  each spaCy token, averaged, which help the entity tagger (the CRF) with unseen names
  and products.

The encoder is :class:`addons.nlu.minilm.MiniLMEncoder` (NumPy, no PyTorch), reading the
files ``make install`` puts in ``build/minilm``. The weights are not copied into the
trained model, as the spaCy pipeline is not: both are built from pinned sources on
every machine, and the loader checks the weights' SHA-256.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from threadpoolctl import ThreadpoolController

from addons.nlu.minilm import MiniLMEncoder, align

logger = logging.getLogger(__name__)

#: Where ``make install`` (scripts/build_sentence_encoder.py) puts the model files.
DEFAULT_MODEL_PATH = "build/minilm"

#: Environment variable: BLAS threads for encoding a message (see ``encoder_threads``).
THREADS_VARIABLE = "SENTENCE_ENCODER_THREADS"

_encoders: dict[str, MiniLMEncoder] = {}
_encoders_lock = threading.Lock()
#: Held while a message is encoded on more than one BLAS thread.
_multithreaded_encoding = threading.Lock()


def shared_encoder(model_path: str) -> MiniLMEncoder:
    """One encoder per folder and process (cross-validation builds a pipeline per fold)."""
    key = str(Path(model_path).resolve())
    with _encoders_lock:
        if key not in _encoders:
            _encoders[key] = MiniLMEncoder(key)
        return _encoders[key]


def encoder_threads() -> int:
    """BLAS threads for encoding one message: ``SENTENCE_ENCODER_THREADS``, else 1.

    Measured on the 2-core development machine (``bench/parse_cost.py``, 2026-12-07,
    every other product on one thread): with one thread parsing a message costs 32-36 ms
    of CPU and of wall time; with two it takes 27-29 ms but costs 54-58 ms of CPU, the
    second thread mostly spinning between products. Rasa parses the messages of every
    conversation one after another in one process, and the action server and the other
    conversations need the CPU, so one is the default; two only for the lowest latency
    on a machine with cores to spare.
    """
    return thread_setting(THREADS_VARIABLE, 1)


def thread_setting(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    """A thread count from the environment variable ``name``: at least 1, else ``default``.

    A value that is not a number is logged and ``default`` used.
    """
    value = environ.get(name, "").strip()
    try:
        return max(1, int(value)) if value else default
    except ValueError:
        logger.warning("%s=%r is not a number: using %d.", name, value, default)
        return default


def small_products_on_one_thread() -> None:
    """Serving: BLAS runs on one thread, except the encoder's own products.

    After every product OpenBLAS's other threads wait for the next one spinning, on CPU.
    The other components' products of a message (the intent classifier's, the screener's,
    the CRF's projection) are far too small to share between cores, yet each woke the
    second thread: parsing cost 64-68 ms of CPU a message for 32-34 ms of wall time, and
    32-36 ms of CPU with one thread, at the same wall time (``bench/parse_cost.py``,
    2026-12-07, ``SENTENCE_ENCODER_THREADS=1`` both times). The encoder still gets
    ``encoder_threads()`` for its own products (:meth:`SentenceEncoderFeaturizer.process`).
    Training keeps every thread: its products are large.
    """
    ThreadpoolController().limit(limits=1, user_api="blas")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Sentence and token features of the ``text`` attribute from all-MiniLM-L6-v2."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Token features are aligned with the tokenizer's tokens."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The defaults.

        ``model_path``: the encoder's folder; ``batch_size``: texts encoded together
        in training.
        """
        return {
            **DenseFeaturizer.get_default_config(),
            "model_path": DEFAULT_MODEL_PATH,
            "batch_size": 32,
        }

    @staticmethod
    def supported_languages() -> list[str] | None:
        """The encoder is English only."""
        return ["en"]

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """The encoder's folder must exist (``make install`` builds it)."""
        if not Path(str(config["model_path"])).is_dir():
            raise InvalidConfigException(
                f"{cls.__name__}: no sentence encoder in {config['model_path']}; "
                "`make install` builds it (scripts/build_sentence_encoder.py)."
            )

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Create the component (the encoder is loaded once per process)."""
        return cls(config, execution_context.node_name)

    def __init__(self, config: dict[str, Any], name: str) -> None:
        """Load the encoder from ``model_path``."""
        super().__init__(name, config)
        self.validate_config(self._config)
        self.encoder = shared_encoder(str(config["model_path"]))
        # NumPy's BLAS (OpenBLAS) would split each matrix product of a message over
        # every core, and its threads spin while they wait. How many threads a message
        # gets is the deployment's choice (``encoder_threads``, one by default).
        # Training batches keep every thread.
        self._blas = ThreadpoolController()
        self._threads = encoder_threads()

    def _featurize(self, messages: list[Message]) -> None:
        usable = [
            message
            for message in messages
            if message.get(TEXT) is not None and message.get(TOKENS_NAMES[TEXT])
        ]
        if not usable:
            return
        encoded = self.encoder.encode(
            [str(message.get(TEXT)) for message in usable],
            batch_size=int(self._config["batch_size"]),
        )
        for message, (sentence, states, pieces) in zip(usable, encoded, strict=True):
            spans = [(token.start, token.end) for token in message.get(TOKENS_NAMES[TEXT])]
            self.add_features_to_message(
                sequence=align(pieces, states, spans),
                sentence=sentence[None, :].astype(np.float32),
                attribute=TEXT,
                message=message,
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example's text (batched)."""
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize incoming messages (on ``encoder_threads()`` BLAS threads).

        BLAS's thread count is process-wide: with more than one thread for the encoder,
        one message is encoded at a time (``NLU_PARSE_WORKERS`` parse several at once),
        so that one message's limit does not end while another's products run under it.
        """
        one_at_a_time = _multithreaded_encoding if self._threads > 1 else nullcontext()
        with one_at_a_time, self._blas.limit(limits=self._threads, user_api="blas"):
            self._featurize(messages)
        return messages

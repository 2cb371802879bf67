"""An NLU component that screens every message for red flags: rules and a learned model.

Each parsed message is screened twice, and the stronger answer is kept:

- by the deterministic rules of :mod:`scalpcare.triage` (spaCy matcher, negation scope,
  history / question / someone-else cues), precise and explainable;
- by :class:`scalpcare.screening.ScreeningModel`, trained here on the training side of the
  real-phrasing corpus (``data/screening/sources``; the held-out side is never read), over
  the sentence encoder's vector the pipeline already computed and hashed n-grams.

What it found goes into the parse data, so that detection never depends on the intent:

* ``red_flag`` entities (value: the condition, e.g. ``psoriasis``), and
* a ``triage`` property: the level, the nutrient flag, the findings, the current and
  resolved signs (for combining across turns), and the rules' and the model's own levels
  (for staff and for measuring). :class:`addons.policies.triage_policy.TriagePolicy` and the
  triage action read it from the tracker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.nlu import screening_corpus, stored_arrays
from addons.nlu.corpus_vectors import STORE, VectorStore
from addons.nlu.screening_corpus import SOURCES, Item, load, split
from addons.nlu.trained_reader import TrainedReader
from scalpcare import other_languages, screening, text_model, triage
from scalpcare.contract import Referral
from scalpcare.other_languages import detect_language

logger = logging.getLogger(__name__)

TRIAGE_PROPERTY = triage.PARSE_PROPERTY
RED_FLAG_ENTITY = "red_flag"
_FILES = ("screening.npz", "screening.json")
#: NLU training examples count as benign examples, at this weight.
NLU_EXAMPLE_WEIGHT = 0.5
#: Corpus kinds that talk about a sign that is not a current problem: the status head's
#: negatives (its positives are the red flags; benign messages and conversations train
#: the level heads only).
NOT_CURRENT_KINDS = frozenset(("negated", "past", "question", "under_care", "someone_else_none"))


def triage_data(
    result: triage.ScreenResult,
    rules_level: Referral | None = None,
    model: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Serialise a screening result for the parse data (JSON-safe).

    Args:
        result: What the screener found in one message (rules and model together).
        rules_level: The rules' own level, when the model ran too.
        model: The model's level and probabilities, when it ran.

    Returns:
        A plain dict with the level, the nutrient flag, the signs and every finding.
    """
    data = triage.result_data(result)
    if rules_level is not None:
        data["rules_level"] = rules_level.value
    if model is not None:
        data["model"] = model
    return data


def red_flag_entities(result: triage.ScreenResult) -> list[dict[str, Any]]:
    """Turn the rules' findings above ``doctor`` level into Rasa entities."""
    return [
        {
            "entity": RED_FLAG_ENTITY,
            "value": flag.condition,
            "start": flag.start,
            "end": flag.end,
            "confidence_entity": 1.0,
            "extractor": RedFlagScreener.__name__,
        }
        for flag in result.flags
        if flag.level.rank > triage.Referral.DOCTOR.rank and flag.end > flag.start
    ]


# --------------------------------------------------------------------------
# Training data: the corpus's training side, plus the NLU examples as benign text
# --------------------------------------------------------------------------
def corpus_examples(
    items: Iterable[Item], vectors: dict[str, np.ndarray]
) -> list[screening.Example]:
    """Training examples from corpus items (never pass held-out items here).

    A single message trains every head (the status head only when it is a red flag or
    a sign that is not current, :data:`NOT_CURRENT_KINDS`); a conversation's turns train
    the level heads with each turn's own level (their signs are labelled per
    conversation only), at most the conversation's: the referral is never lowered, so a
    turn cannot need more than the whole conversation ("a fever" that is "gone now" two
    turns later).
    """
    examples = []
    for item in items:
        if detect_language(item.turns[0]) is not None:
            continue  # the model reads English only (RedFlagScreener.model_reads)
        if item.is_conversation:
            ceiling = Referral(item.level)
            for turn, level in zip(item.turns, item.turn_levels, strict=True):
                needed = min(Referral(level), ceiling, key=lambda r: r.rank)
                examples.append(screening.Example(turn, vectors[turn], needed, None))
        else:
            text = item.turns[0]
            current = (
                True
                if item.kind == "red_flag"
                else False
                if item.kind in NOT_CURRENT_KINDS
                else None
            )
            # The everyday head: everyday dandruff, dryness or itch against red flags
            # told in the same words.
            everyday = (
                None
                if not screening.flaking_words(text)
                else True
                if item.kind == "benign"
                else False
                if item.kind == "red_flag"
                else None
            )
            examples.append(
                screening.Example(
                    text,
                    vectors[text],
                    Referral(item.level),
                    frozenset(item.signs),
                    current=current,
                    everyday=everyday,
                )
            )
    return examples


def table_examples(
    rows: Iterable[tuple[str, str]], vectors: dict[str, np.ndarray]
) -> list[screening.Example]:
    """The team's labelled table (text, level) as examples for the level heads."""
    return [
        screening.Example(text, vectors[text], Referral(level), None)
        for text, level in rows
        if detect_language(text) is None
    ]


def benign_examples(
    texts_and_vectors: Iterable[tuple[str, np.ndarray]],
) -> list[screening.Example]:
    """NLU training examples as benign messages, except those the rules refer.

    The NLU data is greetings, bookings, FAQ questions and scalp descriptions; the few
    that carry a red flag are left out rather than labelled by the rules.
    """
    examples = []
    for text, vector in texts_and_vectors:
        if text.startswith("/") or triage.screen(text).level is not Referral.NONE:
            continue
        # A scalp description of the consultation ("itchy and a bit flaky") is everyday
        # wording for the everyday head too.
        everyday = True if screening.flaking_words(text) else None
        examples.append(
            screening.Example(
                text, vector, Referral.NONE, frozenset(), NLU_EXAMPLE_WEIGHT, everyday=everyday
            )
        )
    return examples


def training_items() -> list[Item]:
    """The corpus's training side (the held-out side is never read for training)."""
    train, _ = split(load())
    return train


#: Code the trained model depends on besides this class (its features, its training
#: examples' filter, the corpus split): a change retrains it.
MODEL_CODE = (screening, text_model, triage, other_languages, screening_corpus)


def corpus_fingerprint(folder: Path = SOURCES) -> str:
    """A hash of the corpus files and the model's code, so that Rasa retrains on a change.

    Rasa's own fingerprint covers this class's source and configuration only.
    """
    files = [*sorted(folder.glob("*.jsonl")), screening_corpus.TEAM_TABLE]
    return stored_arrays.fingerprint(files, MODEL_CODE)


def sentence_vector(message: Message, size: int) -> np.ndarray | None:
    """The message's dense sentence feature of ``size`` dimensions (the encoder's)."""
    for features in message.features:
        if features.attribute != TEXT or features.type != FEATURE_TYPE_SENTENCE:
            continue
        if features.is_dense() and features.features.shape[-1] == size:
            return np.asarray(features.features, dtype=np.float64).reshape(-1)
    return None


def nlu_examples(training_data: TrainingData, size: int) -> list[tuple[str, np.ndarray]]:
    """The NLU examples with an intent, each with its sentence vector of ``size``."""
    return [
        (str(m.get(TEXT)), vector)
        for m in training_data.training_examples
        if m.get(TEXT) and m.get(INTENT)
        for vector in [sentence_vector(m, size)]
        if vector is not None
    ]


def encode(texts: Sequence[str], model_path: str) -> dict[str, np.ndarray]:
    """Sentence vectors of texts, with the pipeline's encoder (same as its features)."""
    from addons.nlu.sentence_features import shared_encoder

    unique = sorted(set(texts))
    encoded = shared_encoder(model_path).encode(list(unique), batch_size=64)
    return {text: sentence for text, (sentence, _, _) in zip(unique, encoded, strict=True)}


def corpus_texts(items: Iterable[Item], table: Iterable[tuple[str, str]]) -> list[str]:
    """Every text the screener trains on besides the NLU examples: turns and table rows."""
    return sorted({turn for item in items for turn in item.turns} | {text for text, _ in table})


def corpus_vectors(
    items: Sequence[Item],
    table: Sequence[tuple[str, str]],
    model_path: str,
    store: VectorStore | None = None,
) -> dict[str, np.ndarray]:
    """The sentence vectors of :func:`corpus_texts`: from the corpus's store, or encoded.

    The store (``data/screening/sentence_vectors.npz``, addons/nlu/corpus_vectors.py)
    holds the encoder's vectors of the training side; a text it lacks is encoded here.
    """
    store = store if store is not None else VectorStore(STORE)
    return store.vectors_for(corpus_texts(items, table), lambda texts: encode(texts, model_path))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class RedFlagScreener(TrainedReader):
    """Screen each message with rules and a learned model; add red flags and a level."""

    FILES = _FILES
    model: screening.ScreeningModel | None

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The defaults.

        ``use_model``: run the learned model beside the rules; ``C``: its inverse
        regularisation (``status_C``: the status head's); ``min_sign_examples``: examples
        a sign needs for its own head; ``thresholds``: probability at which each head fires
        (level heads ``doctor``, ``dermatologist``, ``urgent``; the status head
        ``current``, below which the model adds nothing; sign heads by name, default
        ``sign_threshold``),
        chosen with ``scripts/screening_eval.py cv``; ``encoder_path``: the sentence
        encoder's folder (the featurizer's ``model_path``).
        """
        return {
            "use_model": True,
            "C": 4.0,
            "status_C": 16.0,
            "min_sign_examples": 15,
            "thresholds": {"doctor": 0.5, "dermatologist": 0.5, "urgent": 0.5, "current": 0.0},
            "sign_threshold": 0.8,
            "encoder_path": "build/minilm",
        }

    @classmethod
    def training_fingerprint(cls) -> str:
        """The corpus's hash: a changed corpus retrains the model."""
        return corpus_fingerprint()

    @classmethod
    def model_from_stored(
        cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]
    ) -> screening.ScreeningModel:
        """The screening model from its stored arrays and heads."""
        return screening.ScreeningModel.from_stored(arrays, meta)

    @classmethod
    def warm_up(cls) -> None:
        """Compile the rules once (spaCy matcher), before the first message."""
        triage.warm_up()

    # Training ---------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        """Train the model on the corpus's training side and the NLU examples."""
        assert self._resource is not None, "a screener without model storage is not trained"
        if not self._config["use_model"]:
            return self._resource
        items = training_items()
        table = screening_corpus.team_table()
        vectors = corpus_vectors(items, table, str(self._config["encoder_path"]))
        size = next(iter(vectors.values())).size
        nlu = nlu_examples(training_data, size)
        self.model = train_model(items, vectors, nlu, self._config, table)
        self.persist()
        return self._resource

    # Prediction -------------------------------------------------------------

    def screen(self, message: Message) -> dict[str, Any]:
        """The message's ``triage`` data: the rules and the model together."""
        text = str(message.get(TEXT) or "")
        rules = triage.screen(text)
        model = self.model
        if model is None or not self.model_reads(text):
            return triage_data(rules)
        vector = sentence_vector(message, model.dense_size)
        probs = model.probabilities(text, vector)
        result = screening.combine_reading(rules, model, probs)
        read = {
            "level": model.level(probs).value,
            "probabilities": {head: round(p, 4) for head, p in probs.items()},
        }
        return triage_data(result, rules.level, read)

    def model_reads(self, text: str) -> bool:
        """Whether the learned model reads this message.

        Not a command (``/intent``), not empty, and English: the sentence encoder knows
        English only, so Spanish, French and German are read by the rules' small
        lexicon (:mod:`scalpcare.other_languages`).
        """
        return (
            self.model is not None
            and bool(text.strip())
            and not text.startswith("/")
            and detect_language(text) is None
        )

    def process(self, messages: list[Message]) -> list[Message]:
        """Add ``red_flag`` entities and the ``triage`` property to each message."""
        for message in messages:
            data = self.screen(message)
            result = triage.result_from_data(data)
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != RED_FLAG_ENTITY]
            message.set(ENTITIES, entities + red_flag_entities(result), add_to_output=True)
            message.set(TRIAGE_PROPERTY, data, add_to_output=True)
        return messages


def train_model(
    items: Sequence[Item],
    vectors: dict[str, np.ndarray],
    nlu: Iterable[tuple[str, np.ndarray]],
    config: dict[str, Any],
    table: Sequence[tuple[str, str]] = (),
) -> screening.ScreeningModel:
    """Train the screening model exactly as ``rasa train`` does (also for measuring).

    Args:
        items: The corpus's training side.
        vectors: Sentence vectors of every turn of ``items`` and every ``table`` text.
        nlu: NLU training examples and their sentence vectors (benign text).
        config: The component's configuration (defaults filled in).
        table: The team's labelled table, (text, level) rows.

    Returns:
        The trained model with the configured thresholds.
    """
    examples = (
        corpus_examples(items, vectors) + table_examples(table, vectors) + benign_examples(nlu)
    )
    model = screening.train(
        examples,
        c=float(config["C"]),
        min_positives=int(config["min_sign_examples"]),
        status_c=float(config["status_C"]),
    )
    thresholds = {
        h: float(config["sign_threshold"]) for h in model.heads if h not in screening.READING_HEADS
    }
    thresholds.update({str(k): float(v) for k, v in dict(config["thresholds"]).items()})
    model.thresholds = thresholds
    return model

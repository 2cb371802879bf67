"""Rasa's spaCy tokenizer, whose training tokens remember their fingerprints.

Rasa fingerprints every training graph node's output to key its training cache. For the
NLU featurizers that output is the whole training set, and each featurizer adds
features to every message, which makes the message compute its fingerprint again,
including a fingerprint of each of its tokens (JSON and MD5 of the token's text, offsets,
lemma and data). A token does not change after tokenizing, so a training of this
assistant computed the same 280,000 token fingerprints over and over: about a fifth of
the time before the first classifier trained (``cProfile`` of ``rasa train``,
docs/performance.md).

:class:`SpacyTokenizer` tokenizes exactly as Rasa's ``SpacyTokenizer`` and, in training
only, hands the messages :class:`FingerprintedToken` objects: Rasa's ``Token`` with the
same fingerprint, computed once and computed again whenever the token's text, offsets,
lemma or data differ from what it was computed from. Messages parsed while serving keep
Rasa's own tokens (nothing fingerprints them). ``tests/integration/test_tokenizer.py``
checks that the training data's fingerprint is Rasa's own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer as RasaSpacyTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class FingerprintedToken(Token):
    """A ``Token`` that keeps its fingerprint while it stays as it was."""

    _fingerprint: tuple[Hashable, str] | None = None

    @classmethod
    def of(cls, token: Token) -> FingerprintedToken:
        """The same token (text, offsets, lemma, the same data dictionary)."""
        return cls(token.text, token.start, token.end, token.data, token.lemma)

    def _state(self) -> Hashable | None:
        """What the fingerprint is computed from; None when the data cannot be compared."""
        data = _frozen(self.data)
        return None if data is None else (self.text, self.start, self.end, self.lemma, data)

    def fingerprint(self) -> str:
        """Rasa's fingerprint of the token, remembered while the token is unchanged."""
        state = self._state()
        if state is not None and self._fingerprint is not None:
            remembered_state, remembered = self._fingerprint
            if remembered_state == state:
                return remembered
        fingerprint = super().fingerprint()
        if state is not None:
            self._fingerprint = (state, fingerprint)
        return fingerprint


_PLAIN = (str, int, float, bool, type(None))


def _frozen(value: Any) -> Hashable | None:
    """A hashable copy of plain data (a token's POS tag, the regex patterns it matches).

    Each value keeps its type: 1, 1.0 and True are equal but fingerprint differently.
    None when anything in ``value`` is not plain (then the fingerprint is computed).
    """
    if isinstance(value, _PLAIN):
        return (type(value), value)
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            frozen = _frozen(item)
            if frozen is None or not isinstance(key, _PLAIN):
                return None
            items.append((type(key), key, frozen))
        return (dict, tuple(items))
    if isinstance(value, list | tuple):
        frozen_items = [_frozen(item) for item in value]
        if any(item is None for item in frozen_items):
            return None
        return (type(value), tuple(frozen_items))
    return None


def remember_fingerprints(messages: Iterable[Message]) -> None:
    """Give every tokenized attribute of ``messages`` :class:`FingerprintedToken` objects."""
    for message in messages:
        for name in TOKENS_NAMES.values():
            tokens = message.get(name)
            if tokens:
                message.set(name, [FingerprintedToken.of(token) for token in tokens])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class SpacyTokenizer(RasaSpacyTokenizer):
    """Rasa's ``SpacyTokenizer``; training tokens remember their fingerprints."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Tokenize as Rasa does, then keep each token's fingerprint."""
        training_data = super().process_training_data(training_data)
        remember_fingerprints(training_data.training_examples)
        return training_data

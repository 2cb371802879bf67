"""A learned reader of special situations, beside the rules of :mod:`scalpcare.situations`.

The rules know the words they were written for; people say "my mood has crashed" or "I
can't face anyone" as often as "depressed". This model reads the same two views of a
message as the red-flag screener (:mod:`scalpcare.text_model`): hashed words, word pairs
and character n-grams, and the sentence encoder's vector. One L2 logistic regression per
situation (classes balanced), trained on the phrasing in ``data/situations/`` and on the
NLU examples (labelled by the rules, nearly all plain). A situation is found when the
rules or the model find it (:func:`combine`).

NumPy only at prediction; scikit-learn and SciPy at training.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scalpcare.situations import Situation
from scalpcare.text_model import LinearHeads, feature_matrix, fit_head

#: The situations the model learns (another language is the rules' job: the encoder
#: knows English only).
HEADS = tuple(s.value for s in Situation if s is not Situation.OTHER_LANGUAGE)


@dataclass
class SituationModel(LinearHeads):
    """One head per situation (those with too few examples left out), and thresholds."""

    def found(self, probs: Mapping[str, float]) -> tuple[Situation, ...]:
        """The situations whose head fires."""
        return tuple(
            Situation(head)
            for head in self.heads
            if probs.get(head, 0.0) >= self.thresholds.get(head, 0.5)
        )


def combine(rules: Iterable[Situation], model: Iterable[Situation] = ()) -> tuple[Situation, ...]:
    """The situations either reader found, in answering order (a crisis is also distress)."""
    found = set(rules) | set(model)
    if Situation.CRISIS in found:
        found.add(Situation.DISTRESS)
    return tuple(s for s in Situation if s in found)


def train(
    texts: Sequence[str],
    vectors: Sequence[np.ndarray],
    labels: Sequence[Iterable[str]],
    c: float = 4.0,
    threshold: float = 0.5,
    min_positives: int = 8,
) -> SituationModel:
    """Fit one head per situation with at least ``min_positives`` examples.

    Args:
        texts: The messages.
        vectors: Their sentence vectors (unit length), in the same order.
        labels: Each message's situation names (empty for a plain message).
        c: Inverse regularisation strength.
        threshold: The probability at which every head fires.
        min_positives: A head needs at least this many positive examples.

    Returns:
        The trained model.
    """
    matrix = feature_matrix(texts, vectors)
    sets = [set(label) for label in labels]
    heads = [h for h in HEADS if sum(h in s for s in sets) >= min_positives]
    weights = np.zeros((matrix.shape[1], len(heads)), dtype=np.float32)
    bias = np.zeros(len(heads), dtype=np.float32)
    for j, head in enumerate(heads):
        weights[:, j], bias[j] = fit_head(matrix, np.array([head in s for s in sets]), c)
    return SituationModel(heads, weights, bias, {h: threshold for h in heads})

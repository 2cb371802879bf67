"""A learned reader of special situations, beside the rules of :mod:`scalpcare.situations`.

The rules know the words they were written for; people say "my mood has crashed" or "I
can't face anyone" as often as "depressed". This model reads the same two views of a
message as the red-flag screener's (:mod:`scalpcare.screening`): hashed words, word pairs
and character n-grams, and the sentence encoder's vector. One L2 logistic regression per
situation (classes balanced), trained on the phrasing in ``data/situations/`` and on the
NLU examples (labelled by the rules, nearly all plain). A situation is found when the
rules or the model find it (:func:`combine`).

NumPy only at prediction; scikit-learn and SciPy at training.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scalpcare.screening import DENSE_WEIGHT, N_HASHED, hashed_features
from scalpcare.situations import Situation

#: The situations the model learns (another language is the rules' job: the encoder
#: knows English only).
HEADS = tuple(s.value for s in Situation if s is not Situation.OTHER_LANGUAGE)


@dataclass
class SituationModel:
    """The trained heads and their thresholds.

    Attributes:
        heads: Situation names, in :data:`HEADS` order (those with too few examples left out).
        weights: [``N_HASHED`` + encoder dimensions, heads] float32.
        bias: [heads] float32.
        thresholds: Head name -> probability at which it fires.
    """

    heads: list[str]
    weights: np.ndarray
    bias: np.ndarray
    thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def dense_size(self) -> int:
        """Dimensions of the sentence vector the model was trained with."""
        return int(self.weights.shape[0]) - N_HASHED

    def probabilities(self, text: str, vector: np.ndarray | None) -> dict[str, float]:
        """Each head's probability for one message (no vector: the n-grams only)."""
        columns, values = hashed_features(text)
        scores = self.bias.astype(np.float64) + values @ self.weights[columns]
        if vector is not None and vector.size == self.dense_size:
            scores += (DENSE_WEIGHT * np.asarray(vector, dtype=np.float64)) @ self.weights[
                N_HASHED:
            ]
        probs = 1.0 / (1.0 + np.exp(-scores))
        return {head: float(p) for head, p in zip(self.heads, probs, strict=True)}

    def found(self, probs: Mapping[str, float]) -> tuple[Situation, ...]:
        """The situations whose head fires."""
        return tuple(
            Situation(head)
            for head in self.heads
            if probs.get(head, 0.0) >= self.thresholds.get(head, 0.5)
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """What is stored in the trained model (no pickle)."""
        return {"weights": self.weights, "bias": self.bias}

    def meta(self) -> dict[str, object]:
        """The JSON part of the stored model."""
        return {"heads": self.heads, "thresholds": self.thresholds}

    @classmethod
    def from_stored(
        cls, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]
    ) -> SituationModel:
        """Rebuild a model from :meth:`arrays` and :meth:`meta`."""
        heads = [str(h) for h in meta["heads"]]
        thresholds = {str(k): float(v) for k, v in dict(meta["thresholds"]).items()}
        return cls(heads, np.asarray(arrays["weights"]), np.asarray(arrays["bias"]), thresholds)


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
    import scipy.sparse
    from sklearn.linear_model import LogisticRegression

    rows = [hashed_features(text) for text in texts]
    indptr = np.cumsum([0] + [len(columns) for columns, _ in rows])
    hashed = scipy.sparse.csr_matrix(
        (np.concatenate([v for _, v in rows]), np.concatenate([c_ for c_, _ in rows]), indptr),
        shape=(len(texts), N_HASHED),
    )
    dense = DENSE_WEIGHT * np.vstack(vectors).astype(np.float64)
    matrix = scipy.sparse.hstack([hashed, scipy.sparse.csr_matrix(dense)], format="csr")
    sets = [set(label) for label in labels]
    heads = [h for h in HEADS if sum(h in s for s in sets) >= min_positives]
    weights = np.zeros((matrix.shape[1], len(heads)), dtype=np.float32)
    bias = np.zeros(len(heads), dtype=np.float32)
    for j, head in enumerate(heads):
        y = np.array([head in s for s in sets])
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=500)
        model.fit(matrix, y)
        weights[:, j] = model.coef_[0]
        bias[j] = model.intercept_[0]
    return SituationModel(heads, weights, bias, {h: threshold for h in heads})

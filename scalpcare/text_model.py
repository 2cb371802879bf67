"""Text features and linear heads shared by the learned readers (pure).

Both the red-flag screener (:mod:`scalpcare.screening`) and the special-situation reader
(:mod:`scalpcare.situation_model`) read a message through the same two views: hashed
words, word pairs and character n-grams (with a negation scope: "no fever" is not
"fever"), and the pretrained sentence encoder's vector, which the NLU pipeline has
already computed. On them sit logistic-regression heads, one per thing to find.

Prediction is NumPy; training (:func:`fit_head`) needs scikit-learn and SciPy.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

#: Hashed n-gram columns (word and character n-grams share them).
HASH_BITS = 16
N_HASHED = 1 << HASH_BITS
#: The sentence vector's weight beside the two unit-length n-gram blocks (chosen by
#: cross-validation on the training side: 0.5 beat 1 and 2).
DENSE_WEIGHT = 0.5

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?()]")
_NEGATORS = frozenset(
    [
        "no",
        "not",
        "never",
        "without",
        "nothing",
        "none",
        "nor",
        "neither",
        "nobody",
        "n't",
        "dont",
        "don't",
        "didnt",
        "didn't",
        "doesnt",
        "doesn't",
        "isnt",
        "isn't",
        "arent",
        "aren't",
        "wasnt",
        "wasn't",
        "havent",
        "haven't",
        "hasnt",
        "hasn't",
        "cant",
        "can't",
        "wont",
        "won't",
    ]
)
_SCOPE_END = frozenset(
    [
        ".",
        ",",
        ";",
        ":",
        "!",
        "?",
        "(",
        ")",
        "but",
        "however",
        "though",
        "tho",
        "although",
        "except",
        "yet",
    ]
)
_SCOPE = 5  # tokens a negation reaches at most


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf8")) & (N_HASHED - 1)


def _unit(counts: dict[int, float]) -> tuple[list[int], list[float]]:
    """Sublinear term frequency ``1 + log(count)``, scaled to unit length."""
    if not counts:
        return [], []
    columns = list(counts)
    values = [1.0 + math.log(counts[c]) for c in columns]
    norm = math.sqrt(sum(v * v for v in values))
    return columns, [v / norm for v in values]


def hashed_features(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Hashed n-gram features of one message: (columns, values).

    Two blocks, each of unit length, in the same ``N_HASHED`` columns: words and word
    pairs (a word inside a negation scope is marked, "no fever" -> ``~fever``), and
    character 3- to 5-grams inside words (typos: "psoraisis" shares most of
    "psoriasis"). The rules' own reading was tried as a third block and made the model
    worse in cross-validation (docs/screening.md).

    Args:
        text: The user's message.

    Returns:
        Column indices and values (float64).
    """
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    words: dict[int, float] = {}
    chars: dict[int, float] = {}
    scope = 0
    previous = "<s>"
    for token in tokens:
        if token in _SCOPE_END:
            scope = 0
            previous = "<p>"
            continue
        marked = f"~{token}" if scope > 0 else token
        scope = _SCOPE if token in _NEGATORS else max(0, scope - 1)
        for feature in (f"w:{marked}", f"b:{previous} {token}"):
            column = _hash(feature)
            words[column] = words.get(column, 0.0) + 1.0
        previous = token
        padded = f" {token} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                column = _hash(f"c:{padded[i : i + n]}")
                chars[column] = chars.get(column, 0.0) + 1.0
    w_cols, w_vals = _unit(words)
    c_cols, c_vals = _unit(chars)
    return (
        np.asarray(w_cols + c_cols, dtype=np.int64),
        np.asarray(w_vals + c_vals, dtype=np.float64),
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


_Heads = TypeVar("_Heads", bound="LinearHeads")


@dataclass
class LinearHeads:
    """Logistic-regression heads over hashed n-grams and the sentence vector.

    Shared by the screening model and the special-situation reader
    (:mod:`scalpcare.situation_model`).

    Attributes:
        heads: Head names.
        weights: [``N_HASHED`` + encoder dimensions, heads] float32.
        bias: [heads] float32.
        thresholds: Head name -> probability above which the head fires.
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
        """Each head's probability for one message.

        Args:
            text: The message.
            vector: Its sentence vector (unit length), or None when there is none
                (then only the n-grams count).

        Returns:
            Head name -> probability.
        """
        columns, values = hashed_features(text)
        scores = self.bias.astype(np.float64) + values @ self.weights[columns]
        if vector is not None and vector.size == self.dense_size:
            dense = DENSE_WEIGHT * np.asarray(vector, dtype=np.float64)
            scores += dense @ self.weights[N_HASHED:]
        probs = _sigmoid(scores)
        return {head: float(p) for head, p in zip(self.heads, probs, strict=True)}

    def arrays(self) -> dict[str, np.ndarray]:
        """What is stored in the trained model (no pickle)."""
        return {"weights": self.weights, "bias": self.bias}

    def meta(self) -> dict[str, object]:
        """The JSON part of the stored model."""
        return {"heads": self.heads, "thresholds": self.thresholds}

    @classmethod
    def from_stored(
        cls: type[_Heads], arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]
    ) -> _Heads:
        """Rebuild a model from :meth:`arrays` and :meth:`meta`."""
        heads = [str(h) for h in meta["heads"]]
        thresholds = {str(k): float(v) for k, v in dict(meta["thresholds"]).items()}
        return cls(heads, np.asarray(arrays["weights"]), np.asarray(arrays["bias"]), thresholds)


def feature_matrix(texts: Sequence[str], vectors: Sequence[np.ndarray]) -> Any:
    """Messages' features as one sparse [messages, columns] matrix (scipy CSR)."""
    import scipy.sparse

    dense = DENSE_WEIGHT * np.vstack(list(vectors)).astype(np.float64)
    rows = [hashed_features(text) for text in texts]
    indptr = np.cumsum([0] + [len(c) for c, _ in rows])
    hashed = scipy.sparse.csr_matrix(
        (np.concatenate([v for _, v in rows]), np.concatenate([c for c, _ in rows]), indptr),
        shape=(len(texts), N_HASHED),
    )
    return scipy.sparse.hstack([hashed, scipy.sparse.csr_matrix(dense)], format="csr")


def fit_head(
    matrix: Any, y: np.ndarray, c: float, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """One head: L2 logistic regression, classes balanced; (weights, bias)."""
    from sklearn.linear_model import LogisticRegression

    if y.all() or not y.any():
        return np.zeros(matrix.shape[1], dtype=np.float32), 10.0 if y.all() else -10.0
    model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=500)
    model.fit(matrix, y, sample_weight=sample_weight)
    return model.coef_[0], float(model.intercept_[0])

"""Sentence vectors of the screening corpus, kept beside it so training need not re-encode it.

The red-flag screener learns from the sentence encoder's vector of every text on the
training side of ``data/screening`` (about 5,000 texts). Encoding them is a fixed
function of the texts and the pinned encoder (all-MiniLM-L6-v2, checked by its SHA-256),
and it took 94 s of the 2-core machine at every training from scratch: more than the
whole reference bot's training. So the vectors are kept with the corpus, in
``data/screening/sentence_vectors.npz`` (``make screening-vectors`` rebuilds it), the
way a pretrained word-vector table is kept with a model: nothing in it is learnt from
our data.

- Training reads a text's vector from the store when the store has it, and encodes the
  texts it lacks (a new source file, an edited turn): the trained model never depends
  on the store being complete, only the training time does.
- A store made with another encoder is not used at all.
- Only the training side and the team table are stored, never a held-out text
  (``tests/integration/test_corpus_vectors.py`` checks that, that the store covers the
  training side, and that stored vectors equal the encoder's).

The special-situation reader's training phrasing (``data/situations``, never its held-out
side in ``tests/data/situations``) is kept the same way, in
``data/situations/sentence_vectors.npz``. The same class keeps the evaluation scripts'
cache in ``build/``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

from addons.nlu.minilm import WEIGHTS_SHA256

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
#: The committed store of the screening corpus's training side and the team table.
STORE = ROOT / "data" / "screening" / "sentence_vectors.npz"
#: The committed store of the special situations' training phrasing (``data/situations``).
SITUATIONS_STORE = ROOT / "data" / "situations" / "sentence_vectors.npz"


def text_key(text: str) -> str:
    """A text's key in a store: the SHA-1 of its UTF-8 bytes."""
    return hashlib.sha1(text.encode("utf8")).hexdigest()


class VectorStore:
    """Sentence vectors by text, in one ``.npz`` (keys, vectors, the encoder's hash)."""

    def __init__(self, path: Path, encoder: str = WEIGHTS_SHA256) -> None:
        """Read the store at ``path`` if it exists and was made with ``encoder``."""
        self.path = path
        self.encoder = encoder
        self.vectors: dict[str, np.ndarray] = {}
        if not path.exists():
            return
        with np.load(path, allow_pickle=False) as stored:
            made_with = str(stored["encoder"]) if "encoder" in stored.files else ""
            if made_with != encoder:
                logger.warning("%s was made with another sentence encoder: not used.", path)
                return
            keys, vectors = stored["keys"], stored["vectors"]
            self.vectors = {str(key): vectors[index] for index, key in enumerate(keys)}

    def __contains__(self, text: str) -> bool:
        """Whether the store has a vector of ``text``."""
        return text_key(text) in self.vectors

    def __len__(self) -> int:
        """How many vectors the store holds."""
        return len(self.vectors)

    def get(self, text: str) -> np.ndarray | None:
        """The stored vector of ``text``, or None."""
        return self.vectors.get(text_key(text))

    def vectors_for(
        self,
        texts: Iterable[str],
        encode: Callable[[list[str]], Mapping[str, np.ndarray]],
        remember: bool = False,
    ) -> dict[str, np.ndarray]:
        """Every text's vector: stored ones as stored, the others from ``encode``.

        With ``remember`` the newly encoded vectors are added to the store (in memory;
        :meth:`save` writes it).
        """
        wanted = sorted(set(texts))
        missing = [text for text in wanted if text not in self]
        if missing:
            logger.info("Encoding %d of %d texts not in %s.", len(missing), len(wanted), self.path)
        encoded = dict(encode(missing)) if missing else {}
        if remember:
            self.add(encoded)
        return {
            text: encoded[text] if text in encoded else self.vectors[text_key(text)]
            for text in wanted
        }

    def add(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Add (or replace) vectors by text."""
        for text, vector in vectors.items():
            self.vectors[text_key(text)] = np.asarray(vector, dtype=np.float32)

    def keep_only(self, texts: Iterable[str]) -> None:
        """Drop every vector whose text is not among ``texts``."""
        keys = {text_key(text) for text in texts}
        self.vectors = {key: vector for key, vector in self.vectors.items() if key in keys}

    def save(self) -> None:
        """Write the store (keys sorted, so that the same vectors give the same file)."""
        keys = sorted(self.vectors)
        dim = next(iter(self.vectors.values())).size if keys else 0
        matrix = np.stack([self.vectors[key] for key in keys]) if keys else np.zeros((0, dim))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            self.path,
            keys=np.array(keys, dtype="<U40"),
            vectors=matrix.astype(np.float32),
            encoder=np.array(self.encoder),
        )

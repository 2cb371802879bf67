"""The screening corpus's stored sentence vectors (addons/nlu/corpus_vectors.py).

The store lets training skip encoding the corpus; these tests make sure it can never
change what is trained: it covers the training side, holds the encoder's own vectors,
holds no held-out text, and a store made with another encoder is ignored.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from addons.nlu import red_flags, screening_corpus
from addons.nlu.corpus_vectors import STORE, VectorStore, text_key

ROOT = Path(__file__).resolve().parents[2]
ENCODER = ROOT / "build" / "minilm"


@pytest.fixture(scope="module")
def store() -> VectorStore:
    return VectorStore(STORE)


@pytest.fixture(scope="module")
def training_texts() -> list[str]:
    return red_flags.corpus_texts(red_flags.training_items(), screening_corpus.team_table())


def test_the_store_covers_exactly_the_training_side(store, training_texts) -> None:
    missing = [text for text in training_texts if text not in store]
    assert missing == [], (
        f"{len(missing)} corpus texts have no stored vector: run `make screening-vectors`"
    )
    assert len(store) == len(training_texts)  # nothing else (keep_only)


def test_no_held_out_text_is_stored(store, training_texts) -> None:
    _, held_out = screening_corpus.split(screening_corpus.load())
    # A few short turns ("thanks", "hiya...") are written the same on both sides.
    texts = {turn for item in held_out for turn in item.turns} - set(training_texts)
    assert len(texts) > 100
    assert [text for text in texts if text in store] == []


def test_stored_vectors_are_the_encoders(store, training_texts) -> None:
    sample = random.Random(7).sample(training_texts, 24)
    encoded = red_flags.encode(sample, str(ENCODER))
    for text in sample:
        assert np.allclose(store.get(text), encoded[text], atol=1e-5), text


def test_training_encodes_only_what_the_store_lacks(tmp_path: Path) -> None:
    partial = VectorStore(tmp_path / "vectors.npz")
    known = {"my scalp is itchy": np.ones(3, dtype=np.float32)}
    partial.add(known)
    asked: list[list[str]] = []

    def encode(texts: list[str]) -> dict[str, np.ndarray]:
        asked.append(texts)
        return {text: np.zeros(3, dtype=np.float32) for text in texts}

    vectors = partial.vectors_for(["my scalp is itchy", "a new turn"], encode)
    assert asked == [["a new turn"]]
    assert vectors["my scalp is itchy"].tolist() == [1, 1, 1]
    assert vectors["a new turn"].tolist() == [0, 0, 0]
    assert "a new turn" not in partial  # not remembered unless asked


def test_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    written = VectorStore(path)
    written.add({"b": np.array([0.5, 0.25], dtype=np.float32), "a": np.array([1.0, 0.0])})
    written.save()
    read = VectorStore(path)
    assert len(read) == 2
    assert read.get("b").tolist() == [0.5, 0.25]
    assert read.get("c") is None
    assert set(read.vectors) == {text_key("a"), text_key("b")}


def test_a_store_made_with_another_encoder_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    other = VectorStore(path, encoder="another-encoder")
    other.add({"my scalp is itchy": np.ones(2)})
    other.save()
    assert len(VectorStore(path)) == 0
    assert len(VectorStore(path, encoder="another-encoder")) == 1


def test_the_situations_store_covers_their_training_phrasing_only() -> None:
    """data/situations/sentence_vectors.npz: every training text, no held-out one."""
    import json

    from addons.nlu import situation_classifier
    from addons.nlu.corpus_vectors import SITUATIONS_STORE

    store = VectorStore(SITUATIONS_STORE)
    texts = situation_classifier.training_texts()
    missing = [text for text in texts if text not in store]
    assert missing == [], (
        f"{len(missing)} texts have no stored vector: run `make screening-vectors`"
    )
    assert len(store) == len(texts)
    held_out = {
        json.loads(line)["text"]
        for path in (ROOT / "tests" / "data" / "situations").glob("*.jsonl")
        for line in path.read_text(encoding="utf8").splitlines()
        if line.strip()
    } - set(texts)
    assert held_out and [text for text in held_out if text in store] == []
    sample = random.Random(7).sample(texts, 12)
    encoded = red_flags.encode(sample, str(ENCODER))
    assert all(np.allclose(store.get(t), encoded[t], atol=1e-5) for t in sample)

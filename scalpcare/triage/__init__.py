"""Deterministic, negation-aware, typo-tolerant red-flag screener.

Pure Python on top of spaCy (no Rasa imports): the NLU component, the triage
policy and the actions all call :func:`screen` on the raw user text.

How a message is screened
-------------------------
1. The text is cleaned without changing its length (markup and control
   characters become spaces, curly apostrophes become straight ones), so every
   character offset still points into the original message.
2. A blank English pipeline (``sentencizer`` + lookup ``lemmatizer``) tokenises
   it in chunks of at most ``CHUNK_CHARS`` characters, cut at sentence ends, so
   a flag at the very end of a 100 KB message is still found.
3. Every token gets a *canonical lemma*: a known misspelling or a word within a
   small, length-scaled Damerau-Levenshtein distance of a clinical term
   ("psoraisis", "exzema", "alopicia") is mapped to that term; real English
   words ("scaring", "never", "began", "singles") are never fuzzed. The
   corrected term is written to the token's lemma (so the C-level ``LEMMA``
   matching sees it) and to the ``Token._.triage_canon`` extension.
4. ``Matcher`` rules over LEMMA / LOWER (with bounded wildcards for token
   proximity inside a sentence) find named conditions, described signs,
   nutrient-deficiency context and the cues used to qualify them.
5. Each candidate is then qualified, NegEx-style, in its own sentence/clause:
   negated, resolved/historic, hypothetical, a general question, or about
   somebody else. Whatever survives becomes a :class:`RedFlag`.

Rules chosen for the ambiguous cases
------------------------------------
* **Negation**: "no", "never", "without", "none", "nor", "ruled out" open a
  scope of up to six tokens that stops at punctuation, at contrast words
  ("but", "just", "though"...) and at "and/or" followed by a new subject.
  "not"/"n't" only negates when it is followed by an existence verb ("don't
  have", "haven't noticed", "isn't") or directly by the term ("not eczema"),
  so "the shampoo isn't working on my psoriasis" still refers. "Never ...
  before" / "never ... like this" and "not sure if" are not negations (they
  report something new or a suspicion).
* **History**: a flag is dropped when its clause carries a past-only marker
  ("as a kid", "years ago", "used to have", "in my teens") or when a resolution
  cue ("cleared", "gone", "went away", "grew back", "fine now") sits in the same
  clause or after it; a recurrence cue after the flag ("back", "again",
  "flaring", "still") keeps it.
* **Questions**: in a question (a "?" or a question word first) a flag only
  counts when the question is about the user's own scalp: "my", a preceding
  "I", a child in their care, "this"/"it" ("could this be ringworm?"), a hedge
  ("I think") or a following "I have it/some". "Is ringworm contagious?" and
  "can you get psoriasis on your scalp?" are general questions: no referral.
  A condition after "if"/"whether"/"worried about getting" is hypothetical.
* **Someone else**: the owner of a flag is the nearest person mention before
  it in the sentence (or carried over from earlier sentences; "he/she" take
  the last named person). Another adult ("my mum has psoriasis") is not a
  referral for the user; a person in the user's care (a child, a baby, a
  salon client when staff ask) is, because the user is the one who must act.
  Urgent signs are escalated whoever has them: somebody must get care now.

The chosen levels follow docs/content-rules.md: URGENT > DERMATOLOGIST > DOCTOR > NONE;
nutrient-deficiency context raises the level to at least DOCTOR and sets
``nutrient_deficiency``.
"""

from __future__ import annotations

from scalpcare.contract import Referral
from scalpcare.triage.engine import CHUNK_CHARS, _osa_distance
from scalpcare.triage.results import RedFlag, ScreenResult
from scalpcare.triage.screen import (
    CACHE_CHARS,
    PARSE_PROPERTY,
    _screen,
    result_data,
    result_from_data,
    screen,
    screen_parsed,
    warm_up,
)
from scalpcare.triage.signs import CONDITIONS, SIGN_OF, URGENT_COMBINATIONS, urgent_combinations

__all__ = [
    "CACHE_CHARS",
    "CHUNK_CHARS",
    "CONDITIONS",
    "PARSE_PROPERTY",
    "SIGN_OF",
    "URGENT_COMBINATIONS",
    "RedFlag",
    "Referral",
    "ScreenResult",
    "_osa_distance",
    "_screen",
    "result_data",
    "result_from_data",
    "screen",
    "screen_parsed",
    "urgent_combinations",
    "warm_up",
]

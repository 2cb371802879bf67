"""The rules' pattern language, the rule type and the pattern parts several rules share."""

from __future__ import annotations

from dataclasses import dataclass

from scalpcare.contract import Referral

# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------
# Pattern mini-language (one string = one spaCy Matcher pattern):
#   a|b     LEMMA in {a, b, lemma(a), lemma(b)}  (lemmas after typo correction)
#   =a|b    LOWER in {a, b}
#   #       a number;  re:RX  LOWER matches regex RX
#   ~N      up to N optional non-punctuation tokens of the same sentence
#   x?      the token x is optional
_NOT = "not|never"  # lemma of n't / nt / not
_FLAKE = "flake|flakes|flaking|flaky|scale|scales|scaling|scaly|dandruff|crust|crusts|crusting"
_RED = "red|redness|rash|inflammation|inflamed|irritation"
_PERSIST = (
    "~5 keep come back",
    f"~5 {_NOT} go|going|goes away",
    "~5 =for ~2 month|months|year|years",
    "~8 nothing work|help|works|helps|worked|helped",
    "~6 =tried =everything",
)
_SEB_ADJ = "yellow|yellowish|greasy|oily|waxy|sticky"


@dataclass(frozen=True)
class _Rule:
    """A named set of patterns and the referral level a surviving match gives."""

    name: str
    level: Referral
    patterns: tuple[str, ...]
    kind: str = "flag"  # flag | nutrient | component
    needs_location: bool = False  # the sentence must mention the scalp/a lesion
    skip_sentence: tuple[str, ...] = ()  # lemmas that cancel the rule in a sentence
    needs_words: tuple[str, ...] = ()  # the sentence must hold one of these lemmas
    needs_hair_loss: bool = False  # the message must report hair loss (not negated)
    not_before: tuple[str, ...] = ()  # lemmas that cancel a match they follow directly
    not_after: tuple[str, ...] = ()  # lemmas that cancel a match they come directly before
    unless_controlled: bool = False  # set aside when a shampoo keeps it in check (CONTROLLED)
    in_babies: str = ""  # on a baby's scalp: mild when this rule's needs_words are all denied


_U, _D, _C = Referral.URGENT, Referral.DERMATOLOGIST, Referral.DOCTOR
_N = Referral.NONE

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

import gzip
import importlib.util
import itertools
import json
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from scalpcare.contract import Referral
from scalpcare.other_languages import ForeignFlag, detect_language, foreign_flags

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc

__all__ = [
    "CHUNK_CHARS",
    "CONDITIONS",
    "RedFlag",
    "ScreenResult",
    "screen",
    "warm_up",
]

#: Longest piece of text handed to spaCy at once; longer messages are chunked. Some
#: qualification steps look at a whole sentence per finding, so a hostile run-on
#: "sentence" costs the square of its length: short chunks keep that bounded.
CHUNK_CHARS = 1500
_CANON_EXT = "triage_canon"


# --------------------------------------------------------------------------
# Public results
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class RedFlag:
    """One qualified finding in the message.

    Attributes:
        condition: Machine name of the condition or sign, e.g. ``"psoriasis"``,
            ``"patchy_hair_loss"``, ``"uncontrolled_bleeding"``, or a nutrient
            signal such as ``"heavy_periods"``.
        level: The referral this finding calls for.
        text: The matched words, as the user wrote them.
        start: Character offset of the match in the original text.
        end: Character offset just past the match.
        about: Who has it: ``self`` (the writer), ``care`` (a child or client in
            their care) or ``other`` (another adult).
        person: The writer's word for that person ("son", "husband"), when not self.
    """

    condition: str
    level: Referral
    text: str
    start: int
    end: int
    about: str = "self"
    person: str = ""

    @property
    def sign(self) -> str:
        """The sign this finding is (the screening corpus's vocabulary, ``SIGNS``)."""
        return SIGN_OF.get(self.condition, self.condition)


@dataclass(frozen=True)
class ScreenResult:
    """What :func:`screen` found in one message.

    Attributes:
        flags: Every qualified finding, in text order (nutrient signals included,
            at level ``doctor``).
        level: The strongest referral among ``flags`` (``none`` if empty).
        nutrient_deficiency: The message suggests a possible nutrient deficiency.
        nutrient_signals: Names of the nutrient-deficiency signals found.
        signs: Every current sign the message describes, components of combined
            urgent signs included (``fever`` alone is no referral, but a fever now
            and pus two messages ago is urgent: :mod:`scalpcare.screening`).
        resolved: Signs the message says are absent or gone ("the fever is gone
            now", "no pus any more"): they no longer count from earlier messages.
        set_aside: Signs the rules found but set aside: negated, past, a general
            question, under a doctor's care, another person's family history, a pet.
            The learned model's finding of the same sign yields to the rules
            (:func:`scalpcare.screening.combine`).
    """

    flags: tuple[RedFlag, ...] = ()
    level: Referral = Referral.NONE
    nutrient_deficiency: bool = False
    nutrient_signals: tuple[str, ...] = ()
    signs: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    set_aside: tuple[str, ...] = ()

    @property
    def has_red_flag(self) -> bool:
        """True when anything calls for a referral (any level above ``none``)."""
        return self.level is not Referral.NONE

    @property
    def pauses_routine(self) -> bool:
        """True at ``dermatologist`` or ``urgent``: no exfoliation or massage."""
        return self.level.rank >= Referral.DERMATOLOGIST.rank

    @property
    def conditions(self) -> tuple[str, ...]:
        """Distinct condition names, in order of first appearance."""
        return tuple(dict.fromkeys(flag.condition for flag in self.flags))

    @property
    def top_flags(self) -> tuple[RedFlag, ...]:
        """The findings at the message's strongest level."""
        return tuple(flag for flag in self.flags if flag.level is self.level)


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


_U, _D, _C = Referral.URGENT, Referral.DERMATOLOGIST, Referral.DOCTOR
_N = Referral.NONE

_RULES: tuple[_Rule, ...] = (
    # ---------------- urgent on their own ----------------
    _Rule(
        "uncontrolled_bleeding",
        _U,
        (
            f"bleed|bleeding ~3 {_NOT} stop|stopping|stops",
            f"{_NOT} stop ~2 bleed|bleeding",
            "keep|keeps|still bleed|bleeding",
            "bleed|bleeding =heavily|=profusely|=nonstop|=everywhere",
            "bleed|bleeding =a =lot",
            "heavy|heavily|profuse|uncontrolled bleeding",
        ),
        skip_sentence=("period", "menstrual", "menstruation", "nose", "gum", "nosebleed"),
    ),
    _Rule(
        "sudden_severe_pain",
        _U,
        (
            "severe|excruciating|unbearable|agonising|agonizing|worst|intense|extreme|crippling"
            " ~3 pain|ache|headache",
            "pain|headache ~3 =severe|=excruciating|=unbearable|=agonising|=agonizing",
            "sudden|suddenly ~4 sharp|stabbing|terrible|horrible|awful|shooting ~2 pain|headache",
            "=thunderclap",
        ),
    ),
    # Swelling of the face, eyelids, lips or throat (after a dye, henna or product: an
    # allergic reaction) and trouble breathing or swallowing need care now.
    _Rule(
        "allergic_swelling",
        _U,
        (
            "swollen|swelling|swell|swelled|puffy|puff|puffing ~3 face|eye|eyes|eyelid|eyelids"
            "|lip|lips|throat|tongue|mouth",
            "face|eye|eyes|eyelid|eyelids|lip|lips|throat|tongue ~4 swollen|swelling|swell"
            "|swelled|puffy|puff|puffing",
            "trouble|difficulty|hard|difficult|struggle|struggling|problem|problems ~2"
            " breathe|breathing|swallow|swallowing",
            "eye|eyes|eyelid|eyelids|lid|lids ~3 =shut|=closed|=closing",
            "=can't|=cant|=cannot ~1 open ~2 eye|eyes",
            "forehead ~3 swollen|swelling|swell|swelled|puffy",
            f"{_NOT} ~1 breathe|swallow",
            "throat ~2 tight|tightening|closing|close",
            "=anaphylaxis|=anaphylactic",
        ),
        skip_sentence=("if", "whether"),
    ),
    # A head injury with a warning sign (confusion, vomiting, drowsiness, passing out).
    _Rule(
        "head_injury_warning",
        _U,
        (
            "confused|confusion|vomit|vomiting|vomited|drowsy|dazed|disoriented|concussion",
            "pass|passed|black|blacked ~1 out",
            "throw|threw|throwing ~1 up",
            "knock|knocked ~1 out",
            "=being|=been =sick",
            "=nodding|=dozing|=drifting =off",
            "=out =for ~2 =second|=seconds|=minute|=minutes",
            "=can't|=cant|=cannot|=doesn't|=doesnt|=didn't ~1 =remember",
            "clear ~2 fluid|stuff|liquid ~4 nose|ear",
        ),
        kind="component",
    ),
    # A painful band or one-sided rash of blisters (possible shingles), chemical burns.
    _Rule(
        "shingles",
        _U,
        (
            "=shingles",
            "blister|blisters|rash|spot|spots ~6 one =side|=sided",
            "=one =- =sided ~3 blister|blisters|rash",
            "band|strip|line|stripe|cluster ~3 blister|blisters",
        ),
        skip_sentence=("vaccine", "vaccinate", "vaccinated", "vaccination", "jab"),
    ),
    _Rule(
        "chemical_burn",
        _U,
        (
            "chemical ~1 burn",
            "=burn|=burns|=burned|=burnt|blister|blisters|blistered|=raw|=peeling ~8 bleach"
            "|bleached|relaxer|relaxed|perm|permed|lightener|developer|chemical|chemicals|dye"
            "|dyed|colour|color|coloured|colored|henna|tint",
            "bleach|bleached|relaxer|perm|permed|lightener|developer|chemical|chemicals|dye|dyed"
            "|colour|color|coloured|colored|henna|tint ~8 =burn|=burns|=burned|=burnt|blister"
            "|blisters|blistered|=raw",
        ),
    ),
    # ---------------- components of combined urgent signs ----------------
    _Rule(
        "head_injury",
        _N,
        (
            "hit|hitting|bang|banged|bump|bumped|knock|knocked|smack|smacked|whack|whacked ~4 head",
            "fall|fell|fallen ~3 on|onto ~2 head",
            "head ~1 injury|wound|trauma",
            "blow ~3 head",
            "fall|fell|fallen ~8 scalp|head|forehead",
        ),
        kind="component",
    ),
    _Rule(
        "fever",
        _N,
        (
            "fever|feverish|febrile",
            "=chills|=shivery|=shivering|=shivers|=rigors",
            "=a|=high|=running ~1 temperature|temp",
            "=burning =up",
            "=hot =and =cold|=shivery",
        ),
        kind="component",
    ),
    _Rule(
        "inflamed",
        _N,
        (
            "hot|swollen|swelling|swell|painful|pain|hurt|hurts|throbbing|tender",
            "spread|spreading",
            "pus|abscess|=boil|=boils",
        ),
        kind="component",
        needs_location=True,
    ),
    # A discharge from the skin: with a fever or spreading, an infection that needs care
    # now ("a fever and the sore is oozing" as much as "a fever and pus").
    _Rule(
        "infection_component",
        _N,
        (
            "pus|abscess|=boil|=boils|pustule",
            "ooze|oozing",
            "weep|weeping ~3 patch|sore|spot|skin|scalp|wound|bump",
            "patch|sore|spot|skin|scalp|wound ~3 weep|weeping",
            "leak|leaking|drain|draining|discharge ~3 pus|yellow|gunk|fluid|matter|goo",
            "yellow ~1 =matter|=gunk|=goo|=discharge",
        ),
        kind="component",
    ),
    _Rule("spreading_component", _N, ("spread|spreading",), kind="component"),
    # ---------------- named conditions ----------------
    _Rule("psoriasis", _D, ("psoriasis|psoriatic",)),
    _Rule("eczema", _D, ("eczema|eczematous", "atopic ~1 dermatitis")),
    _Rule(
        "seborrheic_dermatitis",
        _D,
        (
            "seborrheic|seborrhoeic|seborrhea|seborrhoea|sebderm",
            "=seb =-? derm|dermatitis",
        ),
    ),
    # Cradle cap is common and harmless unless it is inflamed, weeping or spreading.
    _Rule(
        "cradle_cap",
        _D,
        ("=cradle =cap",),
        needs_words=(
            "red",
            "redness",
            "itch",
            "itchy",
            "bleed",
            "bleeding",
            "weep",
            "weeping",
            "ooze",
            "oozing",
            "crack",
            "cracked",
            "spread",
            "spreading",
            "sore",
            "rash",
            "infect",
            "infected",
            "swollen",
            "raw",
            "fever",
            "bad",
            "worse",
            "thick",
        ),
    ),
    _Rule("dermatitis", _D, ("dermatitis",)),
    _Rule("fungal_infection", _D, ("ringworm|tinea", "fungal|fungus", "=yeast ~1 infection")),
    _Rule("alopecia", _D, ("alopecia", "=frontal =fibrosing")),
    _Rule("folliculitis", _D, ("folliculitis",)),
    _Rule("lupus", _D, ("lupus",)),
    _Rule("lichen_planopilaris", _D, ("lichen|planopilaris",)),
    _Rule(
        "scarring",
        _D,
        ("scarring|scarred", "=scar =tissue", "shiny ~2 skin|patch|scalp|bald|spot|area"),
    ),
    _Rule("impetigo", _D, ("impetigo", "honey ~2 crust|crusty|crusted")),
    _Rule(
        "skin_cancer",
        _D,
        ("melanoma|carcinoma", "skin =cancer", "cancer", "=basal|=squamous =cell"),
    ),
    # ---------------- described signs ----------------
    _Rule(
        "changing_mole",
        _D,
        (
            "mole|freckle ~6 change|changing|changed|grow|growing|grew|bigger|darker|bleed"
            "|irregular",
            "=new ~2 mole|growth|freckle",
            "dark|black|brown ~1 spot|patch ~6 new|change|changing|changed|grow|growing|bigger"
            "|darker",
        ),
    ),
    _Rule(
        "lump",
        _D,
        (
            "lump|growth|nodule|spot ~6 grow|growing|grew|bigger",
            "lump|nodule ~6 hard|tender|painful",
            "cyst|keloid",
        ),
    ),
    _Rule("rash", _D, ("rash",)),
    _Rule("blisters", _D, ("blister|blisters",)),
    _Rule(
        "infection_signs",
        _D,
        (
            "pus|abscess|=boil|=boils|pustule|pustules|cellulitis|=staph|=mrsa",
            "ooze|oozing|infected|infection",
            "leak|leaking|drain|draining|discharge ~3 pus|yellow|gunk|fluid|matter|goo",
            "yellow ~1 =matter|=gunk|=goo|=discharge",
            "weep|weeping ~3 patch|sore|spot|skin|scalp|wound|bump",
            "patch|sore|spot|skin|scalp|wound ~3 weep|weeping",
            "yellow|honey ~1 crust|crusty|crusted|scab",
        ),
    ),
    _Rule(
        "open_wound",
        _D,
        (
            "open ~1 wound|sore|cut|lesion",
            "raw ~2 skin|patch|scalp|spot",
            "scalp|skin ~2 raw|crack|cracking|cracked",
        ),
    ),
    _Rule("bleeding", _D, ("bleed|bleeding|bled",), skip_sentence=("period", "menstrual", "nose")),
    _Rule(
        "non_healing_sore",
        _D,
        (
            f"sore|wound|scab|cut|lesion|ulcer|spot|bump|patch|blister ~6 {_NOT}"
            " heal|healing|heals",
            f"sore|wound|scab|lesion|ulcer ~6 {_NOT} go|going|goes away",
            "=non =-? heal|healing",
            "=nonhealing",
            "scab|sore|wound ~3 keep reopen|reopening|scab|scabbing|open|opening",
        ),
    ),
    _Rule("persistent_scaling", _D, tuple(f"{_FLAKE} {tail}" for tail in _PERSIST)),
    _Rule("persistent_redness", _D, tuple(f"{_RED} {tail}" for tail in _PERSIST)),
    _Rule(
        "seborrheic_description",
        _D,
        (
            f"{_SEB_ADJ} =,? =and? {_SEB_ADJ}|thick|big? flake|scale|crust|scab|dandruff",
            "flake|scale|dandruff =that|=which? be|look yellow|yellowish|greasy|waxy",
        ),
    ),
    _Rule(
        "psoriasis_description",
        _D,
        (
            "silver|silvery|silvering ~1 scale|plaque|flake|patch|crust|scaly",
            "thick ~2 scale|plaque|crust|crusty|scaly|crusted",
            "plaque",
        ),
    ),
    _Rule(
        "scaly_patch",
        _D,
        (
            "red|scaly|inflamed|raised|angry|crusty|crusted ~1"
            " patch|plaque|lesion|bump|ring|circle|spot",
        ),
    ),
    _Rule(
        "fungal_description",
        _D,
        (
            "ring|circle ~3 scale|scaly|flake|flaky",
            "scaly|itchy ~1 ring|circle",
            "=ring =-? =shape|=shaped",
            "black ~1 dot",
            "broken ~1 hair ~4 patch|ring|spot|scaly|circle",
            "patch|ring|spot|circle ~4 broken ~1 hair",
        ),
    ),
    _Rule(
        "patchy_hair_loss",
        _D,
        (
            "bald|hairless ~2 spot|patch|area|circle|ring|bit",
            "spot|patch|area ~2 =is|='s|=that|=completely|=totally ~1 bald|hairless",
            "patchy ~2 hair|bald|loss|hairloss",
            "hair ~1 loss|fall|falling|fell ~3 =in =patches|=patch|=spots|=clusters",
            "lose|losing|lost|fall|falling|come|coming|shed ~3 out? ~1 =in =patches|=spots",
            "patch|spot|circle ~3 =with|=without =no? hair",
            "patch ~1 of ~1 hair? ~1 missing|loss|gone",
            "round|circular|coin|coin-sized ~2 patch|spot|area",
            "thinning|bald|loss ~3 =in =a? =perfect|=small? circle|ring|patch",
        ),
    ),
    _Rule(
        "hair_loss_clumps",
        _D,
        (
            "clump|handful|chunk|fistful =of =my? hair",
            "hair|fall|falling|come|coming|shed|shedding|lose|losing|lost|pull|pulling ~4 =in?"
            " clump|clumps|handful|handfuls|chunk|chunks|fistful|fistfuls",
        ),
    ),
    _Rule(
        "sudden_hair_loss",
        _D,
        (
            "sudden|suddenly|overnight ~3 hair ~1 loss|fall|falling|fell|lose|lost|shed|shedding",
            "sudden|suddenly|overnight ~2 bald|balding|lost|losing|lose",
            "hair ~5 fall|falling|fell|come|coming|came ~1 out ~3 suddenly|overnight",
            "bald|balding ~5 suddenly|overnight",
        ),
    ),
    _Rule("swelling", _D, ("swollen|swelling|swell",), needs_location=True),
    _Rule("scalp_burn", _D, ("=burn|=burned|=burnt|=burns ~2 my? scalp|skin",)),
    _Rule(
        "spreading_redness",
        _D,
        (
            "spread|spreading ~4 red|redness|rash|patch|swelling",
            f"{_RED}|patch|swelling ~5 spread|spreading",
        ),
    ),
    # ---------------- nutrient-deficiency context (doctor) ----------------
    _Rule(
        "vegan_or_vegetarian",
        _C,
        (
            "vegan|vegetarian|veggie",
            "=plant =-? =based",
            f"{_NOT} eat ~1 any? meat|fish|animal|dairy|egg",
        ),
        kind="nutrient",
        # "vegan dyes", "a vegetarian restaurant": a product or a place, not a diet.
        not_before=(
            "dye",
            "shampoo",
            "product",
            "conditioner",
            "brand",
            "colour",
            "color",
            "option",
            "leather",
            "food",
            "recipe",
            "restaurant",
            "friendly",
            "formula",
            "range",
        ),
    ),
    _Rule(
        "restrictive_diet",
        _C,
        (
            "crash|strict|extreme|restrictive|restricted|starvation|fad|juice|liquid|detox ~2"
            " diet|dieting|cleanse",
            "=very =low ~1 calorie|calories",
            r"# re:^k?cals?$|^calories?$|^kcals?$",
            r"re:^\d+k?cals?$|^\d+kcals?$",
            "keto|ketogenic|carnivore|=omad",
            "=intermittent =fasting",
            "=fasting",
            "barely|hardly|rarely ~1 eat|eating",
            f"{_NOT} eat|eating ~1 much|enough|properly|anything",
            "skip|skipping ~1 meal|meals|breakfast|lunch|dinner",
            f"{_NOT} ~3 proper|real|decent|square|full ~1 meal|meals",
            "=eating =disorder",
            "anorexia|anorexic|bulimia|bulimic|=arfid",
            "=one =meal =a =day",
            "=only eat|eating ~2 =once|=one",
        ),
        kind="nutrient",
    ),
    _Rule(
        "heavy_periods",
        _C,
        (
            "heavy|heavier ~2 period|periods|menstruation|menses",
            "period|periods ~3 heavy|heavier|flooding",
            "menorrhagia",
            "heavy ~2 bleeding ~3 period|periods",
        ),
        kind="nutrient",
    ),
    _Rule(
        "low_lab_result",
        _C,
        (
            "low|lowish|deficient|deficiency|insufficient|borderline ~3"
            " iron|ferritin|vitamin|vit|=b12|=d3|folate|zinc|hemoglobin|haemoglobin|protein|level",
            "iron|ferritin|=b12|vitamin|folate|zinc|hemoglobin|haemoglobin|level|protein|intake ~4"
            " low|lowish|deficient|deficiency|borderline",
            "anemia|anaemia|anemic|anaemic",
            "ferritin ~2 #",
            "deficient|deficiency",
        ),
        kind="nutrient",
    ),
    _Rule(
        "low_protein",
        _C,
        (
            f"{_NOT} ~3 =enough|=much protein",
            "barely|hardly|little|rarely ~2 protein",
        ),
        kind="nutrient",
    ),
    _Rule(
        "after_illness",
        _C,
        (
            "after|since|post|following|recover|recovering|from ~3 covid|flu|illness|sickness"
            "|surgery|operation|hospital|virus|pneumonia|fever|infection|sick|ill|icu|sepsis",
            "have|had|get|got|catch|caught ~2 covid|flu|surgery|operation|pneumonia",
            "covid|coronavirus",
            "=been ~2 =sick|=ill",
        ),
        kind="nutrient",
        # Chemotherapy is the oncology team's question, not a deficiency guess, and an
        # illness is context only with shedding (docs/content-rules.md, "Special situations").
        needs_hair_loss=True,
    ),
    _Rule(
        "postpartum",
        _C,
        (
            "postpartum|postnatal|breastfeeding|breastfeed|pregnancy|pregnant|childbirth",
            "=post =-? =partum",
            "give|gave|giving =birth",
            "have|had|having =a|=my =baby",
            "=new =baby",
            "newborn",
            "baby ~2 be #",
            "=since ~2 =the|=my =baby",
            "=breast =-? =feeding",
        ),
        kind="nutrient",
        # Pregnancy or a new baby is context only with shedding (docs/content-rules.md).
        needs_hair_loss=True,
    ),
    _Rule(
        "rapid_weight_loss",
        _C,
        (
            "lose|lost|losing|drop|dropped ~3 # kg|kgs|kilo|kilos|pound|pounds|lb|lbs|stone",
            r"lose|lost|losing|drop|dropped ~3 re:^\d+(kg|kgs|kilos?|lbs?|st)$",
            "lose|lost|losing ~3 weight ~3 fast|quickly|quick|rapidly",
            "rapid|fast|quick|sudden|dramatic ~1 weight ~1 loss",
            "lose|lost|losing ~3 lot =of =weight",
        ),
        kind="nutrient",
    ),
)
_RULE_BY_NAME = {rule.name: rule for rule in _RULES}
_NUTRIENT_RULES = frozenset(rule.name for rule in _RULES if rule.kind == "nutrient")
#: Every condition name :func:`screen` can report.
#: The sign each rule finds, in the screening corpus's vocabulary
#: (data/screening/GUIDE.md); rules not listed are their own sign.
SIGN_OF: dict[str, str] = {
    "uncontrolled_bleeding": "bleeding",
    "bleeding": "bleeding",
    "sudden_severe_pain": "severe_pain",
    "inflamed": "swelling",
    "swelling": "swelling",
    "infection_component": "infection",
    "infection_signs": "infection",
    "folliculitis": "infection",
    "impetigo": "infection",
    "spreading_component": "spreading",
    "psoriasis": "scaling",
    "eczema": "scaling",
    "seborrheic_dermatitis": "scaling",
    "dermatitis": "scaling",
    "persistent_scaling": "scaling",
    "seborrheic_description": "scaling",
    "psoriasis_description": "scaling",
    "scaly_patch": "scaling",
    "fungal_infection": "fungal",
    "fungal_description": "fungal",
    "alopecia": "patchy_loss",
    "patchy_hair_loss": "patchy_loss",
    "hair_loss_clumps": "patchy_loss",
    "sudden_hair_loss": "patchy_loss",
    "lupus": "scarring",
    "lichen_planopilaris": "scarring",
    "scarring": "scarring",
    "shingles": "blisters",
    "blisters": "blisters",
    "skin_cancer": "lump",
    "changing_mole": "lump",
    "lump": "lump",
    "rash": "redness",
    "persistent_redness": "redness",
    "spreading_redness": "redness",
    "scalp_burn": "redness",
    "open_wound": "non_healing",
    "non_healing_sore": "non_healing",
    "allergic_swelling": "allergic",
    **{r.name: "deficiency" for r in _RULES if r.kind == "nutrient"},
}

#: Signs that are urgent together, whether they come in one message or in several
#: (:mod:`scalpcare.screening` combines them across a conversation).
URGENT_COMBINATIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("fever_with_inflamed_scalp", frozenset({"fever", "swelling"})),
    ("fever_with_infection", frozenset({"fever", "infection"})),
    ("spreading_infection", frozenset({"infection", "spreading"})),
    ("head_injury_with_warning_sign", frozenset({"head_injury", "head_injury_warning"})),
    ("bleeding_head_injury", frozenset({"head_injury", "bleeding"})),
)


def urgent_combinations(signs: set[str] | frozenset[str]) -> list[str]:
    """Names of the urgent combinations the signs make (empty when none).

    Args:
        signs: Current signs (:data:`SIGN_OF` values and component names).

    Returns:
        Every combination whose signs are all present, in table order.
    """
    return [name for name, needed in URGENT_COMBINATIONS if needed <= signs]


#: Every condition name :func:`screen` can report.
CONDITIONS = (
    *(r.name for r in _RULES if r.kind != "component"),
    *(name for name, _ in URGENT_COMBINATIONS),
)

# Cues that qualify a candidate (label -> patterns).
_CUES: dict[str, tuple[str, ...]] = {
    "NEG": (
        "=no|=never|=without|=none|=nor|=neither|=nope|=zero|=nothing|=nobody|=noone",
        "not",
        "=ruled|=rule|=rules =out",
        "=negative =for",
        "=free =of",
        "=absence =of",
    ),
    "NEG_POST": (
        "=ruled =out",
        "=was|=were|=came|=is|=came =back? =negative",
        "=excluded",
        "re:^[:?-]$ =no|=none|=nope|=never|=negative",  # "Psoriasis: no."
    ),
    # "... but it turned out to be dandruff": an earlier suspicion was wrong.
    "CORRECTION": ("=turned|=turns =out", "=was|=is|='s =actually", "=ended =up =being"),
    "PSEUDO": (
        "=no =idea|=clue|=matter|=doubt|=wonder|=joke|=lie|=lies|=cap|=worries",
        "not =only|=just",
    ),
    "RESOLVED": (
        "=cleared|=gone|=resolved|=cured|=healed|=disappeared|=outgrew|=outgrown|=stopped|=vanished",
        "=went|=gone|=go =away",
        "=fine|=okay|=ok|=normal|=good =now|=since",
        "=been =fine|=good|=ok|=okay|=clear",
        "=back =to =normal",
        "=grew|=grown|=growing|=regrew =back",
        "=no =longer",
        "=anymore",
        "=nothing|=none =since",
        "=in =remission",
        "=never =came|=come =back",
        "=calm|=settled|=clear|=better|=healed|=quiet =now",
        "=all|=fully|=completely|=totally =healed|=gone|=clear|=cleared|=fine|=calm|=better",
    ),
    "HIST": (
        "=as =a =kid|=child|=teen|=teenager|=baby|=toddler|=youngster",
        "=when =i =was =a? =little|=young|=younger|=kid|=child|=teen|=teenager|=small",
        "=in =my =teens|=twenties|=20s|=30s|=childhood|=youth",
        "=in =high =school",
        "=years|=year|=decade|=decades =ago",
        "=used =to =have|=get|=be|=suffer",
        "=in =the =past",
        "=childhood",
        "=last =year|=summer|=winter|=spring|=autumn",
        "=years|=months =back",
        "=back =when|=then",
        "=when =we|=she|=he|=they =were",
    ),
    "HIST_EXEMPT": ("=went|=started|=became|=began|=switched|=been|=since",),
    "RECUR": (
        "come|be =back",
        "='s|=s|=is|=are|=was =back",  # the lookup table lemmatises "'s" as "have"
        "=again",
        "=still",
        "=returned|=returning|=recurred|=recurring|=recurrent|=relapse|=relapsed",
        "=flaring|=flared",
        "=currently",
    ),
    "HYPO": (
        "=if|=whether|=unless",
        "=worried|=afraid|=scared|=fear|=terrified|=nervous|=worry =of|=about? "
        "=getting|=developing|=catching|=get|=develop|=catch",
        "=prevent|=preventing|=prevention|=avoid|=avoiding",
        "=risk =of",
        "=can|=could|=will|=would =you|=i|=one|=people =get|=catch|=develop",
    ),
    "DEICTIC": (
        "=is =this|=that",
        "=could|=can|=might|=may|=would =this|=that|=it =be",
        "=does|=do =this|=that|=it =look|=sound|=seem",
        "=this|=that =look|=looks|=sounds|=seems =like",
    ),
    "IS_IT": ("=is =it",),
    "SUSPECT": (
        "=i =think|=guess|=reckon|=suspect|=believe",
        "=pretty|=fairly =sure",
        "=probably|=maybe|=possibly|=possible|=likely",
    ),
    "AFFIRM": ("=i have|get|catch|caught ~1 =it|=some|=them|=one|=same|=this|=that|=these|=those",),
    "FAMILY": ("run|runs|running =in ~1 =family",),
    "SELF": ("=i|=me|=my|=mine|=myself",),
    "CARE": (
        "daughter|son|kid|child|children|baby|babies|toddler|stepdaughter|stepson|grandson"
        "|granddaughter|grandchild|client|customer|teenager",
        "=my =little =one",
        "=my =boy|=girl",
        "# =year|=yr|=years =old",
        "# =- =year =- =old",
        r"re:^\d+(yo|yr|yrs)$",
    ),
    "OTHER": (
        "mum|mom|mother|mam|mommy|mummy|dad|father|daddy|sister|brother|=sis|=bro|husband|wife"
        "|hubby|partner|boyfriend|girlfriend|=bf|=gf|fiance|fiancee|friend|bestie|colleague"
        "|coworker|roommate|flatmate|housemate|aunt|auntie|aunty|uncle|cousin|grandma"
        "|grandmother|gran|granny|=nan|=nana|grandpa|grandfather|neighbour|neighbor|family"
        "|niece|nephew",
        "=co =- =worker",
    ),
    # People nobody in the conversation knows ("a woman in the news"): not a referral.
    "STRANGER": (
        "=a|=an|=some|=this|=that|=the ~1 woman|man|lady|guy|girl|boy|kid|person|celebrity"
        "|influencer|stranger",
        "people|someone|somebody|celebrities|women|ladies",
    ),
    # A professional already looks after it ("my derm is managing it").
    "UNDER_CARE": (
        "dermatologist|derm|doctor|doc|gp|physician|specialist|clinic|pediatrician"
        "|paediatrician|nurse|surgeon|consultant|endocrinologist|dermo|hautarzt|dermato"
        "|dermatologa|dermatologo|er|hospital ~4 said|say|says|confirm|confirmed|check"
        "|checked|look|looked|saw|seen|treat|treating|treated|manage|managing|managed"
        "|prescribe|prescribed|gave|give|put|told|tell|drain|drained|remove|removed"
        "|monitor|monitoring|lance|lanced|stitch|stitched|cream|plan|routine",
        "=under ~2 dermatologist|derm|doctor|specialist|consultant|care|clinic",
        "=by =my|=the|=a|=her|=his|=our? dermatologist|derm|doctor|doc|gp|specialist|consultant"
        "|clinic|hospital|dermo|nurse|surgeon|pediatrician|paediatrician",
        "=on ~2 =tablets|=cream|=antibiotics|=treatment|=meds|=medication|=pills|=washes",
        "prescription|prescribed|antibiotic|antibiotics|antiviral|antivirals|injection"
        "|injections|medication|medicated",
        "=being =treated|=managed|=monitored",
        "=under =control|=treatment",
        "=looked =after",
        "=well =managed|=controlled",
    ),
    # ... unless something is new or worse.
    "WORSE": (
        "worse|worsening|worsened|spreading|bigger|growing|flaring|flare|flared|returned",
        "=new =spot|=spots|=patch|=patches|=lump|=bump|=sore|=one|=ones",
        "=came|=come|=coming|=is|='s =back",
        "=not|=isn't|=isnt|=doesn't|=doesnt|=didn't|=didnt|=stopped =working|=helping|=work|=help",
        "=did|=does|=do|=is|=are|=was ~1 =n't|=nt|=not =work|=help|=working|=helping",
        "=still ~2 =bleeding|=growing|=spreading|=weeping|=oozing|=hurts|=hurting",
        "=still =there|=around|=going",
        "=not =sure|=convinced",
        "=waiting|=waitlist|=referred",
        "=new",
    ),
    # A question about conditions in general ("is ringworm contagious?").
    "GENERAL_Q": (
        "=usually|=normally|=typically|=generally|=common|=commonly|=myth|=contagious"
        "|=catching|=hereditary|=genetic|=inherited|=difference|=often",
        "=in =general",
        "=true|=dangerous|=harmless|=serious|=normal",
        "=more|=less =likely",
    ),
    # The writer says they themselves are fine: someone else's condition is context.
    "SELF_FINE": (
        "=mine|=mine's|=mines =is? =fine|=ok|=okay|=normal|=clear",
        "=i ='ve|=have|=ve =got? =nothing",
        "=i =don't|=dont =have =it|=any",
        "=my =own ~2 =fine|=ok|=clear",
    ),
    # Hair is fine / hair loss is reported.
    "HAIR_FINE": (
        "=hair|=hair's ~3 =fine|=ok|=okay|=normal|=thick|=great|=healthy|=stable|=steady",
        "=no =shedding|=thinning|=hairloss",
        "=no =hair =loss",
        "=no =problems|=problem|=issues|=issue",
    ),
    "HAIR_LOSS": (
        "shed|shedding|sheds|thinning|thinner|bald|balding|clump|clumps|handful|handfuls|hairloss",
        "hair ~3 fall|falling|fell|come|coming|came|out|loss|lose|losing|lost|thin|thinning",
        "lose|losing|lost ~2 =hair|=my",
        "hair|hairs ~4 =everywhere|=plughole|=drain|=pillow|=brush|=bin|=shower|=fists|=comb"
        "|=bathroom|=floor|=sink|=tumbleweeds",
        "=more|=much|=loads|=lots ~3 =hair|=hairs",
    ),
    # Pets: "my dog has ringworm" is nobody's referral here.
    "PET": ("dog|cat|puppy|kitten|pet|horse|rabbit|hamster|guinea",),
    "PRONOUN": ("=he|=she|=him|=his|=her|=hers|=himself|=herself",),
    "PLAN": (
        "dietitian|dietician|nutritionist|supplement|supplements|multivitamin|=planned",
        "take|taking ~1 =b12|iron|vitamin|vitamins|supplement",
        "blood|bloods|level|levels|test|tests ~3 =fine|=normal|=good",
    ),
}


def _words(text: str) -> frozenset[str]:
    """A set of space-separated words (keeps the long word lists readable)."""
    return frozenset(text.split())


# Lemmas that make a sentence "about the scalp or a lesion" (for swelling/heat).
_LOCATION = _words(
    "scalp head hairline crown nape bump spot lump patch sore wound boil abscess cut area skin"
    " ear temple part parting neck scab"
)
_BODY = _words("scalp head hair hairline crown skin neck ear forehead nape temple")
# Words after "not"/"n't" that make it an existence negation ("don't have").
_EXIST = _words(
    "have get be see notice think seem look suffer diagnose find spot show experience feel"
)
_FILLER = _words("any a an really actually even ever exactly currently yet got just that")
# Tokens that end a negation scope (besides punctuation and sentence ends).
_SCOPE_END = _words(
    "but however though tho although whereas while yet except apart aside just only because"
    " cause so which who since"
)
# Context whose time words date the onset of shedding, not its end.
_ONSET_RULES = frozenset(("after_illness", "postpartum"))
# "... normal again": well again is no recurrence.
_WELL_AGAIN = _words("normal fine better ok okay healthy itself myself herself himself")
_CLAUSE_END = _words("but however though tho although whereas yet except now")
# After "and"/"or", these words start a new clause and end a negation scope.
_NEW_SUBJECT = _words("i my it its there the this that now then he she me we they his her also")
_UNCERTAIN = _words(
    "sure know knowing wonder wondering unsure idea tell check see clue ask asking curious"
)
_QUESTION_WORDS = _words(
    "what whats how why can could is are does do should will would which when where who any"
)
_PUNCT_BOUNDARY = frozenset(",;:()[]{}—–-…")

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


def warm_up() -> None:
    """Build the pipeline now (spaCy import, tables, matchers) and screen once."""
    screen("warm up: psoriasis, no fever.")


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


# --------------------------------------------------------------------------
# Qualification
# --------------------------------------------------------------------------
@dataclass
class _Candidate:
    """A raw rule match before qualification (token indices in its chunk doc)."""

    rule: _Rule
    start: int
    end: int
    neg_inside: bool


@dataclass
class _Found:
    """A qualified candidate with its character span in the original text."""

    rule: _Rule
    start_char: int
    end_char: int
    owner: str  # self | care | other | pet | family
    person: str = ""  # the writer's word for the owner ("son", "husband")


class _DocContext:
    """Sentence/clause indices and cue positions for one chunk doc."""

    def __init__(self, doc: Doc, cues: dict[str, list[tuple[int, int]]], cands: list[_Candidate]):
        self.doc = doc
        self.cues = cues
        self.cands = cands
        self.sent_of: list[int] = []
        self.sents: list[tuple[int, int]] = []
        for sid, sent in enumerate(doc.sents):
            self.sents.append((sent.start, sent.end))
            self.sent_of.extend([sid] * (sent.end - sent.start))
        self.clause_of: list[int] = []
        clause = 0
        for tok in doc:
            if tok.is_sent_start or tok.lower_ in _CLAUSE_END or tok.text in _PUNCT_BOUNDARY:
                clause += 1
            self.clause_of.append(clause)
        # Cues that sit inside a negation-carrying pattern ("won't heal") are not cues.
        self.inside_neg: set[int] = set()
        for cand in cands:
            if cand.neg_inside:
                self.inside_neg.update(range(cand.start, cand.end))
        self.flag_starts = {c.start for c in cands}
        pseudo = {i for s, e in cues.get("PSEUDO", []) for i in range(s, e)}
        self.neg_cues = [
            (s, e) for s, e in cues.get("NEG", []) if s not in self.inside_neg and s not in pseudo
        ]
        self.question = [self._is_question(s, e) for s, e in self.sents]

    # -- helpers -------------------------------------------------------------
    def present(self, label: str, window: int = 2) -> bool:
        """Does a cue of ``label`` occur without a negation just before it?"""
        doc = self.doc
        for start, _ in self.cues.get(label, []):
            before = doc[max(0, start - window) : start]
            if not any(t.lemma_ in ("not", "never", "no", "without", "nothing") for t in before):
                return True
        return False

    def _is_question(self, start: int, end: int) -> bool:
        """A sentence with a question mark or opening with a question word."""
        toks = self.doc[start:end]
        if any(t.text.startswith("?") for t in toks):
            return True
        words = [t for t in toks if t.is_alpha]
        return bool(words) and words[0].lower_ in _QUESTION_WORDS

    def in_sentence(self, label: str, sid: int) -> list[tuple[int, int]]:
        """Cue matches of ``label`` inside sentence ``sid``."""
        s, e = self.sents[sid]
        return [(a, b) for a, b in self.cues.get(label, []) if s <= a < e]

    def scope_end(self, start: int, window: int = 6) -> int:
        """End (exclusive) of a negation scope that begins at token ``start``."""
        doc = self.doc
        sid = self.sent_of[start] if start < len(doc) else -1
        end = min(len(doc), start + window)
        for i in range(start, end):
            tok = doc[i]
            if self.sent_of[i] != sid or tok.is_punct or tok.lower_ in _SCOPE_END:
                return i
            if (
                tok.lower_ in ("and", "or", "nor", "plus", "&", "+")
                and i + 1 < len(doc)
                and doc[i + 1].lower_ in _NEW_SUBJECT
            ):
                return i
        return end

    def negated_at(self, start: int, end: int, neg_inside: bool) -> bool:
        """Is the span ``[start, end)`` inside a negation scope?"""
        doc = self.doc
        for cs, ce in self.neg_cues:
            if cs >= start:
                if not neg_inside and cs < end and self.sent_of[cs] == self.sent_of[start]:
                    return True  # "hair isn't coming out in clumps"
                continue
            if self.sent_of[cs] != self.sent_of[start]:
                continue
            cue = doc[cs]
            if cue.lower_ == "never" and self._never_is_pseudo(cs):
                continue
            if cue.lemma_ == "not" and ce - cs == 1 and not self._existence_negation(ce, start):
                continue
            if ce <= start < self.scope_end(ce):
                return True
        for cs, _ in self.cues.get("NEG_POST", []):
            if end <= cs <= end + 4 and (cs == end or self.clause_of[cs] == self.clause_of[start]):
                return True
        return False

    def _existence_negation(self, after: int, target: int) -> bool:
        """``not`` negates only before an existence verb or the term itself."""
        doc = self.doc
        i = after
        for _ in range(4):
            if i >= len(doc):
                return False
            if i == target or i in self.flag_starts:
                return True
            tok = doc[i]
            if tok.lemma_ in _EXIST:
                return True
            if tok.lower_ not in _FILLER:
                return False
            i += 1
        return False

    def _never_is_pseudo(self, cue: int) -> bool:
        """'never ... before' / 'never ... like this' report something new."""
        sid = self.sent_of[cue]
        _, end = self.sents[sid]
        words = [t.lower_ for t in self.doc[cue:end]]
        if "before" in words:
            return True
        return any(a == "like" and b in ("this", "that") for a, b in itertools.pairwise(words))

    def historic(self, cand: _Candidate) -> bool:
        """Resolved or past-only mention, unless a recurrence cue follows it."""
        sid = self.sent_of[cand.start]
        clause = self.clause_of[cand.start]
        resolved = False
        for rs, _ in self.in_sentence("RESOLVED", sid):
            if rs in self.inside_neg or any(c.start <= rs < c.end for c in self.cands):
                continue
            negative_phrase = self.doc[rs].lower_ in ("never", "no", "nothing", "none")
            if not negative_phrase and self._negated_word(rs):
                continue  # "hasn't cleared", "not gone"
            if self.clause_of[rs] == clause or rs >= cand.end:
                resolved = True
        # "had a bleach burn last year. It healed completely.": the next sentence
        # resolves it when it opens with a pronoun for it.
        if not resolved and sid + 1 < len(self.sents):
            ns, ne = self.sents[sid + 1]
            opener = [t.lower_ for t in self.doc[ns : min(ne, ns + 2)]]
            if opener and opener[0] in ("it", "it's", "its", "they", "they're", "that", "all"):
                resolved = any(
                    not self._negated_word(rs) for rs, _ in self.in_sentence("RESOLVED", sid + 1)
                )
        past = False
        exempt = {self.clause_of[s] for s, _ in self.in_sentence("HIST_EXEMPT", sid)}
        for hs, _ in self.in_sentence("HIST", sid):
            # An illness or a birth is past by nature: "2 months back" dates the onset.
            if cand.rule.name in _ONSET_RULES:
                break
            before = {t.lower_ for t in self.doc[max(0, hs - 3) : hs]}
            if self.doc[hs].lower_ == "used" and before & {"where", "hair", "hairs"}:
                continue  # "a bare circle where my hair used to be" describes it now
            if self.clause_of[hs] == clause and clause not in exempt:
                past = True
        for cs, _ in self.in_sentence("CORRECTION", sid):
            if cs >= cand.end and self.clause_of[cs] != clause:
                return True
        if not (resolved or past):
            return False
        for rs, _re in self.in_sentence("RECUR", sid):
            tok_after = self.doc[_re] if _re < len(self.doc) else None
            if tok_after is not None and tok_after.lower_ == "to":
                continue  # "back to normal"
            if rs < cand.start or self._negated_word(rs) or self._question_clause(rs):
                continue
            preceding = [t.lower_ for t in self.doc[max(0, rs - 3) : rs]]
            if preceding and preceding[-1] in ("hair", "hairs", "curls", "colour", "color"):
                continue  # "my hair came back": regrowth, not a recurrence
            if self.doc[rs].lower_ == "again" and set(preceding) & _WELL_AGAIN:
                continue  # "normal again", "fine again"
            # A recurrence cue in a later clause belongs to that clause's own finding
            # ("the fever is gone but my scalp still hurts"), else to this one
            # ("psoriasis cleared up but it's flaring again").
            rclause = self.clause_of[rs]
            if rclause == clause or not any(
                self.clause_of[c.start] == rclause for c in self.cands if c is not cand
            ):
                return False
        return True

    def _question_clause(self, i: int) -> bool:
        """Does token ``i``'s clause open with a question ("can i go lighter again?")?"""
        clause = self.clause_of[i]
        start = i
        while start > 0 and self.clause_of[start - 1] == clause:
            start -= 1
        words = [t.lower_ for t in self.doc[start : i + 1] if t.is_alpha]
        return bool(words) and words[0] in _QUESTION_WORDS

    def _negated_word(self, i: int) -> bool:
        """Is token ``i`` directly preceded (within 2 tokens) by a negation?"""
        for j in range(max(0, i - 2), i):
            if self.doc[j].lemma_ in ("not", "never", "no") and self.sent_of[j] == self.sent_of[i]:
                return True
        return False

    def hypothetical(self, cand: _Candidate) -> bool:
        """A condition after 'if', 'whether', 'worried about getting', 'can you get'."""
        sid = self.sent_of[cand.start]
        for hs, _ in self.in_sentence("HYPO", sid):
            if hs >= cand.start:
                continue
            word = self.doc[hs].lower_
            if (
                word in ("if", "whether")
                and not self.question[sid]
                and hs > 0
                and self.doc[hs - 1].lower_ in _UNCERTAIN
            ):
                continue  # "not sure if it's psoriasis" is a suspicion; "how do i know if" is not
            return True
        return False

    def affirmed_later(self, cand: _Candidate) -> bool:
        """'... i have it too' / 'i have some now' in this or the next sentence."""
        sid = self.sent_of[cand.start]
        for a, _ in self.cues.get("AFFIRM", []):
            near = a >= cand.end and self.sent_of[a] in (sid, sid + 1)
            if near and not self._negated_word(a) and not self._negated_word(a + 1):
                return True
        return False

    def personal_question(self, cand: _Candidate) -> bool:
        """Is the question in the candidate's sentence about the user (or a dependant)?"""
        sid = self.sent_of[cand.start]
        clause = self.clause_of[cand.start]
        if any(self.clause_of[g] == clause for g, _ in self.in_sentence("GENERAL_Q", sid)):
            # "is ringworm contagious?", "do kids usually grow out of eczema?": general,
            # unless the condition is somebody's own ("is my son's ringworm contagious?").
            before = [t.lower_ for t in self.doc[max(0, cand.start - 4) : cand.start]]
            own = any(w in ("my", "his", "her", "our", "their") for w in before)
            return own or self.affirmed_later(cand)
        for a, _ in self.in_sentence("SELF", sid):
            if a < cand.start or self.doc[a].lower_ in ("my", "mine"):
                return True
        # A child or "this/that" after the finding refers back to it ("X, is that
        # normal?"), unless the finding is itself inside a question ("is psoriasis
        # caused by stress, or is that a myth?").
        asked = self._question_clause(cand.start)
        for label in ("CARE", "DEICTIC"):
            if any(a < cand.start or not asked for a, _ in self.in_sentence(label, sid)):
                return True
        if self.in_sentence("SUSPECT", sid):
            return True
        for a, b in self.in_sentence("IS_IT", sid):
            between = [t.lower_ for t in self.doc[b : cand.start]]
            if a < cand.start and all(w in ("a", "an", "just", "really") for w in between):
                return True  # "is it ringworm?", "is it just dandruff?"
        return self.affirmed_later(cand)


def _person_events(ctx: _DocContext) -> list[tuple[int, str, str]]:
    """Who is being talked about, token by token: (position, kind, the person's word).

    Kinds: ``self``, ``care`` (a child or client), ``other`` (another adult), ``pet``.
    """
    raw: list[tuple[int, int, str]] = []
    for label, kind in (
        ("CARE", "care"),
        ("OTHER", "other"),
        ("PET", "pet"),
        ("STRANGER", "stranger"),
        ("PRONOUN", "pronoun"),
    ):
        for s, e in ctx.cues.get(label, []):
            raw.append((s, e, kind))
    nouns = sorted((s, e, k) for s, e, k in raw if k != "pronoun")
    events: list[tuple[int, str, str]] = []
    for s, _e in ctx.cues.get("SELF", []):
        # "my mum", "my 6 year old son": the possessive belongs to the person noun.
        if ctx.doc[s].lower_ == "my" and any(0 < ns - s <= 4 for ns, _, _ in nouns):
            continue
        events.append((s, "self", ""))
    last_noun, last_word = "other", ""
    for s, e, kind in sorted(raw):
        if kind == "pronoun":
            events.append((s, last_noun, last_word))
        else:
            last_noun, last_word = kind, ctx.doc[s:e].text.lower()
            events.append((s, kind, last_word))
    return sorted(events)


def _owner(
    ctx: _DocContext, cand: _Candidate, events: list[tuple[int, str, str]]
) -> tuple[str, str]:
    """The person a candidate is about and their word: nearest preceding mention, else the user.

    Returns ``(kind, word)``: kind ``self``, ``care``, ``other``, ``pet`` or ``family``
    (family history: "psoriasis runs in my family").
    """
    sid = ctx.sent_of[cand.start]
    owner, word = "self", ""
    for pos, kind, person in events:
        if pos >= cand.start:
            break
        owner, word = kind, person
    # "psoriasis runs in my family": family history, not anybody's current problem.
    for fs, _ in ctx.in_sentence("FAMILY", sid):
        if fs >= cand.end and ctx.clause_of[fs] == ctx.clause_of[cand.start]:
            return "family", ""
    # "a bald spot on my head", "a sore on his scalp": the body part's possessor wins.
    clause = ctx.clause_of[cand.start]
    for i in range(cand.start, len(ctx.doc) - 1):
        if ctx.clause_of[i] != clause:
            break
        if ctx.doc[i].lower_ in ("my", "his", "her") and ctx.doc[i + 1].lemma_ in _BODY:
            owner, word = next(
                ((kind, person) for pos, kind, person in events if pos == i), (owner, word)
            )
            break
    if owner in ("other", "care") and ctx.affirmed_later(cand):
        return "self", ""  # "my mum has psoriasis and now i have it too"
    if owner == "other" and any(
        ctx.doc[i].lower_ == "had" and ctx.clause_of[i] == clause
        for i in range(ctx.sents[sid][0], cand.start)
    ):
        return "family", ""  # "my grandma had lupus": another adult's history
    if owner == "other" and ctx.present("SELF_FINE"):
        return "family", ""  # "my mum has psoriasis, i've got nothing so far"
    return owner, word if owner != "self" else ""


def _screen_chunk(
    engine: _Engine, text: str, offset: int, set_aside: set[str]
) -> tuple[list[_Found], bool, set[str]]:
    """Find and qualify candidates in one chunk.

    Returns the qualified findings, whether a planned diet is mentioned, and the signs
    mentioned as absent or over (negated or resolved); adds the signs it sets aside
    (negated, past, a general question, under care) to ``set_aside``.
    """
    doc = engine.nlp(text)
    for tok in doc:
        lower = tok.lower_
        fixed = engine.canon(lower) if tok.is_alpha else None
        if fixed is not None:
            tok.lemma_ = fixed
            tok._.set(_CANON_EXT, fixed)
        else:
            base = str(engine.lemma_table.get(lower, lower)) if tok.text != lower else tok.lemma_
            if base != tok.lemma_:
                tok.lemma_ = base
    # Only run the rules whose mandatory words all occur in the chunk: long benign
    # text then costs a set intersection per rule instead of a matcher pass.
    words = {t.lemma_ for t in doc} | {t.lower_ for t in doc}
    cands: list[_Candidate] = []
    for matcher, reqs in engine.rule_matchers:
        if not any(all(r is None or not r.isdisjoint(words) for r in req) for req in reqs):
            continue
        for match_id, start, end in matcher(doc):
            name, has_neg = engine.flag_ids[match_id]
            cands.append(_Candidate(_RULE_BY_NAME[name], start, end, has_neg))
    if not cands:
        return [], False, set()
    cands = _longest_per_rule(cands)
    cues: dict[str, list[tuple[int, int]]] = {}
    for match_id, start, end in engine.cue_matcher(doc):
        cues.setdefault(engine.cue_ids[match_id], []).append((start, end))
    for spans in cues.values():
        spans.sort()
    ctx = _DocContext(doc, cues, cands)
    events = _person_events(ctx)
    # Tokens already claimed by "after a fever" & co. are context, not acute signs.
    nutrient_tokens = {
        i for c in cands if c.rule.name == "after_illness" for i in range(c.start, c.end)
    }
    # A planned diet (dietitian, supplements, normal bloods) that is not negated.
    plan = ctx.present("PLAN", window=3)
    # Shedding reported (not "no shedding"), or hair said to be fine.
    hair_loss = ctx.present("HAIR_LOSS")
    hair_fine = ctx.present("HAIR_FINE") and not hair_loss
    # A professional already looks after it and nothing is new or worse: not a new
    # referral (a known low result stays deficiency context: docs/content-rules.md).
    managed = ctx.present("UNDER_CARE") and not ctx.present("WORSE")
    found: list[_Found] = []
    resolved: set[str] = set()
    for cand in cands:
        rule = cand.rule
        sid = ctx.sent_of[cand.start]
        s, e = ctx.sents[sid]
        sent_lemmas = {t.lemma_ for t in doc[s:e]}
        if rule.skip_sentence and sent_lemmas.intersection(rule.skip_sentence):
            continue
        if rule.needs_location and not sent_lemmas.intersection(_LOCATION):
            continue
        if rule.needs_words and not sent_lemmas.intersection(rule.needs_words):
            continue
        sign = SIGN_OF.get(rule.name, rule.name)
        if rule.needs_hair_loss and not hair_loss:
            continue
        if rule.not_before and cand.end < len(doc) and doc[cand.end].lemma_ in rule.not_before:
            continue
        if rule.kind == "nutrient" and hair_fine:
            continue
        if managed and rule.kind != "nutrient":
            set_aside.add(sign)
            continue
        if rule.name == "fever" and cand.start in nutrient_tokens:
            continue
        if ctx.negated_at(cand.start, cand.end, cand.neg_inside) or ctx.historic(cand):
            resolved.add(sign)  # "no fever any more", "the pus has gone"
            set_aside.add(sign)
            continue
        if ctx.hypothetical(cand) or (ctx.question[sid] and not ctx.personal_question(cand)):
            set_aside.add(sign)
            continue
        owner, person = _owner(ctx, cand, events)
        found.append(
            _Found(
                rule,
                offset + doc[cand.start].idx,
                offset + doc[cand.end - 1].idx + len(doc[cand.end - 1].text),
                owner,
                person,
            )
        )
    return found, plan, resolved


def _longest_per_rule(cands: list[_Candidate]) -> list[_Candidate]:
    """Keep the longest non-overlapping matches of each rule."""
    out: list[_Candidate] = []
    by_rule: dict[str, list[_Candidate]] = {}
    for cand in cands:
        by_rule.setdefault(cand.rule.name, []).append(cand)
    for group in by_rule.values():
        group.sort(key=lambda c: (-(c.end - c.start), c.start))
        taken: set[int] = set()
        for cand in group:
            if taken.isdisjoint(range(cand.start, cand.end)):
                out.append(cand)
                taken.update(range(cand.start, cand.end))
    out.sort(key=lambda c: (c.start, c.end))
    return out


#: Messages up to this length have their result cached (results are immutable).
CACHE_CHARS = 2000


def screen(text: str) -> ScreenResult:
    """Screen one user message for red flags and nutrient-deficiency context.

    Deterministic; results of short messages are cached (a conversation's earlier
    messages are read again when signs are combined across turns).

    Args:
        text: The raw user message (any length, any language, may contain
            emoji or markup).

    Returns:
        The qualified flags, the strongest referral level and the nutrient
        context. Empty or non-text input gives an empty result.
    """
    if isinstance(text, str) and len(text) <= CACHE_CHARS:
        return _screen_cached(text)
    return _screen(text)


@lru_cache(maxsize=8192)
def _screen_cached(text: str) -> ScreenResult:
    return _screen(text)


def _screen(text: str) -> ScreenResult:
    """:func:`screen` without the cache; builds the spaCy pipeline on first use."""
    if not isinstance(text, str) or not text.strip():
        return ScreenResult()
    engine = _engine()
    cleaned = _clean(text)
    found: list[_Found] = []
    resolved: set[str] = set()
    plan = False
    set_aside: set[str] = set()
    # A message in Spanish, French or German is read by its own small lexicon only
    # (:mod:`scalpcare.other_languages`): English rules would misread its words.
    english = detect_language(text) is None
    for offset, piece in _chunks(cleaned) if english else ():
        if piece.strip():
            chunk_found, chunk_plan, chunk_resolved = _screen_chunk(
                engine, piece, offset, set_aside
            )
            found.extend(chunk_found)
            resolved |= chunk_resolved
            plan = plan or chunk_plan
    return _assemble(text, found, plan, resolved, foreign_flags(text), set_aside)


def _assemble(
    text: str,
    found: list[_Found],
    plan: bool,
    resolved: set[str],
    foreign: list[ForeignFlag] | None = None,
    set_aside: set[str] | None = None,
) -> ScreenResult:
    """Combine qualified findings of all chunks (and other languages') into the result."""
    flags: list[RedFlag] = []
    # The first finding of each sign: (start, end, about, person).
    by_sign: dict[str, tuple[int, int, str, str]] = {}

    def add(name: str, level: Referral, where: tuple[int, int, str, str]) -> None:
        start, end, about, person = where
        flags.append(RedFlag(name, level, text[start:end], start, end, about, person))

    # A pet's skin and family history are nobody's referral here; everyone else's
    # current sign is referred, worded for them (docs/content-rules.md, "Referral levels").
    aside = set(set_aside or ())
    for item in found:
        rule = item.rule
        if item.owner in ("pet", "family", "stranger") or (
            rule.name == "vegan_or_vegetarian" and plan
        ):
            aside.add(SIGN_OF.get(rule.name, rule.name))
            continue
        where = (item.start_char, item.end_char, item.owner, item.person)
        by_sign.setdefault(SIGN_OF.get(rule.name, rule.name), where)
        if rule.kind != "component":
            add(rule.name, rule.level, where)
    for word in foreign or ():
        where = (word.start, word.end, "self", "")
        by_sign.setdefault(word.sign, where)
        if word.level is not Referral.NONE:
            add(f"{word.sign}_{word.lang}", word.level, where)
    # Combined urgent signs, message-wide (they may sit in different sentences).
    for name, needed in URGENT_COMBINATIONS:
        if needed <= by_sign.keys():
            add(name, Referral.URGENT, min((by_sign[sign] for sign in needed), key=lambda w: w[0]))
    # Merge duplicates from overlapping chunks: drop a flag contained in an
    # earlier, longer flag of the same condition (one sweep per condition).
    unique: list[RedFlag] = []
    reach: dict[str, int] = {}
    for flag in sorted(set(flags), key=lambda f: (f.start, -(f.end - f.start), f.condition)):
        if flag.end <= reach.get(flag.condition, -1):
            continue
        reach[flag.condition] = max(reach.get(flag.condition, -1), flag.end)
        unique.append(flag)
    nutrient = tuple(dict.fromkeys(f.condition for f in unique if f.condition in _NUTRIENT_RULES))
    # Compare by rank: contract.strongest() parses str(enum), which reads
    # "Referral.URGENT" on Python 3.10 and falls back to NONE.
    levels = [f.level for f in unique] + ([Referral.DOCTOR] if nutrient else [])
    level = max(levels, key=lambda r: r.rank, default=Referral.NONE)
    signs = tuple(sorted(by_sign))
    return ScreenResult(
        tuple(unique),
        level,
        bool(nutrient),
        nutrient,
        signs,
        tuple(sorted(resolved - by_sign.keys())),
        tuple(sorted(aside - by_sign.keys())),
    )


#: Key under which the NLU component (``addons.nlu.red_flags``) stores a message's
#: screening result in its parse data.
PARSE_PROPERTY = "triage"


def result_from_data(data: Mapping[str, Any]) -> ScreenResult:
    """Rebuild a screening result from its parse-data form (``addons.nlu.red_flags``)."""
    flags = tuple(
        RedFlag(
            f["condition"],
            Referral.parse(f["level"]),
            f["text"],
            f["start"],
            f["end"],
            str(f.get("about") or "self"),
            str(f.get("person") or ""),
        )
        for f in data.get("flags") or ()
    )
    return ScreenResult(
        flags,
        Referral.parse(data.get("level")),
        bool(data.get("nutrient_deficiency")),
        tuple(data.get("nutrient_signals") or ()),
        tuple(data.get("signs") or ()),
        tuple(data.get("resolved") or ()),
    )


def result_data(result: ScreenResult) -> dict[str, Any]:
    """A screening result as plain JSON-safe data (the inverse of :func:`result_from_data`)."""
    return {
        "level": result.level.value,
        "nutrient_deficiency": result.nutrient_deficiency,
        "nutrient_signals": list(result.nutrient_signals),
        "conditions": list(result.conditions),
        "signs": list(result.signs),
        "resolved": list(result.resolved),
        "flags": [
            {
                "condition": flag.condition,
                "level": flag.level.value,
                "text": flag.text,
                "start": flag.start,
                "end": flag.end,
                "about": flag.about,
                "person": flag.person,
            }
            for flag in result.flags
        ],
    }


def screen_parsed(parse_data: Mapping[str, Any] | None, text: str | None) -> ScreenResult:
    """A message's screening result: the NLU component's, or screen the text now.

    The text is screened here only when the parse has no result (a message
    that did not go through this model's NLU, e.g. an injected intent or a
    conversation test); a button payload (``/intent``) has nothing to screen.

    Args:
        parse_data: The message's parse data (may be ``None``).
        text: The message text.

    Returns:
        The screening result.
    """
    data = (parse_data or {}).get(PARSE_PROPERTY)
    if isinstance(data, Mapping):
        return result_from_data(data)
    if text and not text.startswith("/"):
        return screen(text)
    return ScreenResult()

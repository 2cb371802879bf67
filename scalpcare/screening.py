"""The learned side of red-flag screening, and screening across a conversation (pure).

The deterministic rules (:mod:`scalpcare.triage`) are precise and explainable, but people
describe signs in words no rule foresaw ("a bare smooth circle where hair used to be").
Beside them runs a small linear model trained on a corpus of real people's phrasing
(``data/screening/``; how it was built and measured: docs/screening.md).
Its features are the pretrained sentence encoder's vector, which the NLU pipeline has
already computed for the message, and hashed word and character n-grams with a negation
scope ("no fever" is not "fever"). It has:

- three *level heads*, each a logistic regression: P(the message needs at least a
  doctor), P(at least a dermatologist), P(urgent care);
- one *sign head* per sign of the corpus's vocabulary with enough examples (fever, pus,
  swelling, bald patches...), used to combine signs across turns;
- a *status head* (``current``): trained only on messages that talk about a sign, it
  tells a current problem from a negated, past, general, already-treated or someone
  else's one ("had bald patches years ago, they filled in"). The heads above add up
  words and cannot say "a sign AND it is current"; the model's level and signs count only
  when this head says the message is current;
- an *everyday head* (``everyday``): trained only on messages about flakes, itch or a
  dry scalp, it tells everyday dandruff ("flakes on my shirts and it itches like mad")
  from a dermatologist's matter told in the same words. The level heads see "flaky" and
  "itchy" in psoriasis and seborrheic dermatitis too and add them up; on a flaking
  message with none of the dermatologist's signs (:func:`everyday_flaking`) this head,
  above its threshold, keeps the model's doctor and dermatologist calls from firing.

A level head fires above its threshold (chosen on a precision/recall curve measured by
cross-validation on the training side, recall first: ``scripts/screening_eval.py``), and
the level used is the higher of the rules' and the model's: the model can only add
referrals, never take one away.

Across a conversation (:func:`conversation_state`), each message's current signs join
those of earlier messages and a message that says a sign is gone removes it, so "pus"
two messages ago and "a fever since last night" now make an urgent combination.

No Rasa imports. Training needs scikit-learn (:func:`train`); prediction is NumPy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from scalpcare.contract import Referral
from scalpcare.text_model import (
    LinearHeads,
    feature_matrix,
    fit_head,
    hashed_features,
)
from scalpcare.triage import RedFlag, ScreenResult, urgent_combinations

__all__ = [
    "EVERYDAY_HEAD",
    "LEVEL_HEADS",
    "READING_HEADS",
    "ConversationState",
    "ScreeningModel",
    "combine",
    "combine_reading",
    "conversation_state",
    "describes_symptom",
    "everyday_flaking",
    "flaking_words",
    "hashed_features",
    "symptom_words",
    "train",
]

#: The level heads, weakest first: P(level >= head).
LEVEL_HEADS = ("doctor", "dermatologist", "urgent")
#: Signs that can make a message urgent on their own (docs/content-rules.md, "Referral
#: levels"); a fever is urgent only together with another sign
#: (:data:`scalpcare.triage.URGENT_COMBINATIONS`).
URGENT_SIGNS = frozenset(
    (
        "allergic",
        "head_injury",
        "chemical_burn",
        "severe_pain",
        "bleeding",
        "blisters",
        "spreading",
    )
)
#: A sign head at least this probable supports the model's urgent call. Out of fold on
#: the training side, 0.15 reaches 539 of 567 urgent items where 0.3 reached 531, for 32
#: more dermatologist-level items called urgent (docs/screening.md); recall comes first.
URGENT_SUPPORT = 0.15
#: Urgent signs whose urgency the rules read from their wording ("bleeding that will not
#: stop" against "bleeds when I brush"): when the rules found one below urgent it does not
#: support the model's urgent call. Out of fold on the training side (docs/screening.md)
#: that keeps 12 dermatologist-level items from being called urgent and loses no urgent
#: item; blisters were tried too and lost a henna reaction.
SEVERITY_READ = frozenset(("bleeding",))
#: The status head: P(the message describes a current problem | it talks about a sign).
STATUS_HEAD = "current"
#: The everyday head: P(ordinary dandruff, dryness or itch | the message is about flakes,
#: itch or a dry scalp); read only on :func:`everyday_flaking` messages.
EVERYDAY_HEAD = "everyday"
#: Heads that are neither a level nor a sign.
READING_HEADS = frozenset((STATUS_HEAD, EVERYDAY_HEAD))

#: The everyday head's family: messages about flakes, itch or a dry scalp.
_FLAKING = re.compile(
    r"\b(?:flak\w*|dandruff|itch\w*|dry|dryness|scaly|scales?|powder\w*)\b", re.IGNORECASE
)
#: What DESIGN.md's referral rules and the corpus guide put beyond everyday dandruff:
#: thick, silvery, yellow or crusting scale, plaques; raw, bleeding, sore or weeping
#: skin; redness, a rash, burning, pain, swelling; patches, shedding or hair loss; scale
#: beyond the hairline; months or years of it; a named condition; a baby's scalp; and the
#: doctor's context (a low result, a diet, a birth, an illness, tiredness). One of them,
#: not negated, keeps the model's reading whatever the everyday head says (common typos
#: included: "yelow", "rednes").
_SEVERE = re.compile(
    r"\b(?:thi(?:c?k)\w*|silv\w*|plaques?|crus\w*|scabs?|bl(?:ee|e)d\w*|blood\w*|raw|sores?"
    r"|pus|ooz\w*|weep\w*|chunks?|patch\w*|bald\w*|rash\w*|red|red+nes+|reddish|spread\w*"
    r"|swell\w*|swollen|pain\w*|burn\w*|hurt\w*|sting\w*|yel+ow\w*|clumps?|months|years"
    r"|ages|forever|forehead|eyebrows?|ears?|face|neck|nose|hair ?loss|fall\w* out|shed\w*"
    r"|thin+(?:ing|er)|losing|psoria\w*|eczema|dermatitis|seb\w*|fung\w*|ringworm|tinea"
    r"|cradle|bab(?:y|ies)|infant|newborn|toddler|vitamin\w*|iron|ferritin|anaemi\w*|anemi\w*"
    r"|diet\w*|vegan|vegetarian|thyroid|periods?|pregnan\w*|postpartum|birth|weight|tired"
    r"|exhausted|ill|illness|covid|flu|surgery|fever\w*)\b",
    re.IGNORECASE,
)
#: ... and shampoos that do not help: a sign told with its own negation.
_NOT_HELPED = re.compile(
    r"\b(?:not|nothing|never|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t|won'?t|n't)\s+(?:\w+\s+)?"
    r"(?:help|work|touch|chang|clear|shift|budg|improv|go(?:ing|ne)? away|stop)\w*"
    r"|\btried (?:everything|every\w*|all)\b",
    re.IGNORECASE,
)
_NEGATION = frozenset(
    {"no", "not", "never", "without", "nothing", "none", "nor", "isnt", "isn't", "arent"}
    | {"aren't", "dont", "don't", "doesnt", "doesn't"}
)


def flaking_words(text: str) -> bool:
    """Does the message talk about flakes, itch or a dry scalp (the everyday head's family)?"""
    return bool(_FLAKING.search(text or ""))


def everyday_flaking(text: str) -> bool:
    """Is the message about flakes, itch or a dry scalp, with no dermatologist's sign?

    A sign said to be absent ("scalp not red at all", "no bleeding") does not count.

    Args:
        text: The message.

    Returns:
        True when the everyday head may read it.
    """
    if not flaking_words(text) or _NOT_HELPED.search(text):
        return False
    for match in _SEVERE.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()].lower().split()[-2:]
        if not _NEGATION.intersection(before):
            return False
    return True


@dataclass
class ScreeningModel(LinearHeads):
    """The trained heads (the ``LEVEL_HEADS`` first, then signs) and their thresholds."""

    def is_current(self, probs: Mapping[str, float]) -> bool:
        """Does the status head take the message as a current problem (True without one)?"""
        return probs.get(STATUS_HEAD, 1.0) >= self.thresholds.get(STATUS_HEAD, 0.0)

    def probabilities(self, text: str, vector: np.ndarray | None) -> dict[str, float]:
        """Each head's probability; the everyday head's is 0 off its family.

        The everyday head reads only messages about flakes, itch or a dry scalp with no
        dermatologist's sign (:func:`everyday_flaking`).
        """
        probs = super().probabilities(text, vector)
        if EVERYDAY_HEAD in probs and not everyday_flaking(text):
            probs[EVERYDAY_HEAD] = 0.0
        return probs

    def is_everyday(self, probs: Mapping[str, float]) -> bool:
        """Does the everyday head take the message as ordinary dandruff, dryness or itch?"""
        return probs.get(EVERYDAY_HEAD, 0.0) >= self.thresholds.get(EVERYDAY_HEAD, 0.5)

    def level(self, probs: Mapping[str, float]) -> Referral:
        """The strongest level whose head fires, on a message the status head calls current.

        On everyday dandruff (:meth:`is_everyday`) only the urgent head may fire.
        """
        if not self.is_current(probs):
            return Referral.NONE
        heads = ("urgent",) if self.is_everyday(probs) else reversed(LEVEL_HEADS)
        for head in heads:
            if probs.get(head, 0.0) >= self.thresholds.get(head, 0.5):
                return Referral(head)
        return Referral.NONE

    def level_below_urgent(self, probs: Mapping[str, float]) -> Referral:
        """The level the other heads give: for an urgent call without an urgent sign."""
        return self.level({**probs, "urgent": 0.0})

    def signs(self, probs: Mapping[str, float]) -> tuple[str, ...]:
        """The sign heads that fire, on a message the status head calls current."""
        if not self.is_current(probs):
            return ()
        return tuple(
            sorted(
                head
                for head in self.heads
                if head not in LEVEL_HEADS
                and head not in READING_HEADS
                and probs[head] >= self.thresholds.get(head, 0.5)
            )
        )


@dataclass(frozen=True)
class Example:
    """One training message: its text, sentence vector, level and signs.

    ``signs`` is None when the signs are unknown (a conversation turn labelled with a
    level only): then the example trains the level heads only. ``current`` trains the
    status head: True for a current problem, False for a sign that is negated, past, a
    general question, under care or someone else's, None otherwise (benign messages,
    conversation turns, the table). ``everyday`` trains the everyday head: True for
    everyday dandruff, dryness or itch, False for a red flag told in those words
    (:func:`flaking_words`), None otherwise.
    """

    text: str
    vector: np.ndarray
    level: Referral
    signs: frozenset[str] | None
    weight: float = 1.0
    current: bool | None = None
    everyday: bool | None = None


def design_matrix(examples: Sequence[Example]) -> Any:
    """The examples' features as one sparse [examples, columns] matrix."""
    return feature_matrix([e.text for e in examples], [e.vector for e in examples])


def head_targets(
    examples: Sequence[Example], min_positives: int = 15
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each head's (row mask, 0/1 target); sign heads need ``min_positives`` examples."""
    targets: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    everyone = np.ones(len(examples), dtype=bool)
    for head in LEVEL_HEADS:
        rank = Referral(head).rank
        targets[head] = (everyone, np.array([e.level.rank >= rank for e in examples]))
    known = np.array([e.signs is not None for e in examples])
    names = sorted({s for e in examples for s in (e.signs or ())})
    for sign in names:
        y = np.array([sign in (e.signs or ()) for e in examples])
        if int(y[known].sum()) >= min_positives:
            targets[sign] = (known, y)
    status = np.array([e.current is not None for e in examples])
    if status.any():
        targets[STATUS_HEAD] = (status, np.array([bool(e.current) for e in examples]))
    family = np.array([e.everyday is not None for e in examples])
    if family.any():
        targets[EVERYDAY_HEAD] = (family, np.array([bool(e.everyday) for e in examples]))
    return targets


def train(
    examples: Sequence[Example],
    c: float = 4.0,
    thresholds: Mapping[str, float] | None = None,
    min_positives: int = 15,
    status_c: float | None = None,
) -> ScreeningModel:
    """Fit every head (L2 logistic regression, classes balanced).

    Args:
        examples: The training messages.
        c: Inverse regularisation strength.
        status_c: The status head's own (default ``c``).
        thresholds: Head thresholds to keep with the model (default 0.5 each).
        min_positives: A sign head needs at least this many positive examples.

    Returns:
        The trained model.
    """
    matrix = design_matrix(examples)
    weights_of_rows = np.array([e.weight for e in examples])
    targets = head_targets(examples, min_positives)
    heads = list(targets)
    weights = np.zeros((matrix.shape[1], len(heads)), dtype=np.float32)
    bias = np.zeros(len(heads), dtype=np.float32)

    def fit(head: str) -> tuple[np.ndarray, float]:
        mask, y = targets[head]
        strength = status_c if head == STATUS_HEAD and status_c is not None else c
        return fit_head(matrix[mask], y[mask], strength, weights_of_rows[mask])

    # The heads are independent; two threads fit them in 11 s instead of 14 here
    # (liblinear lets go of the GIL for part of each fit), with the same weights.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for j, (head_weights, head_bias) in enumerate(pool.map(fit, heads)):
            weights[:, j], bias[j] = head_weights, head_bias
    return ScreeningModel(heads, weights, bias, dict(thresholds or {}))


# --------------------------------------------------------------------------
# One message: the rules and the model together
# --------------------------------------------------------------------------
def combine(
    rules: ScreenResult,
    model_level: Referral,
    model_signs: Iterable[str] = (),
    probabilities: Mapping[str, float] | None = None,
    unsupported: Referral = Referral.DERMATOLOGIST,
) -> ScreenResult:
    """The message's result: the rules' findings, raised to the model's level.

    When the model finds a stronger level than the rules, a finding without quoted words
    (``text`` empty) stands for it, named after the model's strongest sign when it has
    one. The model's signs join the rules' (for combining across turns), and the
    combinations they make within the message count here already.

    Args:
        rules: What the rules found.
        model_level: The model's level.
        model_signs: The model's signs.
        probabilities: The model's probabilities (its sign heads support an urgent call).
        unsupported: The model's level when its urgent call has no urgent sign: what its
            other heads say (:meth:`ScreeningModel.level_below_urgent`).

    Returns:
        The combined result (the rules' result unchanged when the model adds nothing).
    """
    # The rules know negation and the past better: a sign they read as absent, over or
    # set aside ("the fever is gone now") is not brought back by the model.
    model_signs = set(model_signs) - set(rules.resolved) - set(rules.set_aside)
    signs = set(rules.signs) | model_signs
    flags = list(rules.flags)
    level = rules.level
    support = {s for s, p in (probabilities or {}).items() if p >= URGENT_SUPPORT}
    support -= set(rules.resolved) | set(rules.set_aside)
    # Bleeding the rules read and judged below urgent ("bleeds when she brushes", not
    # bleeding that will not stop) supports no urgent call of the model's.
    judged = (
        {f.condition for f in rules.flags if f.level is not Referral.URGENT} & SEVERITY_READ
        if rules.level is not Referral.URGENT
        else set()
    )
    support -= judged
    signs_for_urgent = signs - judged
    if model_level is Referral.URGENT and not (signs_for_urgent | support) & URGENT_SIGNS:
        # An urgent call needs an urgent sign (a fever, a reaction, a head injury...):
        # without one the model's other heads decide. Out of fold on the training side
        # that refers 6 fewer doctor-level items to a dermatologist than taking it as a
        # dermatologist's matter, at the same recall and false referrals.
        model_level = unsupported
    for name in urgent_combinations(frozenset(signs)):
        if name not in rules.conditions:
            flags.append(RedFlag(name, Referral.URGENT, "", 0, 0))
            level = Referral.URGENT
    if model_level.rank > level.rank:
        named = sorted(model_signs - {"fever"}) or sorted(model_signs) or ["described_sign"]
        flags.append(RedFlag(named[0], model_level, "", 0, 0))
        level = model_level
    # The model's deficiency sign is nutrient context only when it is the doctor-level
    # finding (not a bald patch it has seen with diets).
    nutrient = rules.nutrient_deficiency or (
        "deficiency" in signs and model_level is Referral.DOCTOR and level is Referral.DOCTOR
    )
    if signs == set(rules.signs) and level is rules.level and nutrient == rules.nutrient_deficiency:
        return rules
    return ScreenResult(
        tuple(flags),
        level,
        nutrient,
        rules.nutrient_signals or (("deficiency_context",) if nutrient else ()),
        tuple(sorted(signs)),
        rules.resolved,
        rules.set_aside,
    )


def combine_reading(
    rules: ScreenResult, model: ScreeningModel, probabilities: Mapping[str, float]
) -> ScreenResult:
    """:func:`combine` with the model's own reading of its probabilities for the message."""
    return combine(
        rules,
        model.level(probabilities),
        model.signs(probabilities),
        probabilities,
        model.level_below_urgent(probabilities),
    )


# --------------------------------------------------------------------------
# Across the conversation
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class ConversationState:
    """What the conversation's messages say together.

    Attributes:
        signs: Signs that are current after the latest message.
        combinations: Urgent combinations those signs make that no single message made.
        level: The level the conversation needs (each message's own level, and urgent
            for a combination).
    """

    signs: frozenset[str]
    combinations: tuple[str, ...]
    level: Referral


def conversation_state(results: Sequence[ScreenResult]) -> ConversationState:
    """Combine each message's screening, oldest first.

    A message's signs join the current ones; a sign it says is absent or gone ("the
    fever is gone now") leaves them; a later mention brings it back.

    Args:
        results: The screening result of every user message, oldest first.

    Returns:
        The combined state.
    """
    current: set[str] = set()
    level = Referral.NONE
    own: set[str] = set()
    for result in results:
        current -= set(result.resolved)
        current |= set(result.signs)
        own |= set(result.conditions)
        if result.level.rank > level.rank:
            level = result.level
    combos = tuple(c for c in urgent_combinations(frozenset(current)) if c not in own)
    if combos:
        level = Referral.URGENT
    return ConversationState(frozenset(current), combos, level)


# --------------------------------------------------------------------------
# The safety net: a body symptom in a message nothing else understood
# --------------------------------------------------------------------------
#: Words for a body symptom (English, Spanish, French, German). A message with one of
#: them that matches no intent gets the safety net, never the fallback's buttons alone.
_SYMPTOM = re.compile(
    r"\b(?:pain\w*|hurt\w*|ache[sd]?|aching|achy|sore\w*|tender\w*|burn\w*|sting\w*"
    r"|bleed\w*|bled|blood\w*|lump\w*|bump\w*|swell\w*|swollen|fever\w*|temperature"
    r"|pus|ooz\w*|weep\w*|rash\w*|blister\w*|numb(?:ness|ed|ing)?\b|tingl\w*|throb\w*|dizz\w*"
    r"|headache\w*|migraine\w*|wound\w*|scab\w*|crust\w*|inflam\w*|infect\w*|vomit\w*"
    r"|faint\w*|itch\w*|scaly|flak\w*|bald\w*|clumps?|patch\w*"
    r"|dolor\w*|duele|sangr\w*|fiebre|hinchad\w*|douleur\w*|saign\w*|fievre|fièvre"
    r"|gonfl\w*|schmerz\w*|blut\w*|fieber|geschwollen\w*|eiter)\b",
    re.IGNORECASE,
)
#: The learned model's P(at least a doctor) above which a message counts as a symptom.
SYMPTOM_PROBABILITY = 0.25


def describes_symptom(text: str, triage_data: Mapping[str, object] | None = None) -> bool:
    """Does the message describe a body symptom?

    Args:
        text: The message.
        triage_data: The screener's parse data for it (its model's probabilities count).

    Returns:
        True for a symptom word or a model that leans towards a referral.
    """
    if _SYMPTOM.search(text or ""):
        return True
    model = (triage_data or {}).get("model")
    probabilities = model.get("probabilities") if isinstance(model, Mapping) else None
    if isinstance(probabilities, Mapping):
        return float(probabilities.get("doctor", 0.0)) >= SYMPTOM_PROBABILITY
    return False


def symptom_words(text: str) -> list[str]:
    """The symptom words of a message, in order, without repeats (lower case)."""
    return list(dict.fromkeys(m.group(0).lower() for m in _SYMPTOM.finditer(text or "")))

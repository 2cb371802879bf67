"""Read a consultation answer: concerns, scalp type and sensitivity from free text.

Pure Python with plain regular expressions (no Rasa, no spaCy), so it is fast,
testable as tables and safe to run on every message. ``parse`` turns one
message into ``ScalpFacts``; ``merge`` (scalpcare/scalp_facts.py) folds a new message
into what the user said before, so corrections ("sorry, I meant dry not oily") take effect.

Design decisions (the tests in ``tests/unit/test_consultation_parsing.py`` pin
each one):

* **Concerns** are what the user *reports*, in the contract's vocabulary
  (``contract.CONCERN_VALUES``). Negated mentions ("no flakes", "not itchy at
  all", "dandruff? never", "itch-free", "used to have dandruff", "more dry than
  oily") are not concerns; they are returned in ``negated_concerns`` so a later
  ``merge`` can remove them. A negation reaches to the end of its clause (at
  most 60 characters): "no dandruff but very oily" denies only flaking, "no
  flakes, itch or redness" denies both. "Nothing helps my dandruff", "doesn't
  stop itching", "not sure" and "can't go a day without it getting greasy" are
  not denials. When a message mentions a concern several times, the last
  mention decides.
* **Products are not concerns.** "Dry shampoo every day" fills
  ``buildup_products`` (via ``habits.parse_products``), not the ``buildup``
  concern: the routine already treats buildup-prone products as buildup
  (``routine._has_buildup``), and the ``concerns`` slot must only hold what the
  user describes (buildup, residue, gunk, a waxy film...). The same words never
  count as a wash frequency either: "dry shampoo every day" is not a daily wash.
* **Scalp vs hair.** Dry *ends, lengths or tips* are hair, not scalp: "greasy
  roots, dry ends" is an oily scalp with the ``oiliness`` concern only. "Dry
  hair" still counts as ``dryness`` (people often mean the scalp) but not as a
  dry scalp type.
* **Scalp type** is only set when the user says what the *scalp* is like: the
  adjective is attached to the scalp, roots, skin or an area of the scalp
  ("roots greasy by evening", "my scalp is dry"), the whole message is a type
  answer ("oily", "very dry", "normal I think", "combo"), or the message is a
  correction ("I meant dry not oily"). "My hair gets greasy" or "oily af" in a
  longer sentence is the ``oiliness`` concern without a type. Oily and dry
  areas of the scalp in one message ("oily at the front, dry at the back",
  "both oily and dry") or the words "combination"/"combo" give
  ``combination``; "nothing special", "neither oily nor dry" give ``normal``.
* **Tightness.** "My scalp feels tight" is ``dryness`` (docs/content-rules.md groups
  dryness/tightness); tight shoulders, neck or jaw, "tense", headaches are
  ``tension``; a tight ponytail or braids is neither.
* **Irritation** is ``itch`` (docs/content-rules.md: itch/irritation), except when it
  describes a tendency ("easily irritated", "irritated by new products"): that
  is a sensitive scalp. Stinging, burning, reactions and allergies also mean a
  sensitive scalp (not a concern).
* **Hedges** ("not sure if it's sensitive", "no idea if it's oily or dry")
  leave sensitivity and scalp type unknown; symptoms in the same sentence
  ("not sure if it's dandruff") are still reported.
* **Answers without a subject.** A bare "yes"/"no" says nothing on its own.
  Pass ``expecting=contract.SENSITIVE_SCALP`` (the slot the bot just asked
  for) to read it as an answer; ``expecting=contract.SCALP_TYPE`` reads "both"
  as combination and "neither" as normal.
* **Never crashes, linear time.** Any input (``None``, non-strings, HTML,
  emoji, 100 KB) is accepted. Negation scopes are found with one pass and a
  binary search, every look-around window is bounded, and the routine parsers
  are fed bounded sentence chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scalpcare.consultation_text import (
    _PLACE_BODY,
    _PLACE_HAIR,
    _PLACE_LENGTHS,
    _PLACE_SCALP,
    _PLACE_STYLE,
    TextContext,
    normalise,
)
from scalpcare.consultation_words import (
    _AFFIRM,
    _BARE_FILLERS,
    _BARE_TYPE_WORDS,
    _BOTH,
    _CHUNK,
    _CLAUSE,
    _COMBINATION,
    _COMPILED_RULES,
    _CORRECTION,
    _DENY,
    _DRY,
    _IRRITATION,
    _IRRITATION_TENDENCY_AFTER,
    _IRRITATION_TENDENCY_BEFORE,
    _NEITHER,
    _NORMAL_PHRASE,
    _NORMAL_WORD,
    _OILY,
    _PRODUCT_WORDS,
    _SENSITIVE_FALSE,
    _SENSITIVE_TRUE,
    _SENTENCE,
    _TIGHT,
    _TOUGH,
    _WASH_CLAUSE_BREAK,
    _WASH_WORDS,
    _WORD,
)
from scalpcare.contract import (
    SCALP_TYPE,
    SENSITIVE_SCALP,
)
from scalpcare.habits import parse_goal, parse_products, parse_wash_frequency
from scalpcare.scalp_facts import TYPE_DENIED_BY, ScalpFacts, merge

__all__ = ["ScalpFacts", "merge", "parse"]

# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def parse(text: object, expecting: str | None = None) -> ScalpFacts:
    """Read what one consultation message says about the scalp.

    Args:
        text: The user's message. Anything is accepted (``None``, non-strings,
            HTML, emoji, very long text); nothing understood gives empty facts.
        expecting: The slot the assistant just asked for, if any
            (``contract.SENSITIVE_SCALP`` or ``contract.SCALP_TYPE``), so a
            short answer such as "yes", "nope" or "both" can be read.

    Returns:
        The facts found; fields the message does not mention stay empty/``None``.
    """
    norm = normalise(text)
    if not norm:
        return ScalpFacts()
    ctx = TextContext(norm)
    correction = bool(_CORRECTION.search(norm))

    scan = _scan(norm, ctx, correction)
    concerns, negated_concerns = _resolve_concerns(scan.mentions, correction)
    scalp_type = _scalp_type(norm, ctx, scan.type_evidence, correction)
    if scalp_type in TYPE_DENIED_BY and TYPE_DENIED_BY[scalp_type] in negated_concerns:
        scalp_type = None  # "dry scalp? no"
    sensitive = _sensitivity(norm, ctx, scan.sensitive_hits)

    if expecting == SENSITIVE_SCALP and sensitive is None:
        sensitive = _yes_no(norm)
    if expecting == SCALP_TYPE and scalp_type is None:
        if _BOTH.match(norm):
            scalp_type = "combination"
        elif _NEITHER.match(norm):
            scalp_type = "normal"
        else:
            # Asked how the scalp feels by day two, "kinda greasy by the second day" or
            # "like an oil slick" is the answer: the type its concern words name.
            scalp_type = _type_from_concerns(concerns)

    wash, products, goal = _delegate(norm)
    return ScalpFacts(
        concerns=concerns,
        negated_concerns=negated_concerns,
        scalp_type=scalp_type,
        sensitive=sensitive,
        wash_frequency=wash,
        buildup_products=products,
        goal=goal,
        correction=correction,
    )


@dataclass
class _Scan:
    """Mentions found in one message, each with its position."""

    mentions: list[tuple[int, str, bool]] = field(default_factory=list)  # concern, negated
    type_evidence: list[tuple[int, str]] = field(default_factory=list)  # scalp type
    sensitive_hits: list[tuple[int, bool]] = field(default_factory=list)


def _scan(text: str, ctx: TextContext, correction: bool) -> _Scan:
    """Run every concern rule once and sort each mention into what it tells."""
    scan = _Scan()
    for concern, kind, pattern in _COMPILED_RULES:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            negated = ctx.negated(start, end)
            found = concern
            if kind == _IRRITATION and _irritation_is_tendency(text, start, end):
                scan.sensitive_hits.append((start, not negated))
                continue
            if kind in (_OILY, _DRY, _TIGHT):
                place = ctx.place(start, end)
                if kind == _TIGHT:
                    if place in (_PLACE_STYLE, _PLACE_LENGTHS, _PLACE_HAIR):
                        continue  # a tight ponytail is neither dryness nor tension
                    found = "tension" if place == _PLACE_BODY else "dryness"
                elif kind == _DRY and place == _PLACE_LENGTHS:
                    continue  # dry ends are hair, not scalp
                elif ctx.hedged(start):
                    if not negated:
                        continue  # "not sure if it's oily or dry" reports neither
                elif not negated and (place == _PLACE_SCALP or (place is None and correction)):
                    scan.type_evidence.append((start, "oily" if kind == _OILY else "dry"))
            scan.mentions.append((start, found, negated))
    return scan


def _irritation_is_tendency(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 10) : start]
    return bool(
        _IRRITATION_TENDENCY_BEFORE.search(before) or _IRRITATION_TENDENCY_AFTER.match(text, end)
    )


def _resolve_concerns(
    mentions: list[tuple[int, str, bool]], correction: bool
) -> tuple[frozenset[str], frozenset[str]]:
    """Decide, per concern, whether the message reports or denies it.

    A concern mentioned both ways in one message is reported: "flaky, but not
    dandruff" and "just dry flakes, no dandruff" describe flakes the user does not
    call dandruff. In a correction ("flakes - wait, no flakes") the last mention
    decides.
    """
    last: dict[str, tuple[int, bool]] = {}
    for pos, concern, negated in mentions:
        if concern not in last or pos >= last[concern][0]:
            last[concern] = (pos, negated)
    if not correction:
        affirmed = {concern for _, concern, negated in mentions if not negated}
        last = {c: (pos, neg and c not in affirmed) for c, (pos, neg) in last.items()}
    reported = frozenset(c for c, (_, neg) in last.items() if not neg)
    denied = frozenset(c for c, (_, neg) in last.items() if neg)
    return reported, denied


def _scalp_type(
    text: str, ctx: TextContext, evidence: list[tuple[int, str]], correction: bool
) -> str | None:
    for m in _COMBINATION.finditer(text):
        if not ctx.negated(m.start(), m.end()) and not ctx.hedged(m.start()):
            return "combination"
    bare = _bare_type(text)
    if bare is not None:
        return bare
    for m in _NORMAL_PHRASE.finditer(text):
        evidence.append((m.start(), "normal"))
    for m in _NORMAL_WORD.finditer(text):
        if ctx.negated(m.start(), m.end()) or ctx.hedged(m.start()):
            continue
        place = ctx.place(m.start(), m.end())
        if place == _PLACE_SCALP or (place is None and correction):
            evidence.append((m.start(), "normal"))
    kinds = {t for _, t in evidence}
    if {"oily", "dry"} <= kinds:
        return "combination"
    return max(evidence)[1] if evidence else None


def _type_from_concerns(concerns: frozenset[str]) -> str | None:
    """The scalp type an answer's concerns name: oiliness, dryness, or both."""
    oily, dry = "oiliness" in concerns, "dryness" in concerns
    if oily and dry:
        return "combination"
    return "oily" if oily else "dry" if dry else None


def _bare_type(text: str) -> str | None:
    """The type when a whole sentence is a type answer ("oily af", "Dry. Very dry.")."""
    types: set[str] = set()
    for sentence in _SENTENCE.finditer(text):
        found = _bare_sentence_type(sentence.group())
        if found is not None:
            types.add(found)
    if "combination" in types or {"oily", "dry"} <= types:
        return "combination"
    return types.pop() if len(types) == 1 else None


def _bare_sentence_type(text: str) -> str | None:
    if len(text) > 80:
        return None
    types = set()
    for word in _WORD.findall(text):
        if word in _BARE_FILLERS or word in {"and", "but", "with", "both"}:
            continue
        if word not in _BARE_TYPE_WORDS:
            return None
        types.add(_BARE_TYPE_WORDS[word])
    if not types:
        return None
    if "combination" in types or {"oily", "dry"} <= types:
        return "combination"
    if len(types) > 1:
        return None  # "normal and oily": ask again rather than guess
    return types.pop()


def _sensitivity(text: str, ctx: TextContext, hits: list[tuple[int, bool]]) -> bool | None:
    """The last clear statement about sensitivity wins; hedged ones are ignored."""
    for m in _SENSITIVE_TRUE.finditer(text):
        if not ctx.hedged(m.start()):
            hits.append((m.start(), not ctx.negated(m.start(), m.end())))
    for m in _SENSITIVE_FALSE.finditer(text):
        hits.append((m.start(), False))
    for m in _TOUGH.finditer(text):
        if ctx.place(m.start(), m.end()) == _PLACE_SCALP and not ctx.negated(m.start(), m.end()):
            hits.append((m.start(), False))
    hits = [(pos, value) for pos, value in hits if not ctx.hedged(pos)]
    return max(hits)[1] if hits else None


def _yes_no(text: str) -> bool | None:
    """A short yes/no answer to a direct question, else ``None``."""
    if len(text) > 40:
        return None
    if _DENY.match(text):
        return False
    if _AFFIRM.match(text):
        return True
    return None


def _chunks(text: str) -> list[str]:
    """Clauses of at most ``_CHUNK`` characters, split at spaces when longer."""
    chunks: list[str] = []
    for sentence in _CLAUSE.finditer(text):
        piece = sentence.group().strip()
        while len(piece) > _CHUNK:
            cut = piece.rfind(" ", 0, _CHUNK)
            cut = cut if cut > 0 else _CHUNK
            chunks.append(piece[:cut])
            piece = piece[cut:].strip()
        if piece:
            chunks.append(piece)
    return chunks


def _without_product_clauses(chunk: str) -> str:
    """Drop clauses about a product and not about washing ("dry shampoo daily")."""
    kept, start = [], 0
    for m in [*_WASH_CLAUSE_BREAK.finditer(chunk), None]:
        end = m.start() if m else len(chunk)
        clause = chunk[start:end]
        if not (_PRODUCT_WORDS.search(clause) and not _WASH_WORDS.search(clause)):
            kept.append(clause)
        start = m.end() if m else len(chunk)
    return ", ".join(c.strip() for c in kept if c.strip())


def _delegate(text: str) -> tuple[str | None, frozenset[str], str | None]:
    """Wash frequency, products and goal from routine's parsers, chunk by chunk.

    Routine's parsers are quadratic on pathological input, so they only ever
    see bounded chunks. Results combine as the parsers would on the whole
    text: the last wash frequency, all products, the first goal.
    """
    wash: str | None = None
    products: set[str] = set()
    goal: str | None = None
    seen: set[str] = set()
    for chunk in _chunks(text):
        if chunk in seen:
            continue  # a repeated clause adds nothing (the last wash is the same)
        seen.add(chunk)
        wash = parse_wash_frequency(_without_product_clauses(chunk)) or wash
        products |= parse_products(chunk)
        if goal is None:
            goal = parse_goal(chunk)
    return wash, frozenset(products), goal

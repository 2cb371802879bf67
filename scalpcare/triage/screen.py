"""Screening a message: find the rules' matches, qualify them and assemble the result."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from scalpcare.contract import Referral
from scalpcare.other_languages import ForeignFlag, detect_language, foreign_flags
from scalpcare.triage.cues import _LOCATION
from scalpcare.triage.engine import _CANON_EXT, _chunks, _clean, _Engine, _engine
from scalpcare.triage.qualify import _Candidate, _DocContext, _Found, _owner, _person_events
from scalpcare.triage.results import RedFlag, ScreenResult
from scalpcare.triage.rules import _NUTRIENT_RULES, _RULE_BY_NAME
from scalpcare.triage.signs import SIGN_OF, URGENT_COMBINATIONS


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
    # A doctor's tests came back normal, the shedding is settling and nothing is worse:
    # nutrient context the doctor has already checked (a known low result still counts).
    checked = (
        ctx.present("NORMAL_RESULTS") and ctx.present("IMPROVING") and not ctx.present("WORSE")
    )
    baby = bool(cues.get("BABY"))
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
        # The words a rule needs count only when they are not negated ("not red").
        if rule.needs_words and not _live_lemmas(ctx, s, e).intersection(rule.needs_words):
            continue
        # On a baby's scalp, a description of cradle cap that the writer says is mild (its
        # signs of trouble named only to deny them: "not itchy, not red") is not referred.
        if rule.in_babies and baby:
            trouble = set(_RULE_BY_NAME[rule.in_babies].needs_words)
            if sent_lemmas & trouble and not _live_lemmas(ctx, s, e) & trouble:
                continue
        sign = SIGN_OF.get(rule.name, rule.name)
        if rule.needs_hair_loss and not hair_loss:
            continue
        if rule.not_before and cand.end < len(doc) and doc[cand.end].lemma_ in rule.not_before:
            continue
        if rule.not_after and cand.start > 0 and doc[cand.start - 1].lemma_ in rule.not_after:
            continue
        if rule.kind == "nutrient" and hair_fine:
            continue
        if managed and rule.kind != "nutrient":
            set_aside.add(sign)
            continue
        if (checked and rule.kind == "nutrient" and rule.name != "low_lab_result") or (
            rule.unless_controlled and _controlled(ctx, sid)
        ):
            set_aside.add(sign)
            continue
        if rule.name == "fever" and cand.start in nutrient_tokens:
            continue
        if ctx.negated_at(cand.start, cand.end, cand.neg_inside) or ctx.historic(cand):
            resolved.add(sign)  # "no fever any more", "the pus has gone"
            set_aside.add(sign)
            continue
        if (
            ctx.hypothetical(cand)
            or ctx.elsewhere(cand)
            or (ctx.question[sid] and not ctx.personal_question(cand))
        ):
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


def _controlled(ctx: _DocContext, sid: int) -> bool:
    """Does sentence ``sid`` say a shampoo keeps it in check (not "doesn't keep it down")?"""
    return any(not ctx._negated_word(start) for start, _ in ctx.in_sentence("CONTROLLED", sid))


def _live_lemmas(ctx: _DocContext, start: int, end: int) -> set[str]:
    """The lemmas of tokens ``[start, end)`` that are not negated."""
    doc = ctx.doc
    return {doc[i].lemma_ for i in range(start, end) if not ctx.negated_at(i, i + 1, False)}


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
    # Nutrient context: the English rules' and the other languages' ("tuve a mi bebé y se
    # me cae el pelo": deficiency_es).
    foreign_nutrient = {
        f"{word.sign}_{word.lang}"
        for word in foreign or ()
        if word.sign == "deficiency" and word.level is not Referral.NONE
    }
    nutrient = tuple(
        dict.fromkeys(
            f.condition
            for f in unique
            if f.condition in _NUTRIENT_RULES or f.condition in foreign_nutrient
        )
    )
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


def warm_up() -> None:
    """Build the pipeline now (spaCy import, tables, matchers) and screen once."""
    screen("warm up: psoriasis, no fever.")

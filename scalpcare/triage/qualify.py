"""Qualifying a finding: negated, past, hypothetical, a general question, or not the user's."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scalpcare.contract import Referral
from scalpcare.triage.cues import (
    _AFTER_GONE,
    _AFTER_OVER,
    _BEFORE_THAT_CLAUSE,
    _BODY,
    _CLAIM_OWNER,
    _CLAIM_VERBS,
    _CLAUSE_END,
    _DATE_FILLER,
    _DEMONSTRATIVES,
    _EPISODE_WORDS,
    _EXIST,
    _FILLER,
    _GENERIC_BEFORE,
    _GENERIC_PLURALS,
    _GROWTH_WORDS,
    _LOSS_WORDS,
    _MODAL_OPENERS,
    _NEW_SUBJECT,
    _NOBODY,
    _NOT_A_SIGN,
    _NOT_YET,
    _ONSET_RULES,
    _OWN_WORDS,
    _PARTLY_AFTER,
    _PARTLY_BEFORE,
    _PLACES,
    _POSSESSIVES,
    _PUNCT_BOUNDARY,
    _QUESTION_WORDS,
    _REOPENS,
    _RESULT_WORDS,
    _SCOPE_END,
    _UNCERTAIN,
    _WELL_AGAIN,
)
from scalpcare.triage.rule_language import _Rule
from scalpcare.triage.signs import SIGN_OF

if TYPE_CHECKING:  # pragma: no cover - typing only
    from spacy.tokens import Doc


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
        """Does a cue of ``label`` occur without a negation just before it?

        A ``WORSE`` cue must also say that something is new or worse now
        (:meth:`_reports_worse`); an urgent sign now counts as one whatever the words
        (:meth:`_urgent_now`).
        """
        doc = self.doc
        if label == "WORSE" and self._urgent_now():
            return True
        for start, end in self.cues.get(label, []):
            before = doc[max(0, start - window) : start]
            if any(t.lemma_ in ("not", "never", "no", "without", "nothing") for t in before):
                continue
            if label in ("WORSE", "UNDER_CARE") and self._absent_in_clause(start):
                continue  # "nothing new or bigger", "not pregnant or on new meds"
            if label == "WORSE" and not self._reports_worse(start, end):
                continue
            return True
        return False

    def _urgent_now(self) -> bool:
        """Is an urgent sign or a fever told after the care, and current?

        A doctor's care covers what the doctor saw ("doc confirmed shingles and started
        me on antivirals", "had a swollen face, my dermatologist said avoid PPD"), not a
        fever, a bleed that will not stop or a swelling face told after it ("the derm is
        treating it and now I have a fever", "... cream for the sore and it keeps bleeding").
        """
        cares = [
            (s, e) for s, e in self.cues.get("UNDER_CARE", []) if not self._absent_in_clause(s)
        ]
        return any(
            (c.rule.level is Referral.URGENT or c.rule.name == "fever")
            and any(
                c.start >= e and (self.clause_of[c.start] != self.clause_of[s] or c.start - e > 4)
                for s, e in cares
            )
            and not self.negated_at(c.start, c.end, c.neg_inside)
            and not self.historic(c)
            for c in self.cands
        )

    def _reports_worse(self, start: int, end: int) -> bool:
        """Does the ``WORSE`` cue at ``[start, end)`` report a change now?

        Not when it is absent ("nothing new or bigger"), the hair growing back ("the hair
        is coming back in"), asked about or supposed ("will bleaching make it flare?",
        "he asked if anything makes them worse"), over ("my flare a few months ago"), a
        new treatment or product ("a new cream"), or a kind of lump ("slow growing").
        """
        doc = self.doc
        words = [t.lower_ for t in doc[start:end]]
        after = doc[end].lower_ if end < len(doc) else ""
        if self._absent(start) or self._regrowth(start):
            return False
        if words == ["new"] and (after in _NOT_A_SIGN or doc[end - 1].lemma_ in _NOT_A_SIGN):
            return False
        if words[-1] == "back" and after in _RESULT_WORDS:
            return False  # "the bloods came back normal": a result, not a return
        if words[-1] in ("growing", "grow") and doc[max(0, start - 1)].lower_ in ("slow", "slowly"):
            return False
        sid = self.sent_of[start]
        clause = self.clause_of[start]
        if any(
            h < start and self.clause_of[h] == clause and doc[h].lower_ in ("if", "whether")
            for h, _ in self.in_sentence("HYPO", sid)
        ):
            return False
        if self._question_clause(start) and self._clause_opener(start) in _MODAL_OPENERS:
            return False
        if self.question[sid] and any(
            self.clause_of[g] == clause for g, _ in self.in_sentence("GENERAL_Q", sid)
        ):
            return False  # "how do you tell shingles from a psoriasis flare?"
        if not set(words) & _EPISODE_WORDS:
            return True  # "a new patch two weeks ago" is still new
        in_clause = [t.lower_ for t in doc[start:] if self.clause_of[t.i] == clause]
        past = "ago" in in_clause or any(
            self.clause_of[h] == clause for h, _ in self.in_sentence("HIST", sid)
        )
        return not (past and not self.in_sentence("RECUR", sid))

    def _absent_in_clause(self, i: int) -> bool:
        """:meth:`_absent` within token ``i``'s clause ("never hurt, derm said" is not)."""
        return self._absent(i) and any(
            self.doc[j].lemma_ in ("not", "never", "no", "nothing", "none", "without")
            and self.clause_of[j] == self.clause_of[i]
            for j in range(max(0, i - 3), i)
        )

    def _clause_opener(self, i: int) -> str:
        """The first word of token ``i``'s clause."""
        clause = self.clause_of[i]
        start = i
        while start > 0 and self.clause_of[start - 1] == clause:
            start -= 1
        words = [t.lower_ for t in self.doc[start : i + 1] if t.is_alpha]
        return words[0] if words else ""

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

    def _resolutions(self, sid: int) -> list[int]:
        """Starts of the resolution cues of sentence ``sid`` that really say "it is over"."""
        doc = self.doc
        out = []
        for rs, re_ in self.in_sentence("RESOLVED", sid):
            if rs in self.inside_neg or any(c.start <= rs < c.end for c in self.cands):
                continue
            negative_phrase = doc[rs].lower_ in ("never", "no", "nothing", "none")
            if not negative_phrase and self._negated_word(rs):
                continue  # "hasn't cleared", "not gone"
            if doc[rs].lower_ == "never" and self._never_is_pseudo(rs):
                continue  # "this never happened before" reports something new
            last = doc[re_ - 1].lower_
            after = doc[re_].lower_ if re_ < len(doc) else ""
            following = {t.lower_ for t in doc[re_ : re_ + 2]}
            if following & _PARTLY_AFTER or (rs > 0 and doc[rs - 1].lower_ in _PARTLY_BEFORE):
                continue  # "went down a bit", "nearly over": not over yet
            if (last, after) in (("ended", "up"), ("down", "with")):
                continue  # "ended up in A&E", "came down with a fever": an onset
            if (
                doc[rs].lower_ in ("gone", "went")
                and after
                and doc[re_].is_alpha
                and doc[rs + 1].lower_ not in _AFTER_GONE
            ):
                continue  # "it's gone puffy and hot" became, not ended
            if last == "over" and not self._episode_over(rs, re_):
                continue  # "a patch over my ear" is a place, "holiday's over" another end
            out.append(rs)
        return out

    def _episode_over(self, start: int, end: int) -> bool:
        """'<it / the shedding / the finding> is over', ending its clause."""
        doc = self.doc
        if end < len(doc) and doc[end].is_alpha and doc[end].lower_ not in _AFTER_OVER:
            return False
        if start == 0:
            return False
        subject = doc[start - 1]
        return (
            subject.lower_ in ("it", "that", "this", "all")
            or subject.lemma_ in _LOSS_WORDS
            or any(c.start <= start - 1 < c.end for c in self.cands)
            or any(s <= start - 1 < e for s, e in self.cues.get("HAIR_LOSS", []))
        )

    def _hair_loss_resolved(self, rs: int) -> bool:
        """For an onset (an illness, a birth): is the resolution at ``rs`` the shedding's?

        "after my surgery my hair thinned, but it recovered fully" ends the shedding;
        "had covid, it's gone now but my hair is falling out" ends only the illness.
        """
        spans = [(s, e) for s, e in self.cues.get("HAIR_LOSS", []) if not self._negated_word(s)]
        return any(s < rs for s, _ in spans) and not any(s > rs for s, _ in spans)

    def _applies(self, cand: _Candidate, rs: int) -> bool:
        """Can the resolution cue at ``rs`` end ``cand``'s episode?"""
        doc = self.doc
        if cand.rule.name in _ONSET_RULES and not self._hair_loss_resolved(rs):
            return False
        # A fever that "went down" or "came down" may only be masked by a medicine.
        stop = next((e for s, e in self.cues.get("RESOLVED", []) if s == rs), rs + 1)
        if (
            doc[stop - 1].lower_ == "down"
            and SIGN_OF.get(cand.rule.name, cand.rule.name) == "fever"
        ):
            return False
        return not self._overturned(rs, cand)

    def _overturned(self, rs: int, cand: _Candidate) -> bool:
        """Does something current follow the resolution at ``rs``?

        "healing fine, but now there's a new lump", "the swelling went down but now he
        is drowsy and confused", "... but now it's blistering": a new, worse or returning
        finding, a current head injury's warning sign or a current finding said of "it"
        keeps the episode open.
        """
        doc = self.doc
        clause = self.clause_of[rs]
        for ws, we in self.cues.get("WORSE", []):
            if ws <= rs or self.clause_of[ws] == clause or self._absent(ws):
                continue
            words = [t.lower_ for t in doc[ws:we]]
            after = doc[we].lower_ if we < len(doc) else ""
            if not set(words) & _REOPENS:
                continue  # "still hurts" is its own clause's finding's, not this one's
            if words == ["new"] or (words[-1] == "back" and after == "to"):
                continue  # "a new style", "back to normal"
            if words[-1] in ("growing", "grow") and after in ("out", "back", "in"):
                continue  # "the growing out phase": hair
            if self._regrowth(ws):
                continue  # "the hair is coming back"
            return True
        return any(
            c is not cand
            and c.start > rs
            and self.clause_of[c.start] != clause
            and (c.rule.name == "head_injury_warning" or self._about_it(c))
            and not self.negated_at(c.start, c.end, c.neg_inside)
            for c in self.cands
        )

    def _about_it(self, cand: _Candidate) -> bool:
        """Is ``cand``'s clause about "it" ("... but now it's blistering"): the same episode?"""
        clause = self.clause_of[cand.start]
        start = cand.start
        while start > 0 and self.clause_of[start - 1] == clause:
            start -= 1
        return any(
            t.lower_ in ("it", "it's", "its", "they", "they're", "theyre")
            for t in self.doc[start : cand.start]
        )

    def _absent(self, i: int) -> bool:
        """Is token ``i`` said to be absent ("no new spots", "nothing new or bigger")?"""
        return any(
            self.doc[j].lemma_ in ("not", "never", "no", "nothing", "none", "without")
            and self.sent_of[j] == self.sent_of[i]
            for j in range(max(0, i - 3), i)
        )

    def historic(self, cand: _Candidate) -> bool:
        """Resolved or past-only mention, unless a recurrence cue follows it."""
        sid = self.sent_of[cand.start]
        clause = self.clause_of[cand.start]
        resolutions = self._resolutions(sid)
        resolved = any(
            (self.clause_of[rs] == clause or rs >= cand.end) and self._applies(cand, rs)
            for rs in resolutions
        )
        # "had a bleach burn last year. It healed completely." / "... Been fine ever
        # since.": the next sentence resolves it when it opens with a pronoun for it or
        # with the resolution itself, and names no finding of its own after it ("Fine
        # now apart from a swollen lump" ends nothing).
        if not resolved and sid + 1 < len(self.sents):
            ns, ne = self.sents[sid + 1]
            opener = [t.lower_ for t in self.doc[ns : min(ne, ns + 2)]]
            nxt = [rs for rs in self._resolutions(sid + 1) if self._applies(cand, rs)]
            if nxt and any(ns <= c.start < ne and c.start > min(nxt) for c in self.cands):
                nxt = []
            if opener and opener[0] in ("it", "it's", "its", "they", "they're", "that", "all"):
                resolved = bool(nxt)
            elif any(rs - ns <= 1 for rs in nxt):
                resolved = True
        past = False
        exempt = {self.clause_of[s] for s, _ in self.in_sentence("HIST_EXEMPT", sid)}
        for hs, he in self.in_sentence("HIST", sid):
            # An illness or a birth is past by nature: "2 months back" dates the onset.
            if cand.rule.name in _ONSET_RULES:
                break
            before = {t.lower_ for t in self.doc[max(0, hs - 3) : hs]}
            if self.doc[hs].lower_ == "used" and before & {"where", "hair", "hairs"}:
                continue  # "a bare circle where my hair used to be" describes it now
            if self.clause_of[hs] == clause and clause not in exempt:
                past = True
            elif (
                clause not in exempt
                and self.clause_of[hs] == clause - 1
                and self._date_only(hs, he)
            ):
                past = True  # "2 yrs ago, my face swelled": a date set off by commas
        for cs, _ in self.in_sentence("CORRECTION", sid):
            if cs >= cand.end and self.clause_of[cs] != clause:
                return True
        if not (resolved or past):
            return False
        for rs, _re in self.in_sentence("RECUR", sid):
            tok_after = self.doc[_re] if _re < len(self.doc) else None
            if tok_after is not None and tok_after.lower_ in {"to"} | _RESULT_WORDS:
                continue  # "back to normal", "came back normal" (a result)
            if rs < cand.start or self._negated_word(rs) or self._question_clause(rs):
                continue
            preceding = [t.lower_ for t in self.doc[max(0, rs - 3) : rs]]
            if preceding and preceding[-1] in ("hair", "hairs", "curls", "colour", "color"):
                continue  # "my hair came back": regrowth, not a recurrence
            if self._regrowth(rs):
                continue  # "the hair is coming back in", "hair is growing again"
            if self.doc[rs].lower_ == "again" and set(preceding) & _WELL_AGAIN:
                continue  # "normal again", "fine again"
            if self.doc[rs].lower_ == "still" and self._asks_leave(rs):
                continue  # "can i still get my hair washed?" asks about an activity
            # "kept coming back until ... it stopped, clear for 3 years now": a
            # resolution in a later clause ends the episode the recurrence was part of.
            if any(r > rs and self.clause_of[r] > self.clause_of[rs] for r in resolutions):
                continue
            # A recurrence cue in a later clause belongs to that clause's own finding
            # ("the fever is gone but my scalp still hurts"), else to this one
            # ("psoriasis cleared up but it's flaring again").
            rclause = self.clause_of[rs]
            if rclause == clause or not any(
                self.clause_of[c.start] == rclause for c in self.cands if c is not cand
            ):
                return False
        return True

    def _date_only(self, start: int, end: int) -> bool:
        """Is the HIST cue ``[start, end)`` a clause of its own, a date and nothing else?"""
        clause = self.clause_of[start]
        words = [
            t.lower_
            for t in self.doc
            if self.clause_of[t.i] == clause
            and t.is_alpha
            and not start <= t.i < end
            and t.lower_ not in _DATE_FILLER
        ]
        return not words

    def _regrowth(self, i: int) -> bool:
        """Is the recurrence cue at ``i`` the hair growing back ("hair is coming back in")?"""
        doc = self.doc
        window = [t.lemma_ for t in doc[max(0, i - 4) : i]]
        lowers = [t.lower_ for t in doc[max(0, i - 4) : i]]
        hair = [k for k, w in enumerate(lowers) if w in ("hair", "hairs", "curls", "regrowth")]
        if not hair or any(w in _LOSS_WORDS for w in window[hair[-1] :]):
            return False
        if doc[i].lower_ == "again":
            return any(w in _GROWTH_WORDS for w in window[hair[-1] :])
        return doc[i].lower_ in ("coming", "come", "came", "comes", "growing", "grown", "grew")

    def _asks_leave(self, i: int) -> bool:
        """'can i still ...', 'should she still ...': a question about going on doing something."""
        words = [t.lower_ for t in self.doc[max(0, i - 2) : i]]
        return (
            len(words) == 2
            and words[0] in ("can", "could", "should", "may", "might", "shall")
            and words[1] in ("i", "we", "he", "she", "they", "u", "you")
        )

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
        return self.reported(cand)

    def reported(self, cand: _Candidate) -> bool:
        """A condition in something read or heard, with nobody's sign between.

        "saw a news bit about skin cancer", "i read it can scar"; not "saw that my scalp
        has a bald patch", nor when somebody is said to have it after all.
        """
        sid = self.sent_of[cand.start]
        doc = self.doc
        for _rs, re_ in self.in_sentence("REPORTED", sid):
            if re_ > cand.start or self.clause_of[re_ - 1] != self.clause_of[cand.start]:
                continue
            between = doc[re_ : cand.start]
            if any(t.lower_ in _OWN_WORDS for t in between) or any(
                re_ <= s < cand.start
                for key in ("CARE", "OTHER")
                for s, _ in self.cues.get(key, [])
            ):
                continue  # "saw that my scalp has a bald patch"
            return not (self.affirmed_later(cand) or self._someone_has_it(cand))
        return self._claim(cand) and not (self.affirmed_later(cand) or self._someone_has_it(cand))

    def _claim(self, cand: _Candidate) -> bool:
        """A general claim read, heard or checked, naming nobody's sign.

        "i read that ringworm can cause bald patches", "heard henna can cause burns", "my
        friend says tea tree cures psoriasis, is that right?"; not "i heard my bald patch
        could be alopecia" nor "my mum thinks it's ringworm".
        """
        sid = self.sent_of[cand.start]
        clause = self.clause_of[cand.start]
        doc = self.doc
        own = _OWN_WORDS - {"your"}
        if self.clause_of[cand.end - 1] != clause or any(
            self.sent_of[c.start] == sid
            and self.clause_of[c.start] > clause
            and any(
                t.lower_ in _OWN_WORDS - _DEMONSTRATIVES - {"your"}
                for t in doc
                if self.clause_of[t.i] == self.clause_of[c.start]
            )
            for c in self.cands
        ):
            return False  # "heard henna can cause burns and now my scalp is blistering"

        def general(start: int) -> bool:
            between = [t.lower_ for t in doc[start : cand.start]]
            # "your" is anybody's in a claim ("any lump on your head = cancer").
            owners = own | _CLAIM_OWNER
            return not (set(between) & owners) and not any(
                start <= s < cand.start
                for key in ("CARE", "OTHER")
                for s, _ in self.cues.get(key, [])
            )

        for _hs, he in self.in_sentence("HEARD", sid):
            if he > cand.start or self.clause_of[he - 1] != clause or not general(he):
                continue
            after = [t.lower_ for t in doc[he : cand.end + 3] if self.clause_of[t.i] == clause]
            if set(after) & _CLAIM_VERBS:
                return True
        checked = self.question[sid] and any(
            self._checks_claim(b) for _a, b in self.in_sentence("DEICTIC", sid)
        )
        return checked and any(
            ce <= cand.start and self.clause_of[ce - 1] == clause and general(ce)
            for _cs, ce in self.in_sentence("CLAIM", sid)
        )

    def affirmed_later(self, cand: _Candidate) -> bool:
        """'... i have it too' / 'i have some now' in this or the next sentence."""
        sid = self.sent_of[cand.start]
        for a, _ in self.cues.get("AFFIRM", []):
            near = a >= cand.end and self.sent_of[a] in (sid, sid + 1)
            if near and not self._negated_word(a) and not self._negated_word(a + 1):
                # "will i get it too?" and "before i get one" ask or suppose; "i have it
                # too" says.
                if self._question_clause(a) or self.doc[max(0, a - 1)].lower_ in _NOT_YET:
                    continue
                return True
        return False

    def community(self, cand: _Candidate, events: list[tuple[int, str, str]]) -> bool:
        """A condition named in a school's notice or said to be going round, with nobody's name.

        "school sent a letter about ringworm in class", "impetigo is going round": the
        community's, unless somebody the writer names has it ("my daughter has it").
        """
        sid = self.sent_of[cand.start]
        clause = self.clause_of[cand.start]
        s0 = self.sents[sid][0]
        if any(s0 <= pos < cand.start for pos, _, _ in events):
            return False  # somebody is named before it in its sentence
        notice = any(n < cand.start for n, _ in self.in_sentence("NOTICE", sid))
        going = any(
            g >= cand.end and self.clause_of[g] == clause
            for g, _ in self.in_sentence("CIRCULATING", sid)
        )
        if not (notice or going):
            return False
        return not any(
            h >= cand.end and not self._negated_word(h) for h, _ in self.cues.get("HAS_IT", [])
        )

    def elsewhere(self, cand: _Candidate) -> bool:
        """A named condition placed away from the scalp while the scalp is said to be fine.

        "prone to eczema on my arms but my scalp is fine, no itch": context, not a sign.
        """
        if cand.rule.level is not Referral.DERMATOLOGIST or cand.rule.kind != "flag":
            return False
        doc = self.doc
        clause = self.clause_of[cand.start]
        placed = any(
            cand.end <= s <= cand.end + 2
            and self.clause_of[s] == clause
            and not (e < len(doc) and doc[e].lower_ == "of")  # "the back of my head"
            for s, e in self.cues.get("OFF_SCALP", [])
        )
        if not placed:
            return False
        return any(
            not any(t.lemma_ in ("not", "never", "no") for t in doc[max(0, s - 2) : e])
            for s, e in self.cues.get("SCALP_FINE", [])
        )

    def personal_question(self, cand: _Candidate) -> bool:
        """Is the question in the candidate's sentence about the user (or a dependant)?"""
        sid = self.sent_of[cand.start]
        clause = self.clause_of[cand.start]
        if any(self.clause_of[g] == clause for g, _ in self.in_sentence("GENERAL_Q", sid)):
            # "is ringworm contagious?", "do kids usually grow out of eczema?": general,
            # unless the condition is somebody's own ("is my son's ringworm contagious?").
            before = [t.lower_ for t in self.doc[max(0, cand.start - 4) : cand.start]]
            own = any(w in _POSSESSIVES for w in before) or self._says_i_have(cand)
            return (
                own or self._shown(cand) or self.affirmed_later(cand) or self._someone_has_it(cand)
            )
        for a, _ in self.in_sentence("SELF", sid):
            if a < cand.start or self.doc[a].lower_ in ("my", "mine"):
                return True
        # A child or "this/that" after the finding refers back to it ("X, is that
        # normal?"), unless the finding is itself inside a question ("is psoriasis
        # caused by stress, or is that a myth?"). Children in general ("can kids
        # catch ringworm?", "a child's head") are nobody's; "is that true?" checks a
        # claim ("they say any lump is cancer, is that true?").
        asked = self._question_clause(cand.start)
        for a, b in self.in_sentence("CARE", sid):
            if (a < cand.start or not asked) and not self._generic_person(a, b):
                return True
        for a, b in self.in_sentence("DEICTIC", sid):
            if (a < cand.start or not asked) and not self._checks_claim(b):
                return True
        if self.in_sentence("SUSPECT", sid):
            return True
        for a, b in self.in_sentence("IS_IT", sid):
            if a > 0 and self.doc[a - 1].lower_ == "or":
                continue  # "is psoriasis autoimmune or is it an infection?": an alternative
            between = [t.lower_ for t in self.doc[b : cand.start]]
            if a < cand.start and all(w in ("a", "an", "just", "really") for w in between):
                return True  # "is it ringworm?", "is it just dandruff?"
        return self.affirmed_later(cand) or self._someone_has_it(cand)

    def _shown(self, cand: _Candidate) -> bool:
        """'is this bald patch normal?': a demonstrative points at the writer's own sign.

        Not a conjunction ("is it true that vegans lose more hair?").
        """
        doc = self.doc
        for i in range(max(0, cand.start - 2), cand.start):
            if doc[i].lower_ in _DEMONSTRATIVES:
                prev = doc[i - 1].lower_ if i > 0 else ""
                return prev not in _BEFORE_THAT_CLAUSE
        return False

    def _says_i_have(self, cand: _Candidate) -> bool:
        """'i have / i've got / i think i have' before ``cand`` in its clause."""
        doc = self.doc
        clause = self.clause_of[cand.start]
        return any(
            doc[i].lower_ == "i"
            and self.clause_of[i] == clause
            and any(t.lemma_ in ("have", "get", "'ve") for t in doc[i + 1 : min(i + 3, cand.start)])
            and not self._negated_word(i + 2)
            for i in range(max(0, cand.start - 6), cand.start)
        )

    def _generic_person(self, start: int, end: int) -> bool:
        """Is the person noun at ``[start, end)`` people in general ("kids", "a child's")?

        A plural or an indefinite one without anybody's possessive: "can kids get eczema?",
        "bumps on a child's head"; not "my kids", "our babies", "my son".
        """
        doc = self.doc
        before = [t.lower_ for t in doc[max(0, start - 2) : start]]
        if set(before) & _POSSESSIVES or (start > 0 and doc[start - 1].lower_ in ("'s", "s")):
            return False
        if before and before[-1] in ("a", "an", "any", "every", "most"):
            return True
        if end < len(doc) and doc[end].lemma_ in _BODY:
            return False  # "kids head got red patches": a possessive without its apostrophe
        # A bare plural asked about ("can kids catch it?", "do babies grow out of it?");
        # "both kids have it", "the kids have it" are somebody's.
        return (
            end - start == 1
            and doc[start].lower_ in _GENERIC_PLURALS
            and bool(before)
            and before[-1] in _QUESTION_WORDS | _GENERIC_BEFORE
        )

    def _checks_claim(self, end: int) -> bool:
        """Does the deictic cue ending at ``end`` ask whether a claim is true ("is that true")?"""
        words = [t.lower_ for t in self.doc[end : end + 2]]
        return bool(words) and (words[0] in ("true", "right", "correct") or "myth" in words)

    def _someone_has_it(self, cand: _Candidate) -> bool:
        """After a general question, does the writer's child have it ("... ? my son has it")?

        Not somebody else ("my coworker has it", "a kid in my son's class has it") and
        not nobody ("none of mine have it").
        """
        doc = self.doc
        for h, _ in self.cues.get("HAS_IT", []):
            sid = self.sent_of[h]
            if h < cand.end or sid <= self.sent_of[cand.start] or self._question_clause(h):
                continue
            if self._absent(h) or {t.lower_ for t in doc[max(0, h - 4) : h]} & _NOBODY:
                continue
            people = [(a, b) for a, b in self.in_sentence("CARE", sid) if a < h]
            if people:
                a, b = people[-1]
                if not self._generic_person(a, b) and not _a_place(doc, b):
                    return True
        return False


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
    doc = ctx.doc
    # "my" before any person noun (even one dropped below) is that person's, not the writer.
    nouns = sorted((s, e, k) for s, e, k in raw if k != "pronoun")
    # "a kid in class", "some kid at nursery": an unknown child, not the writer's
    # ("i have a kid with eczema" is theirs).
    unknown = [
        (s, e)
        for s, e in ctx.cues.get("STRANGER", [])
        if doc[s].lower_ in ("a", "an", "some")
        and not (s > 0 and doc[s - 1].lemma_ in ("have", "get", "got", "'ve"))
    ]
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
            continue
        if kind in ("care", "other") and any(us < s and e <= ue for us, ue in unknown):
            continue  # the stranger's own event stands for them
        last_noun, last_word = kind, ctx.doc[s:e].text.lower()
        # "a kid in my son's class": the son names a place here; a later "he" is still him.
        if not (kind in ("care", "other") and _a_place(doc, e)):
            events.append((s, kind, last_word))
    return sorted(events)


def _a_place(doc: Doc, end: int) -> bool:
    """Is the person noun ending at ``end`` the owner of a place ("my son's class")?"""
    words = [t.lower_ for t in doc[end : end + 2]]
    if words and words[0] in ("'s", "s", "'"):
        words = words[1:]
    elif not doc[end - 1].lower_.endswith(("'s", "s'")) or doc[end - 1].lower_ == "s":
        return False
    return bool(words) and words[0] in _PLACES


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
    if owner == "self" and ctx.community(cand, events):
        return "stranger", ""  # "school sent a note saying ringworm is going round"
    # Another adult, or another adult's child ("my sister's kids"), is context when
    # their condition is history or the writer says they themselves are fine.
    others = owner == "other" or (owner == "care" and _someone_elses(ctx, cand, events))
    if others and any(
        ctx.doc[i].lower_ == "had" and ctx.clause_of[i] == clause
        for i in range(ctx.sents[sid][0], cand.start)
    ):
        return "family", ""  # "my grandma had lupus": another adult's history
    if others and ctx.present("SELF_FINE"):
        return "family", ""  # "my mum has psoriasis, i've got nothing so far"
    return owner, word if owner != "self" else ""


def _someone_elses(ctx: _DocContext, cand: _Candidate, events: list[tuple[int, str, str]]) -> bool:
    """Is the child a candidate belongs to another person's ("my sister's kids")?"""
    doc = ctx.doc
    pos = max((p for p, kind, _ in events if p < cand.start and kind == "care"), default=-1)
    if pos <= 0:
        return False
    return doc[pos - 1].lower_ in ("'s", "s") or doc[pos - 1].text.endswith("'s")

"""The consultation reader's view of a message: normalised text, negation, hedges, places.

Used by :mod:`scalpcare.consultation_parsing`, :mod:`scalpcare.habits` and
:mod:`scalpcare.situations`.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_TAG = re.compile(r"</?[a-z!][^<>]{0,500}>")  # tags, not "<3"
_REPEATED_LETTER = re.compile(r"([a-z])\1{2,}")  # "itchyyyy" -> "itchy"
_SPACE = re.compile(r"\s+")


def normalise(text: object) -> str:
    """Lower-case, drop HTML tags and entities, unify apostrophes and spaces."""
    if text is None:
        return ""
    if not isinstance(text, str):
        try:
            text = str(text)
        except Exception:  # a hostile __str__ must not crash the bot
            return ""
    if not text:
        return ""
    text = html.unescape(_TAG.sub(" ", text)).lower()
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    text = _REPEATED_LETTER.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip()


# --------------------------------------------------------------------------
# Negation, hedges and places
# --------------------------------------------------------------------------

_NEGATION_CUE = re.compile(
    r"\b(?:no|not|never|without|none|nothing|neither|nor|hardly|barely|rarely|zero|"
    r"(?:do|does|did|is|are|was|were|has|have|had|wo|ca|could|would)n'?t|"
    r"stopped|no\s+longer|used\s+to|free\s+of|than)\b"
)
# Cues that do not negate what follows: "not sure", "nothing helps the flakes",
# "doesn't stop itching", "no more than", "not only oily but...".
_PSEUDO_NEGATION = re.compile(
    r"\s*(?:sure|only|just|certain|idea|clue|wonder|matter|doubt|know|knowing|mind|"
    r"help\w*|work\w*|stop\w*|get\s+rid|fix\w*|go(?:es|ing)?\s+away|chang\w*|improv\w*|"
    r"(?:really\s+|seem\s+to\s+|seems\s+to\s+)(?:help|work|stop|fix)\w*|"
    r"(?:more|less)\s+than|go|last|survive|manage)\b"
)
_DOUBLE_NEGATION = re.compile(r"\b(?:can'?t|cannot|can\s+not|couldn'?t|never)\b")
# "a no-no", "is tea tree a no no when pregnant": the idiom for something to avoid, not a
# denial of what follows it (both of its "no"s are skipped as cues).
_NO_NO = re.compile(r"\bno[\s-]+no\b")
# A negation scope ends at punctuation or a contrastive word ("no dandruff but
# very oily"), or at "and" that starts a new statement ("no flakes and it's oily").
_SCOPE_BREAK = re.compile(
    r"[.,;:!?()\n]|\s[-–—]\s|\b(?:but|though|although|however|except|apart\s+from|"
    r"other\s+than|besides|instead|yet|only|just|while|whereas|plus|also|"
    r"and\s+(?=(?:it'?s|it|is|are|i|i'?m|my|the|very|quite|really|super|so|pretty|"
    r"extremely|always|definitely|lots|loads|tons|kinda|sometimes|often|constantly|"
    r"gets?|feels?|looks?|"
    # a new clause reported: "she stopped halfway and told me i have lice"
    r"told|tells|said|says|found|noticed|spotted|saw|realised|realized|then|now|"
    r"he|she|they|we|someone|somebody)\b))"
)
_OR_LIST = re.compile(r"\b(?:or|nor)\b")
_MAX_SCOPE = 60  # characters; "I don't really think my scalp is that oily" fits

# Negation after the mention, at the end of its clause: "itchy? no", "flakes: none",
# "itch isn't an issue", "the dandruff has gone", "dandruff-free".
_POST_NEGATION = re.compile(
    r"(?:\s+(?:scalp|skin|roots?|hair))?\s*(?:[:?!\-–—]+\s*)?(?:"
    r"(?:no|none|nope|nah|never|not\s+really|not\s+at\s+all|not\s+much|n/a)\s*(?:[.,;!?)]|$)|"
    r"(?:(?:is|are|was|were|'s|'re)\s*)?(?:n'?t|not)\s+(?:really\s+)?(?:an?\s+)?"
    r"(?:issue|problem|concern|thing)\b|"
    r"(?:(?:is|are|has|have|'s|'ve)\s+)?(?:all\s+)?(?:gone|went\s+away|cleared(?:\s+up)?|"
    r"disappeared|stopped)\b|"
    r"[\s-]*free\b)"
)

#: "I don't know" in the words people use: "no clue", "haven't a clue", "couldn't tell you",
#: "hard to say", "never really paid attention".
_UNSURE_WORDS = (
    r"not\s+(?:really\s+)?(?:sure|certain)|unsure|uncertain|no\s+(?:idea|clue)|not\s+a\s+clue|"
    r"(?:have\s*n'?t|havent|ain'?t)\s+(?:got\s+)?(?:a|any|the\s+foggiest)\s+(?:clue|idea)|"
    r"(?:do\s*n'?t|dont)\s+(?:really\s+)?know|dunno|idk|i\s+dk|"
    r"(?:can'?t|cannot|could\s*n'?t)\s+(?:really\s+)?(?:tell|say)|hard\s+to\s+(?:tell|say)|"
    r"beats\s+me|who\s+knows|"
    r"never\s+(?:really\s+)?(?:checked|thought\s+about\s+it|paid\s+(?:much\s+)?attention)"
)
_HEDGE = re.compile(r"\b(?:" + _UNSURE_WORDS + r"|wonder(?:ing)?|whether)\b")
#: As a whole answer, a "maybe" is not knowing too (never a hedge on a mention: "maybe
#: oily" is oily).
_UNSURE = re.compile(r"\b(?:" + _UNSURE_WORDS + r"|maybe|perhaps|possibly|might be)\b")


def is_unsure(text: object) -> bool:
    """Does the message say the person does not know ("no clue honestly", "idk") (pure)?

    An answer to the consultation's question that says so takes the gentle branch: an
    unsure sensitivity is read as sensitive, an unsure scalp type as normal.
    """
    return bool(_UNSURE.search(normalise(text)))


_CLAUSE_END = re.compile(r"[.;!?\n]|\b(?:but|while|whereas|though|although|however)\b")
_WINDOW = 45  # characters looked at before a mention for its place or a hedge

# Where an adjective applies. Scalp areas make a scalp type; ends and lengths
# are hair; body parts make "tight" a tension; hairstyles make it nothing.
_PLACE_SCALP = "scalp"
_PLACE_LENGTHS = "lengths"
_PLACE_HAIR = "hair"
_PLACE_BODY = "body"
_PLACE_STYLE = "style"
_PLACES = {
    _PLACE_SCALP: (
        r"scalps?|roots?|skin|crown|hairline|nape|parting|part|front|back|sides?|top|"
        r"t-zone|places|areas|spots|patches|underneath"
    ),
    _PLACE_LENGTHS: r"ends|lengths?|tips|mids|mid-lengths|strands",
    _PLACE_HAIR: r"hair|hairs",
    _PLACE_BODY: r"shoulders?|neck|jaw|muscles?|temples?|forehead|traps",
    _PLACE_STYLE: (
        r"ponytails?|pony|braids?|buns?|updos?|hairstyles?|styles?|weaves?|extensions|"
        r"cornrows|locs|headbands?|hats?|caps?|hair\s*ties?|elastics?|wigs?|plaits?"
    ),
}
_PLACE_WORD = "|".join(f"(?P<{name}>{words})" for name, words in _PLACES.items())
# Words that cannot sit between an adjective and its noun ("dry but my hair").
_NOT_MODIFIER = r"(?:but|my|the|your|her|his|its|it|is|are|was|were|i|so|because|than)\b"
_PLACE_BEFORE = re.compile(r"\b(?:" + _PLACE_WORD + r")\b")
_MODIFIER = r"(?:(?!" + _NOT_MODIFIER + r")[a-z'-]+\s+)"
# "dry ends", "dry flaky scalp", "oily at the front", "dry and flaky at the crown".
_PLACE_AFTER = re.compile(
    r"\s*" + _MODIFIER + r"{0,2}?(?:(?:at|in|on|around|near|along|across|by)\s+)?"
    r"(?:(?:the|my|its|her|his|your)\s+)?" + _MODIFIER + r"?(?:" + _PLACE_WORD + r")\b"
)


class TextContext:
    """Negation scopes, hedges and places of one normalised message.

    Built once per message in linear time; each query costs a binary search
    or a bounded window, so a 100 KB message stays fast.
    """

    def __init__(self, text: str) -> None:
        """Read the scopes, clause ends and hedges of ``text`` (already normalised)."""
        self.text = text
        self.breaks = [m.start() for m in _SCOPE_BREAK.finditer(text)]
        self.clause_ends = [m.end() for m in _CLAUSE_END.finditer(text)]
        self.scopes: list[tuple[int, int]] = []
        idioms = [(m.start(), m.end()) for m in _NO_NO.finditer(text)]
        for cue in _NEGATION_CUE.finditer(text):
            if _PSEUDO_NEGATION.match(text, cue.end()):
                continue
            if any(lo <= cue.start() < hi for lo, hi in idioms):
                continue  # "a no-no"
            if cue.group() == "without" and _DOUBLE_NEGATION.search(
                text, max(0, cue.start() - 30), cue.start()
            ):
                continue  # "can't go a day without it getting greasy"
            self.scopes.append((cue.end(), self._scope_end(cue.end())))
        self.scope_starts = [lo for lo, _ in self.scopes]

    def _scope_end(self, start: int) -> int:
        limit = min(len(self.text), start + _MAX_SCOPE)
        i = bisect_left(self.breaks, start)
        if i == len(self.breaks) or self.breaks[i] >= limit:
            return limit
        end = self.breaks[i]
        # "no flakes, itch or redness": a comma inside a list keeps the scope.
        if self.text[end] == "," and i + 1 <= len(self.breaks):
            nxt = self.breaks[i + 1] if i + 1 < len(self.breaks) else limit
            if _OR_LIST.search(self.text, end, min(nxt, limit)):
                return min(nxt, limit)
        return end

    def negated(self, start: int, end: int) -> bool:
        """True when a cue's scope covers ``start`` or a denial follows ``end``."""
        i = bisect_right(self.scope_starts, start)
        # Scopes are at most _MAX_SCOPE long, so only the last few can cover start.
        for lo, hi in self.scopes[max(0, i - 8) : i]:
            if lo <= start < hi:
                return True
        return bool(_POST_NEGATION.match(self.text, end))

    def clause_start(self, pos: int) -> int:
        """Where the clause holding ``pos`` starts (at most a short window back)."""
        i = bisect_right(self.clause_ends, pos) - 1
        lo = self.clause_ends[i] if i >= 0 else 0
        return max(lo, pos - _WINDOW)

    def hedged(self, start: int) -> bool:
        """True when "not sure", "no idea"... comes earlier in the clause."""
        return bool(_HEDGE.search(self.text, self.clause_start(start), start))

    def place(self, start: int, end: int) -> str | None:
        """Where the adjective at ``start:end`` applies, or ``None`` when unsaid.

        A place right after the word wins ("dry ends", "oily at the front");
        otherwise the nearest place earlier in the clause ("roots greasy").
        """
        after = _PLACE_AFTER.match(self.text, end, min(len(self.text), end + _WINDOW))
        if after:
            return after.lastgroup
        nearest = None
        for m in _PLACE_BEFORE.finditer(self.text, self.clause_start(start), start):
            nearest = m.lastgroup
        return nearest

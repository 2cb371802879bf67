"""Read a consultation answer: concerns, scalp type and sensitivity from free text.

Pure Python with plain regular expressions (no Rasa, no spaCy), so it is fast,
testable as tables and safe to run on every message. ``parse`` turns one
message into ``ScalpFacts``; ``merge`` folds a new message into what the user
said before, so corrections ("sorry, I meant dry not oily") take effect.

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

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from scalpcare.contract import (
    CONCERN_VALUES,
    CONCERNS,
    SCALP_TYPE,
    SCALP_TYPE_VALUES,
    SENSITIVE_SCALP,
)
from scalpcare.habits import parse_goal, parse_products, parse_wash_frequency

# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScalpFacts:
    """What one message (or a whole consultation, after ``merge``) says.

    Attributes:
        concerns: Reported concerns, a subset of ``CONCERN_VALUES``.
        negated_concerns: Concerns the user explicitly denied ("no flakes").
        scalp_type: One of ``SCALP_TYPE_VALUES``, or ``None`` when not said.
        sensitive: ``True``/``False`` when said, ``None`` when not said.
        wash_frequency: From ``habits.parse_wash_frequency``, or ``None``.
        buildup_products: From ``habits.parse_products``.
        goal: From ``habits.parse_goal``, or ``None``.
        correction: The message reads as a correction of an earlier answer
            ("actually", "I meant", "scratch that"...).
    """

    concerns: frozenset[str] = frozenset()
    negated_concerns: frozenset[str] = frozenset()
    scalp_type: str | None = None
    sensitive: bool | None = None
    wash_frequency: str | None = None
    buildup_products: frozenset[str] = frozenset()
    goal: str | None = None
    correction: bool = False

    def __post_init__(self) -> None:
        """Reject values outside the contract's vocabularies."""
        unknown = (set(self.concerns) | set(self.negated_concerns)) - set(CONCERN_VALUES)
        if unknown:
            raise ValueError(f"unknown concerns: {sorted(unknown)}")
        if self.scalp_type is not None and self.scalp_type not in SCALP_TYPE_VALUES:
            raise ValueError(f"unknown scalp_type: {self.scalp_type!r}")

    @property
    def is_empty(self) -> bool:
        """True when the message said nothing this module understands."""
        return not (
            self.concerns
            or self.negated_concerns
            or self.scalp_type is not None
            or self.sensitive is not None
            or self.wash_frequency is not None
            or self.buildup_products
            or self.goal is not None
        )

    @classmethod
    def from_values(
        cls,
        concerns: Iterable[object] | str | None = None,
        scalp_type: object = None,
        sensitive: object = None,
    ) -> ScalpFacts:
        """Build facts from loosely typed slot values (unknown values are dropped).

        Args:
            concerns: The ``concerns`` slot (a list, a lone string or ``None``).
            scalp_type: The ``scalp_type`` slot.
            sensitive: The ``sensitive_scalp`` slot (bool or "true"/"false").

        Returns:
            Valid ``ScalpFacts`` holding only those three fields.
        """
        if concerns is None:
            items: list[object] = []
        elif isinstance(concerns, str):
            items = [concerns]
        else:
            items = list(concerns)
        names = frozenset(str(c).strip().lower() for c in items if c is not None)
        clean_type = str(scalp_type).strip().lower() if scalp_type is not None else None
        return cls(
            concerns=names & frozenset(CONCERN_VALUES),
            scalp_type=clean_type if clean_type in SCALP_TYPE_VALUES else None,
            sensitive=_slot_bool(sensitive),
        )

    def slot_values(self) -> dict[str, object]:
        """The contract slots this message fills, ready for ``SlotSet``.

        Returns:
            ``concerns`` (a list in contract order) when any are reported,
            ``scalp_type`` and ``sensitive_scalp`` when known. Nothing unknown
            is included, so filling slots never erases an earlier answer.
        """
        slots: dict[str, object] = {}
        if self.concerns:
            slots[CONCERNS] = [c for c in CONCERN_VALUES if c in self.concerns]
        if self.scalp_type is not None:
            slots[SCALP_TYPE] = self.scalp_type
        if self.sensitive is not None:
            slots[SENSITIVE_SCALP] = self.sensitive
        return slots


def _slot_bool(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0"}:
        return False
    return None


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_TAG = re.compile(r"</?[a-z!][^<>]{0,500}>")  # tags, not "<3"
_REPEATED_LETTER = re.compile(r"([a-z])\1{2,}")  # "itchyyyy" -> "itchy"
_SPACE = re.compile(r"\s+")


def _normalise(text: object) -> str:
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
# A negation scope ends at punctuation or a contrastive word ("no dandruff but
# very oily"), or at "and" that starts a new statement ("no flakes and it's oily").
_SCOPE_BREAK = re.compile(
    r"[.,;:!?()\n]|\s[-–—]\s|\b(?:but|though|although|however|except|apart\s+from|"
    r"other\s+than|besides|instead|yet|only|just|while|whereas|plus|also|"
    r"and\s+(?=(?:it'?s|it|is|are|i|i'?m|my|the|very|quite|really|super|so|pretty|"
    r"extremely|always|definitely|lots|loads|tons|kinda|sometimes|often|constantly|"
    r"gets?|feels?|looks?)\b))"
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

_HEDGE = re.compile(
    r"\b(?:not\s+sure|unsure|no\s+idea|don'?t\s+know|dunno|idk|not\s+certain|"
    r"can'?t\s+tell|wonder(?:ing)?|whether)\b"
)
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


class _Context:
    """Negation scopes, hedges and places of one normalised message.

    Built once per message in linear time; each query costs a binary search
    or a bounded window, so a 100 KB message stays fast.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks = [m.start() for m in _SCOPE_BREAK.finditer(text)]
        self.clause_ends = [m.end() for m in _CLAUSE_END.finditer(text)]
        self.scopes: list[tuple[int, int]] = []
        for cue in _NEGATION_CUE.finditer(text):
            if _PSEUDO_NEGATION.match(text, cue.end()):
                continue
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


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

# Kinds of mention, for the few words whose meaning depends on context.
_PLAIN = "plain"
_OILY = "oily"  # also scalp-type evidence
_DRY = "dry"  # also scalp-type evidence; not a concern for ends/lengths
_TIGHT = "tight"  # dryness, tension or nothing, by place
_IRRITATION = "irritation"  # itch, or a sensitive scalp when it is a tendency

_OILY_WORDS = (
    r"\boil+(?:y|ie|i)(?:er|est|ness|iness|ish)?\b|"
    r"\bgr(?:ea|ee|e)s(?:e|ey|y|ie|ier|iest|iness|yness)?\b"
)
_DRY_WORD = (
    r"(?<!blow )(?<!blow-)(?<!air )(?<!air-)(?<!towel )(?<!towel-)(?<!to )(?<!i )"
    r"\bdry(?:ness|ish)?\b(?![\s-]*sh[ae]?m?p)"
    r"(?!\s+(?:it|them|my\s+hair|off|naturally|clean\w*|january)\b)"
)

_CONCERN_RULES: tuple[tuple[str, str, str], ...] = (
    ("oiliness", _OILY, _OILY_WORDS),
    (
        "oiliness",
        _OILY,
        r"\b(?:excess|too\s+much|so\s+much|produc\w+|overproduc\w+|makes?|making)\s+"
        r"(?:[a-z]+\s+){0,2}?oil\b|\boil\s*(?:production|slick)\b|\bsebum\b|\bslick\b|"
        r"\blank\b|\b(?:looks?|gets?|feels?)\s+(?:\w+\s+)?dirty\b|"
        r"\bdirty\s+(?:so\s+)?(?:fast|quickly|by|after)\b",
    ),
    (
        "dryness",
        _DRY,
        _DRY_WORD + r"|\bdri(?:er|est)\b|\bdryer\s+than\b|\bparched\b|\bdehydrated\b",
    ),
    ("dryness", _PLAIN, r"\bdr(?:y|ies|ied|ying)\s+(?:[a-z]+\s+){0,2}?out\b"),
    ("dryness", _TIGHT, r"\btight(?:ness)?\b|\btaut\b"),
    (
        "flaking",
        _PLAIN,
        r"\bflak\w*|\bdand?r[aeiou]f+(?:y|ie)?\b|\bwhite\s+(?:bits|flakes|stuff|specks?|"
        r"flecks?|things|dust|powder)\b|\bsnow(?:ing|storm|fall)?\b|\bscal(?:y|ey|ing|es)\b|"
        r"\bpeel\w*|\bcrust\w*",
    ),
    (
        "itch",
        _PLAIN,
        r"\bitch\w*|\bi(?:tc|ch)h?(?:y|ey|ie|ing|iness|yness)\b|"
        r"\bscratch(?:ing|y|es|ed)?\b(?!\s+that\b)|\bprickl\w*",
    ),
    ("itch", _IRRITATION, r"\birritat\w*"),
    (
        "shedding",
        _PLAIN,
        r"\bshed\w*|\bhair\s*(?:loss|fall)\b|\bhairfall\b|\bfall(?:ing|s)?\s+out\b|"
        r"\bcom(?:ing|es)\s+out\b|\blos(?:e|es|ing|t)\s+(?:[a-z]+\s+){0,3}?hair\b|"
        r"\bthinn(?:ing|er)\b|\bgetting\s+thin\b|\bthin\s+(?:on\s+top|at\s+the\s+crown|"
        r"patches|spots)\b|\bbald\w*|\breced\w*|\balopecia\b|\bclumps?\b|\bhandfuls?\b|"
        r"\bhair\s+(?:all\s+)?(?:over|in|on)\s+(?:the\s+|my\s+)?(?:drain|shower|brush|pillow|"
        r"plughole|floor|sink|comb)\b|\bwiden\w*\s+part\w*|\bpart(?:ing)?\s+(?:is\s+)?(?:getting\s+)?wid\w*|\bsee\s+(?:more\s+of\s+)?my\s+scalp\b",
    ),
    (
        "breakage",
        _PLAIN,
        r"\bbreakage\b|\bbreak(?:s|ing)?\s+(?:off|easily|a\s+lot|all\s+the\s+time|constantly|"
        r"so\s+easily)\b|\bbroken?\s+(?:hairs?|strands?|bits|ends|pieces|off)\b|"
        r"\bsnap(?:s|ped|ping|py)?\b|\bsplit[\s-]*ends?\b|\bsplits\b|\bbrittle\w*|"
        r"\bfragile\b|\bbreaking\b(?!\s+(?:out|down|up|news|point|the|my|a|in|into|through|free)\b)|\b(?:hair|it)(?:'s|\s+is|\s+keeps)\s+(?:just\s+|always\s+)?breaking\b|\b(?:ends?|strands?|hairs?|lengths?)\s+(?:[a-z]+\s+){0,2}?"
        r"(?:break|breaks|breaking|snap\w*)\b",
    ),
    (
        "tension",
        _PLAIN,
        r"\btension\w*|\btens(?:e|ed)\b|\bheadaches?\b|\bmigraines?\b|\bclench\w*|"
        r"\bgrind(?:ing)?\s+(?:my\s+)?teeth\b|\bstiff\s+(?:neck|shoulders?|jaw)\b|"
        r"\b(?:neck|shoulders?)\s+(?:pain|aches?|aching|knots?|stiff\w*)\b|"
        r"\bknots?\s+in\s+(?:my\s+)?(?:neck|shoulders?)\b",
    ),
    (
        "buildup",
        _PLAIN,
        r"\bbuild[\s-]*ups?\b|\bbuilds?\s+up\b|\bbuilding\s+up\b|\bbuilt[\s-]*up\b|"
        r"\bresidue\w*|\bgunk\w*|\bwaxy\b|\bfilm(?:y)?\b|\bcoat(?:ed|ing)\b|\bclog\w*|"
        r"\bsticky\b|\bgummy\b|\bcrud\w*|\bgrime\w*",
    ),
)
_COMPILED_RULES = tuple((c, kind, re.compile(p)) for c, kind, p in _CONCERN_RULES)

# "easily irritated", "irritated by new products": a tendency, not a symptom.
_IRRITATION_TENDENCY_BEFORE = re.compile(r"\beasily\s+$")
_IRRITATION_TENDENCY_AFTER = re.compile(r"\s+(?:by|with|from|when|after|if|easily)\b")

_NORMAL_WORD = re.compile(r"\bnormal(?:-?ish)?\b")
_NORMAL_PHRASE = re.compile(
    r"\bnothing\s+(?:special|unusual|out\s+of\s+the\s+ordinary)\b|"
    r"\bneither\s+(?:really\s+)?(?:oily|greasy)\s+(?:nor|or)\s+dry\b|"
    r"\bneither\s+(?:really\s+)?dry\s+(?:nor|or)\s+(?:oily|greasy)\b|"
    r"\bnot\s+(?:really\s+|too\s+|particularly\s+|very\s+)?(?:oily|greasy)\s+(?:or|nor)\s+"
    r"(?:too\s+)?dry\b|\bnot\s+(?:really\s+|too\s+)?dry\s+(?:or|nor)\s+(?:too\s+)?"
    r"(?:oily|greasy)\b|\bscalp(?:\s+itself)?(?:'s|\s+is|\s+feels|\s+seems)\s+(?:(?!not\b)[a-z]+\s+)?fine\b|\b(?:pretty\s+|fairly\s+)?average\s+(?:scalp|i\s+think|i\s+guess)\b"
)
_COMBINATION = re.compile(
    r"\bcombination\b|\bcombo\b|\bboth\s+(?:oily|greasy)\s+and\s+dry\b|"
    r"\bboth\s+dry\s+and\s+(?:oily|greasy)\b|\bmixed\s+(?:scalp|skin|type)\b|"
    r"\b(?:scalp|skin)\s+(?:is\s+)?mixed\b"
)

_SENSITIVE_TRUE = re.compile(
    r"\bsen[sc][aeiu]?t[aeiu]?v\w*|\breact(?:s|ing|ed|ive|ion|ions)?\b|\bstings?\b|"
    r"\bstinging\b|\bburn(?:s|ing)?\b|\ballerg\w*|\btender\w*|\bdelicate\b|"
    r"\bflare(?:s|d)?(?:\s+up)?\b|\bflaring\b|"
    r"\bcan'?t\s+(?:use|handle|tolerate)\s+(?:most|many|a\s+lot\s+of|any|new)\b"
)
_SENSITIVE_FALSE = re.compile(
    r"\bnothing\s+(?:really\s+|much\s+|ever\s+)?(?:bothers|irritates|affects|upsets|fazes|"
    r"hurts)\b|\bcan\s+(?:use|handle|take|tolerate)\s+(?:pretty\s+much\s+|just\s+about\s+)?"
    r"(?:any|anything|everything|whatever)\b|\bthick[\s-]skinned\b"
)
_TOUGH = re.compile(r"\b(?:tough|resilient|hardy|robust)\b")

_CORRECTION = re.compile(
    r"\bactually\b|\bi\s+meant?\b|\bmeant\s+to\s+say\b|\bsorry\b|\bscratch\s+that\b|"
    r"\bcorrection\b|\bmy\s+bad\b|\bwait\b|\bi\s+was\s+wrong\b|\bmistake\b|\btypo\b|"
    r"\bon\s+second\s+thought\b|\bi\s+take\s+(?:that|it)\s+back\b|"
    r"(?<!not )\b(?:oily|greasy|dry|normal)\s*,?\s*not\s+(?:oily|greasy|dry|normal)\b"
)

# A whole message that is just a type answer: "oily", "very dry", "normal I think".
_BARE_FILLERS = frozenset(
    [
        "my",
        "scalp",
        "scalps",
        "it",
        "it's",
        "its",
        "is",
        "i",
        "i'd",
        "id",
        "i'm",
        "im",
        "say",
        "think",
        "guess",
        "would",
        "pretty",
        "very",
        "quite",
        "super",
        "really",
        "kinda",
        "kind",
        "of",
        "sort",
        "mostly",
        "definitely",
        "def",
        "probably",
        "a",
        "bit",
        "little",
        "af",
        "asf",
        "tbh",
        "honestly",
        "so",
        "extremely",
        "like",
        "um",
        "uh",
        "hmm",
        "well",
        "just",
        "skin",
        "type",
        "the",
        "fairly",
        "rather",
        "more",
        "on",
        "side",
        "hella",
        "mega",
        "crazy",
        "ok",
        "okay",
        "oh",
        "lol",
        "haha",
        "generally",
        "usually",
        "always",
        "totally",
        "roots",
        "mine",
        "somewhat",
        "slightly",
        "overall",
        "ish",
    ]
)
_BARE_TYPE_WORDS = {
    "oily": "oily",
    "oilly": "oily",
    "greasy": "oily",
    "dry": "dry",
    "normal": "normal",
    "normalish": "normal",
    "combination": "combination",
    "combo": "combination",
    "mixed": "combination",
}
_WORD = re.compile(r"[a-z']+")

_AFFIRM = re.compile(
    r"(?:yes|yeah|yea|yep|yup|ya|y|definitely|very|quite|totally|absolutely|sure|"
    r"i\s+think\s+so|i\s+guess|a\s+bit|a\s+little|kind\s+of|kinda|sometimes|somewhat|"
    r"slightly|it\s+is|correct|true)\b"
)
_DENY = re.compile(
    r"(?:no|nope|nah|n|not\s+really|not\s+at\s+all|never|hardly|i\s+don'?t\s+think\s+so|"
    r"it'?s\s+not|it\s+isn'?t|false)\b"
)
_BOTH = re.compile(r"(?:both|a\s+bit\s+of\s+both|bit\s+of\s+both|mix\s+of\s+both)\b")
_NEITHER = re.compile(r"(?:neither|neither\s+really|in\s+between|in\s+the\s+middle)\b")

# Wash frequency is read by habits.parse_wash_frequency; clauses about a
# product ("dry shampoo every day", "oil it weekly") are not about washing.
_PRODUCT_WORDS = re.compile(
    r"\bdry[\s-]*sham?p?o+\w*|\bhair[\s-]*spray\w*|\boil(?:s|ing)?\b|\bgels?\b|\bmousse\b|"
    r"\bwax\b|\bstyling\b|\bserums?\b|\bmasks?\b|\bblow[\s-]*dr\w*|\bstraighten\w*|"
    r"\bcurl(?:s|ing)?\b|\bflat[\s-]*iron\w*|\bmassag\w*"
)
_WASH_WORDS = re.compile(
    r"\bwash\w*|(?<!dry )(?<!dry-)\bshampoo\w*|\bcleans\w*|\blather\w*|\bshower\w*"
)
_WASH_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|but|then|plus)\b")
_SENTENCE = re.compile(r"[^.!?\n]+")
# routine's negation scopes end at these, so splitting here changes nothing.
_CLAUSE = re.compile(r"[^.,;:!?()\n]+")
_CHUNK = 200  # characters handed to routine's parsers at a time


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
    norm = _normalise(text)
    if not norm:
        return ScalpFacts()
    ctx = _Context(norm)
    correction = bool(_CORRECTION.search(norm))

    scan = _scan(norm, ctx, correction)
    concerns, negated_concerns = _resolve_concerns(scan.mentions, correction)
    scalp_type = _scalp_type(norm, ctx, scan.type_evidence, correction)
    if scalp_type in _TYPE_DENIED_BY and _TYPE_DENIED_BY[scalp_type] in negated_concerns:
        scalp_type = None  # "dry scalp? no"
    sensitive = _sensitivity(norm, ctx, scan.sensitive_hits)

    if expecting == SENSITIVE_SCALP and sensitive is None:
        sensitive = _yes_no(norm)
    if expecting == SCALP_TYPE and scalp_type is None:
        if _BOTH.match(norm):
            scalp_type = "combination"
        elif _NEITHER.match(norm):
            scalp_type = "normal"

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


def _scan(text: str, ctx: _Context, correction: bool) -> _Scan:
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
    text: str, ctx: _Context, evidence: list[tuple[int, str]], correction: bool
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


def _sensitivity(text: str, ctx: _Context, hits: list[tuple[int, bool]]) -> bool | None:
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


# --------------------------------------------------------------------------
# Corrections
# --------------------------------------------------------------------------

_OPPOSITE_CONCERN = {"oily": "dryness", "dry": "oiliness"}
_TYPE_DENIED_BY = {"oily": "oiliness", "dry": "dryness"}


def merge(previous: ScalpFacts, new: ScalpFacts) -> ScalpFacts:
    """Fold a new message's facts into what the user said before.

    Rules: new explicit values override old ones and ``None`` never erases;
    concerns the new message denies are removed, new concerns are added; a
    scalp type the new message denies ("scratch that, not oily") is cleared;
    a correction to an oily or dry type ("actually it's dry") also drops the
    opposite concern said before. Products accumulate.

    Args:
        previous: What the consultation knew before this message.
        new: ``parse`` of the new message.

    Returns:
        The combined facts; ``correction`` is the new message's flag.
    """
    old_concerns = set(previous.concerns) - set(new.negated_concerns)
    if new.correction and new.scalp_type in _OPPOSITE_CONCERN:
        old_concerns.discard(_OPPOSITE_CONCERN[new.scalp_type])
    concerns = frozenset(old_concerns | set(new.concerns))
    negated = frozenset((set(previous.negated_concerns) - set(new.concerns)) | new.negated_concerns)

    scalp_type = previous.scalp_type
    if scalp_type in _TYPE_DENIED_BY and _TYPE_DENIED_BY[scalp_type] in new.negated_concerns:
        scalp_type = None
    if new.scalp_type is not None:
        scalp_type = new.scalp_type

    return replace(
        previous,
        concerns=concerns,
        negated_concerns=negated,
        scalp_type=scalp_type,
        sensitive=new.sensitive if new.sensitive is not None else previous.sensitive,
        wash_frequency=new.wash_frequency or previous.wash_frequency,
        buildup_products=previous.buildup_products | new.buildup_products,
        goal=new.goal or previous.goal,
        correction=new.correction,
    )

"""Special situations a message raises, each with its own answer (docs/content-rules.md).

A red flag is a referral; a special situation is a question the salon must answer
honestly and safely, whatever flow is going on: a medicine or a dose, chemotherapy,
pregnancy, head lice, distress about hair loss, a diagnosis already under a
professional's care, or a message in another language. :func:`detect` reads the
message with the consultation reader's normal form and negation scopes
(:mod:`scalpcare.consultation_text`), so "I'm not pregnant" and "no lice, I checked"
raise nothing.

Pure Python, no Rasa: the triage policy asks :func:`detect` whether a message needs
its situation's answer, and the situation action says it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from scalpcare.consultation_text import TextContext, normalise
from scalpcare.other_languages import detect_language

#: Where the red-flag screener puts its result in the parse (scalpcare/triage/screen.py).
TRIAGE_PROPERTY = "triage"

#: Where the NLU component puts what it found (rules and model) in the parse data.
PARSE_PROPERTY = "situations"
#: Longer messages are read up to here (a situation is said early, and the reader is linear).
MAX_CHARS = 4000


class Situation(str, Enum):
    """A special situation, in the order its answer is given."""

    CRISIS = "crisis"
    DISTRESS = "distress"
    CHEMO = "chemo"
    LICE = "lice"
    PREGNANCY = "pregnancy"
    UNDER_CARE = "under_care"
    MEDICINE = "medicine"
    OTHER_LANGUAGE = "other_language"

    @property
    def response(self) -> str:
        """The name of its answer in domain.yml."""
        return f"utter_situation_{self.value}"


#: Situations whose answer leaves the user's own question to the normal flow after it
#: ("I'm pregnant, how often should I wash?"): the others answer the question themselves.
FOLLOWED_UP = frozenset((Situation.PREGNANCY, Situation.DISTRESS))


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{part})" for part in parts))


_HAIR = (
    r"\b(?:hair\w*|bald\w*|thinn\w*|shed\w*|patch\w*|looks?|mirror|appearance|dandruff|"
    r"flak\w*|psoriasis|"
    r"alopecia|brows?|eyebrows?|lashes|beard|wigs?|hairline|regrow\w*|falling out)\b"
)
# The scalp itself counts too, except in a massage habit ("I massage my scalp whenever I'm
# anxious" is the massage self-check's warning sign, answered with the massage limits).
_SCALP_NOT_MASSAGE = r"^(?!.*\bmassag).*\bscalp\b"

_CRISIS = _rx(
    r"\b(?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?) myself\b",
    r"\bsuicid\w*",
    r"\bself[- ]?harm\w*",
    r"\bcut(?:ting)? (?:myself|my (?:arms?|wrists?|legs?|thighs?))\b",
    r"\bend(?:ing)? (?:it all|my life|my own life)\b",
    r"\b(?:thought|thinking|think|thoughts) (?:about |of )?(?:ending it|not waking up)\b",
    r"\b(?:want|wanna|wish(?:ing)?) (?:to|i (?:was|were|could)) (?:die|be dead|disappear)\b",
    r"\b(?:do ?n'?t|no longer|not) (?:want|wanna|wanting) (?:to )?"
    r"(?:live|be alive|be here|exist)\b",
    r"\b(?:no|any|the|(?:(?:do ?n'?t|can'?t|cannot) )?see (?:a|the|any)|see no) (?:point|reason) "
    r"(?:of |in |to )?(?:living|"
    r"going on|carrying on|being alive|being here|life)\b",
    r"\b(?:life|living) (?:is ?n'?t|is not|not|isnt) worth (?:it|living)\b",
    r"\bnot worth living\b",
    r"\bbetter off (?:dead|without me)\b",
    r"\b(?:my |the |lost (?:my |the )?|no )will to (?:live|go on|carry on)\b",
    r"\b(?:what'?s|whats|what is) the point (?:of|in) (?:anything|living|life|going on|"
    r"carrying on|it all|being alive|even being here)\b",
    r"\bthoughts? (?:of|about) (?:dying|death|not (?:wanting|being)|ending)\b",
)
_DISTRESS = _rx(
    r"\bdepress(?:ed|ing|ion)\b",
    r"\b(?:anxious|anxiety|panic\w*)\b",
    r"\b(?:cry|cries|crying|cried|in tears)\b",
    r"\bdevastat\w*",
    r"\b(?:embarrass\w*|ashamed|humiliat\w*|mortified)\b",
    r"\bself[- ]?conscious\b",
    r"\bhate (?:my|the way|how|the mirror|that i|the stares|looking)\b",
    r"\b(?:leave|leaving|go out of|going out of|left) the house\b",
    r"\b(?:avoid\w*|hiding from|cancel\w*|stopped seeing|turned down|turning down) "
    r"(?:\w+ )?(?:going out|people|friends|mirrors?|photos|social|dates?|work|invites?|"
    r"invitations?|everyone|anyone|plans?|parties|events?)\b",
    r"\b(?:wrecking|destroying|breaking|eating) me\b",
    r"\b(?:gets?|getting|got) me (?:so |really )?down\b",
    r"\b(?:can'?t|cannot|couldn'?t|could not) (?:even )?face (?:anyone|people|anybody|going|"
    r"the world|work)\b",
    r"\bhiding it\b",
    r"\b(?:do ?n'?t|can'?t|cannot|never|no longer) (?:even )?(?:want to |wanna )?go "
    r"(?:out|outside|anywhere)\b",
    r"\b(?:ruin\w*|destroy\w*|wreck\w*|taken over) my (?:whole )?(?:life|confidence|"
    r"self[- ]esteem)\b",
    r"\b(?:lost|losing|no) (?:all )?(?:my )?(?:confidence|self[- ]esteem)\b",
    r"\b(?:miserable|heartbroken|distraught|hopeless|desperate|traumati[sz]\w*|terrified|"
    r"spiral\w*|downtrodden|dreading|gutted|broken)\b",
    r"\b(?:i'?m|im|i am|she'?s|he'?s|they'?re|feel|feeling|felt) (?:(?!not\b|never\b|no\b)\w+ )?"
    r"(?:upset|low|sad|down|awful|terrible|worse|ugly|shaking|like a freak)\b",
    r"\b(?:getting|gets|got|getting me) (?:me )?down\b",
    r"\b(?:low|my) mood\b",
    r"\bcan'?t cope\b",
    r"\bmental health\b",
    r"\b(?:stares|staring|whispering)\b",
)
_CHEMO = _rx(
    r"\bchemo\w*",
    r"\bradio ?therapy\b",
    r"\bradiation\b",
    r"\boncolog\w*",
    r"\b(?:breast|lung|bowel|prostate|ovarian|blood|brain|skin) cancer\b",
    r"\bcancer (?:treatment|patients?|therapy|drugs|meds|medication|nurse|team|centre|center|"
    r"unit|ward|survivor)\b",
    r"\bmy cancer\b",
    r"\b(?:cold ?cap\w*|scalp cooling)\b",
)
_LICE = _rx(
    r"\b(?:head )?lice\b",
    r"\blouse\b",
    r"\bnits?\b(?! ?pick)",
    r"\b(?:bugs?|insects?|critters|something) (?:crawling|moving|living) (?:in|on|around)\b",
    r"\b(?:tiny|little|small|white) eggs\b",
)
#: Someone who may be expecting, said by their partner ("my wife is 20 weeks"); not a
#: daughter or son ("my daughter is 14 weeks" is as likely a baby's age).
_EXPECTING_PARTNER = (
    r"(?:my|our) (?:wife|partner|girlfriend|gf|missus|missis|fiancee?|other half|"
    r"better half|wifey)"
)
#: "30 weeks gone", "7 months gone" (British: that far into a pregnancy), said of oneself or
#: a partner: read as "along" before the negation scope takes "gone" for a denial (as in
#: "the itch is gone"). Not "2 months gone by" or "it's 3 weeks gone now".
_GESTATION_GONE = re.compile(
    r"\b((?:i'?m|im|i am|she'?s|shes|she is|" + _EXPECTING_PARTNER + r" is) "
    r"(?:only |nearly |almost |about |just )?\d{1,2}(?:\+\d)? ?(?:weeks?|wks?|months?)) gone\b"
)
_PREGNANCY = _rx(
    r"\bpregnan\w*",
    r"\bexpecting (?:a baby|twins|my first|our first|a little one)\b",
    r"\b(?:first|second|third|1st|2nd|3rd) trimester\b",
    r"\bbreast ?-?(?:feed\w*|milk)\b",
    r"\bnursing (?:my|a|the) (?:baby|newborn|son|daughter)\b",
    r"\b(?:trying to conceive|ttc|trying for a baby)\b",
    r"\b(?:a |my |got a |just got a )?positive (?:pregnancy )?test\b",
    r"\bgot (?:my|a) bfp\b",
    # How far along, said without the word: "im 14 wks, can i use peppermint?", "30 weeks
    # along", "just found out im 6 weeks" (not "6 weeks postpartum", "3 weeks into chemo"),
    # said of a partner too ("my wife is 20 weeks", "my partner is 30 weeks gone", "shes
    # 7 months gone"): "gone" (British) and months only after who is expecting.
    r"\b\d{1,2}(?:\+\d)? ?(?:weeks?|wks?|months?) along\b",
    r"\b(?:i'?m|im|i am|she'?s|shes|she is|" + _EXPECTING_PARTNER + r" is) "
    r"(?:only |nearly |almost |about |just )?\d{1,2}(?:\+\d)? ?"
    r"(?:weeks?|wks?)\b(?! (?:into|post|out|after|since|postpartum|pp|in\b|on\b|off|of|clean|"
    r"sober|from|left|until|till|to go|ago|old|late|behind|now since))",
    r"\b(?:1st|2nd|3rd|first|second|third) tri\b",
    r"\b(?:my|the) (?:baby )?bump\b",
    r"\b(?:baby is|baby'?s|i'?m|im|i am) due (?:in|on|at|next|this|any)\b",
    r"\b(?:we'?re|i'?m|im|i am) expecting\b(?! (?:it|that|this|the|results?|a reply|a call|"
    r"to|an? (?:parcel|package|delivery|answer|email)))",
)
_CARER = r"(?:dermatologist|derm\w*|doctor|gp|dr|physician|consultant|nurse|clinic|specialist)"
_UNDER_CARE = _rx(
    r"\b" + _CARER + r"\b[^.?!;]{0,25}?\b(?:diagnosed|confirmed|prescribed|gave me|gave him|"
    r"gave her|put me on|has me on|is treating|treats|treating me|"
    r"said (?:it'?s|it is|it was|i have)|says (?:it'?s|it is|i have)|told me (?:it'?s|i have))",
    r"\b(?:i'?ve been|i was|i got|i'?m|been|was|got|recently|just) diagnosed\b",
    r"\bdiagnosed (?:me |him |her )?with\b",
    # "prescribed", "i use a prescription shampoo", "her prescription foam"; not a question
    # whether one is needed ("do i need a prescription shampoo or can i buy one?")
    r"\bprescribed\b",
    r"(?<!need )(?<!get )(?<!without )(?<!want )(?<!for )\b(?:my|her|his|their|our|the|"
    r"a|an|on|using|use|uses|got|have|has|with)\s+(?:a\s+|an\s+|the\s+|some\s+|my\s+)?"
    r"(?:\w+\s+)?prescription\b(?!\s+(?:or|vs|versus)\b)",
    r"\bprescription (?:\w+ ){0,2}(?:from|by) (?:my|the|a|her|his)\b",
    r"\b(?:treated|being treated|under treatment) (?:by|from|at) (?:a|the|my)\b",
    r"\bon (?:a |some )?treatment (?:from|by|for)\b",
    r"\bunder (?:a|the|my) " + _CARER,
    r"\b(?:i'?m|i am|been|i'?ve been) (?:seeing|under) (?:a|the|my) " + _CARER,
    r"\b(?:scalp )?injections? for\b",
    # "i see a dermatologist for my alopecia" (not "should i see a dermatologist for it?")
    r"(?<!should )(?<!would )(?<!could )(?<!can )(?<!do )(?<!to )(?<!will )(?<!go )"
    r"\b(?:i|we|she|he) (?:see|sees|visit|visits) (?:a|the|my|her|his|our) "
    + _CARER
    + r" (?:for|about|every|regularly|twice|once)\b",
    # "i'm getting treatment for psoriasis", "she's having light therapy"
    r"\b(?:i'?m|im|i am|been|she'?s|he'?s|currently|already|still) (?:getting|having|receiving|"
    r"undergoing) (?:\w+ )?(?:treatment|light therapy|phototherapy|injections)\b",
    r"\b(?:from|by) (?:my|the|a|her|his) (?:dermatologist|derm|doctor|gp|consultant)\b",
)
# Medicines, supplements and treatments (generic names only).
_MEDICINE_NOUN = (
    r"\b(?:(?<!flat )(?<!curling )(?<!straightening )(?<!hair )iron|ferritin|biotin|zinc|"
    r"selenium|collagen|keratin pills|folic acid|folate|"
    r"magnesium|omega ?3|fish oil|vitamins?(?! e\b)|vits?|multivitamins?|b ?12|d ?3|t3|t4|"
    r"vitamin (?!e\b)[a-z0-9]+|supplements?|tablets?|pills?|capsules?|gummies|injections?|shots|"
    r"infusions?|jabs?|paracetamol|ibuprofen|painkillers?|antidepressants?|"
    r"minoxidil|finasteride|dutasteride|spironolactone|ketoconazole|ciclopirox|hydrocortisone|"
    r"steroids?|cortisone|clobetasol|betamethasone|antibiotics?|topicals?|"
    r"antifungals?|antihistamines?|medicines?|medications?|meds|drugs?|"
    r"(?<!curl )(?<!curling )(?<!leave-in )(?<!leave in )(?<!hair )(?<!styling )creams?|"
    r"ointments?|lotions?|coal tar|tar|prescription|"
    r"medicated (?:shampoos?|lotions?|creams?|foams?)|(?:anti-?fungal|tar|steroid) shampoos?|"
    r"(?:lice|nit) (?:treatments?|shampoos?|lotions?|sprays?))\b"
)
_MEDICINE_NOUN_RX = re.compile(_MEDICINE_NOUN)
_PERSON = r"(?:i|we|she|he|they|you|my \w+)"
_DOSE = _rx(
    r"\bhow (?:much|many)\b",
    r"\bwhat (?:dose|dosage|strength|amount)\b",
    r"\b(?:dose|doses|dosage|dosing)\b",
    r"\bhow (?:long|often) (?:should|do|can|must) " + _PERSON + r" (?:take|use|apply|put)\b",
    r"\b(?:too much|too many)\b",
)
_UNIT_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|ug|iu|milligrams?|micrograms?)\b")
_MEDICINE_ASK = _rx(
    r"\b(?:should|can|could|do|must|would|will) " + _PERSON + r" (?:\w+ ){0,3}?(?:take|use|try|"
    r"start|stop|put|apply|get|buy|switch|keep|continue|go back to|push for|ask for|"
    r"be taking|be using|come off|be on|go on|get on)\b",
    # "is there a cream for it", "are there any tablets that help"
    r"\b(?:is|are) there (?:\w+ ){0,3}?" + _MEDICINE_NOUN,
    # "is the iron making my hair fall out", "could the pill be causing it"
    r"\b(?:is|are|could|can|might|would) (?:the |my |these |those |that |this |it |they )?"
    r"(?:\w+ ){0,2}?(?:be )?(?:making|causing|behind|triggering|giving me)\b",
    # "how long before the iron tablets work", "how long until they kick in"
    r"\bhow (?:long|soon) (?:before|until|till|til|does it take|do they take|for)\b",
    r"\bwhat (?:\w+ ){0,2}(?:should|can|could|do|would) (?:i|you|we) (?:take|use|put|apply|"
    r"recommend|suggest|buy)\b",
    r"\b(?:which|what|any|best|good) (?:\w+ ){0,2}" + _MEDICINE_NOUN,
    r"\bis it (?:safe|ok|okay|fine|alright) to (?:take|use|put|apply|keep taking|keep using)\b",
    r"\b(?:is|are) (?:\w+ ){0,3}(?:safe|ok|okay|fine|alright|the same)\b",
    r"\b(?:recommend|recomend|suggest|prescribe) (?:\w+ ){0,3}?" + _MEDICINE_NOUN,
    r"\bdo i need (?:to take )?(?:a |an |any |some )?" + _MEDICINE_NOUN,
    r"\bworth (?:taking|trying|using)\b",
    r"\b(?:does|do|will|would|can|could|did|might) (?:the |my |these |those |they |it )?"
    + _MEDICINE_NOUN
    + r" (?:\w+ ){0,3}?(?:help|work|fix|stop|cure|change|affect|cause|trigger\w*|make)\b",
)
# "anything I can put on it?" asks for a treatment without naming one.
_TREATMENT_ASK = _rx(
    r"\b(?:anything|something|what) (?:i|we|she|he) (?:can|could|should) (?:put|apply|rub|take)"
    r" (?:on|for)\b",
    r"\bwhat (?:do|should|can) (?:i|we) (?:buy|get|use) for (?:it|them|this|that)\b",
    # Something else in place of a treatment: "tea tree instead of the chemical stuff".
    r"\b(?:instead of|rather than|in place of) (?:the |my |her |his |their |a |using |taking )?"
    r"(?:chemical|medicated|prescri\w+|lice|nit|treatment|medicine|medication|cream|lotion|"
    r"tablet|pill|supplement|capsule|steroid|antibiotic|antifungal)\w*",
)
# "can I still scrub the scales off?": the answer is the medicine answer's "meanwhile".
_SCRUB_ASK = _rx(
    r"\b(?:should|can|could|do|must) i (?:still |just |also )?(?:scrub|exfoliate|peel|pick|"
    r"scrape|comb|brush|rub|pull|lift|file)\b[^.?!;]{0,30}?\b(?:scales?|flakes?|crusts?|"
    r"scabs?|plaques?|build-?up|it|them|off|away|out)\b",
    r"\bis it (?:ok|okay|safe|fine|alright) to (?:scrub|exfoliate|peel|pick|scrape)\b",
    r"\b(?:can|could|should) i still (?:have|get|book|do) (?:a |an |the |my )?(?:\w+ )?"
    r"(?:scrub|exfoliation|exfoliating|peel)\b",
    # "is it ok to use a scrub on the scales", "can i use my scalp brush on the patches"
    r"\b(?:(?:should|can|could|do|must) i (?:still |just |also )?|is it (?:ok|okay|safe|fine|"
    r"alright) to )(?:use|put|try|do) (?:a |an |the |my |this |that )?(?:\w+ )?(?:scrub|"
    r"exfoliator|exfoliant|peel|brush)\w*\b[^.?!;]{0,25}?\b(?:on|over) (?:\w+ ){0,2}?"
    r"(?:scales?|flakes?|crusts?|scabs?|plaques?|patch(?:es)?|psoriasis|eczema|sores?|rash)\b",
)


def _non_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    non_latin = sum(1 for c in letters if "LATIN" not in unicodedata.name(c, ""))
    return non_latin / len(letters) >= 0.5


def mostly_non_latin(text: str) -> bool:
    """Are most of the message's letters outside the Latin script (not English)?"""
    return _non_latin(text[:MAX_CHARS])


def _found(pattern: re.Pattern[str], text: str, ctx: TextContext) -> bool:
    """Does ``pattern`` match somewhere that is not negated ("not pregnant", "no lice")?"""
    return any(not ctx.negated(m.start(), m.end()) for m in pattern.finditer(text))


def _medicine(text: str, ctx: TextContext) -> bool:
    if _found(_SCRUB_ASK, text, ctx) or _found(_TREATMENT_ASK, text, ctx):
        return True
    if _found(_UNIT_DOSE, text, ctx):
        return True
    nouns = [m for m in _MEDICINE_NOUN_RX.finditer(text) if not ctx.negated(m.start(), m.end())]
    if not nouns:
        return False
    return bool(_DOSE.search(text) or _MEDICINE_ASK.search(text))


def detect(text: str | None) -> tuple[Situation, ...]:
    """The special situations a message raises, in answering order (pure, table-tested).

    Args:
        text: The user's message, as written.

    Returns:
        Each situation at most once; empty for an ordinary message.
    """
    if not text or text.startswith("/"):
        return ()
    raw = text[:MAX_CHARS]
    if _non_latin(raw) or detect_language(raw) is not None:
        return (Situation.OTHER_LANGUAGE,)
    norm = _GESTATION_GONE.sub(r"\1 along", normalise(raw))
    ctx = TextContext(norm)
    found: list[Situation] = []
    if _found(_CRISIS, norm, ctx):
        found += [Situation.CRISIS, Situation.DISTRESS]
    elif _found(_DISTRESS, norm, ctx) and _about_hair(norm):
        found.append(Situation.DISTRESS)
    for situation, pattern in (
        (Situation.CHEMO, _CHEMO),
        (Situation.LICE, _LICE),
        (Situation.PREGNANCY, _PREGNANCY),
        (Situation.UNDER_CARE, _UNDER_CARE),
    ):
        if _found(pattern, norm, ctx):
            found.append(situation)
    if _medicine(norm, ctx):
        found.append(Situation.MEDICINE)
    return tuple(found)


def from_parse(parse_data: Mapping[str, Any] | None, text: str | None) -> tuple[Situation, ...]:
    """The situations the NLU component found (rules and model), or the rules' on ``text``.

    A message that did not go through this model's NLU (injected with an intent, a
    conversation test) is read by the rules here, so no path skips the answer.
    """
    stored = (parse_data or {}).get(PARSE_PROPERTY)
    if not isinstance(stored, list):
        return detect(text)
    names = {str(name) for name in stored}
    found = tuple(s for s in Situation if s.value in names)
    if Situation.LICE in found and _referred(parse_data) and Situation.LICE not in detect(text):
        # "my daughter has a round bald patch": the referral is the answer. The model's
        # guess of lice alone would say "routines can wait until it's cleared" beside it.
        found = tuple(s for s in found if s is not Situation.LICE)
    return found


def _referred(parse_data: Mapping[str, Any] | None) -> bool:
    """Whether the message's screening found a dermatologist or urgent red flag."""
    screened = (parse_data or {}).get(TRIAGE_PROPERTY)
    level = screened.get("level") if isinstance(screened, Mapping) else None
    return level in ("dermatologist", "urgent")


def about_hair_or_scalp(text: str | None) -> bool:
    """Does the message speak of hair, the scalp or looks (not a massage habit)?

    Distress is answered as distress about hair and scalp changes: "I feel anxious if I
    skip it" said of daily massage is the massage self-check's warning sign instead.
    """
    return _about_hair(normalise((text or "")[:MAX_CHARS]))


#: "my scalp got so angry", "an angry red scalp": the skin's irritation, said as a mood.
_SCALP_MOOD = re.compile(
    r"\b(?:scalp|skin)\b(?:\s+(?!me\b|i\b|i'?m\b|myself\b|makes?\b|making\b)[\w']+){0,3}?"
    r"\s+(?:so\s+|really\s+|very\s+|super\s+|all\s+)?"
    r"(?:angry|cranky|upset|unhappy|grumpy|furious|mad|moody)\b"
    r"|\b(?:angry|cranky|upset|unhappy|grumpy|furious|moody)\s+(?:\w+\s+)?(?:scalp|skin)\b"
)


def mood_of_the_scalp(text: str | None) -> bool:
    """Is a mood word said of the scalp or skin, as in "my scalp got so angry" (pure)?

    That is irritation, not the person's feelings: a learned distress reading of such a
    message is not taken (the rules' own distress words still count).
    """
    return bool(_SCALP_MOOD.search(normalise((text or "")[:MAX_CHARS])))


def _about_hair(norm: str) -> bool:
    return bool(re.search(_HAIR, norm) or re.search(_SCALP_NOT_MASSAGE, norm))


def answered(slot_value: object) -> tuple[str, ...]:
    """The situations already answered, from the ``situations_answered`` slot's value."""
    return tuple(str(v) for v in slot_value) if isinstance(slot_value, list) else ()


def to_answer(
    found: tuple[Situation, ...], answered: tuple[str, ...] = (), text: str | None = None
) -> tuple[Situation, ...]:
    """The situations still to answer: each once a conversation, except questions.

    A medicine question, a crisis and another language are answered every time they
    come; the others (chemotherapy, pregnancy, lice, distress, a diagnosis under care)
    once, so that "as I said, I'm pregnant" does not repeat the whole answer. A question
    about treating lice once lice were answered ("whats the best stuff to get rid of them
    for good", "which lotion should i buy for her") reads as a medicine question too: it is
    the lice reminder's (:func:`lice_reminder`: a pharmacist or GP advises on treating
    lice), not the general medicine answer about flaky or sore skin.
    """
    repeat = {Situation.MEDICINE, Situation.CRISIS, Situation.OTHER_LANGUAGE}
    todo = tuple(s for s in found if s in repeat or s.value not in answered)
    if todo == (Situation.MEDICINE,) and lice_reminder(text, answered):
        return ()
    return todo


def defers_referral(
    found: tuple[Situation, ...], answered: tuple[str, ...] = (), models_call_alone: bool = False
) -> bool:
    """Is a ``doctor`` (nutrient) finding left to the care the person already has?

    Someone on chemotherapy is pointed to their oncology team, never to a deficiency guess;
    someone whose condition is already diagnosed and treated is pointed back to that
    professional: their answer says so, in this message (``found``) or earlier in the
    conversation (``answered``). Head lice's answer names the pharmacist or GP, so it takes
    the place of a doctor's call of the learned screener alone (``models_call_alone``: "my
    daughter has lice, what do I do"); the rules' nutrient context is still referred. A
    ``dermatologist`` or ``urgent`` finding is never deferred (docs/content-rules.md).
    """
    care = {Situation.CHEMO, Situation.UNDER_CARE}
    if models_call_alone:
        care.add(Situation.LICE)
    return bool(care & set(found)) or bool({s.value for s in care} & set(answered))


#: A self-massage question, or one about a scalp treatment or colour, once chemotherapy or
#: radiotherapy was answered: the oncology team's word first, no limit of the assistant's
#: (:func:`oncology_first`, :func:`chemo_reminder`).
CHEMO_AGAIN_RESPONSE = "utter_situation_chemo_again"


def oncology_first(found: Iterable[Situation] = (), answered: Iterable[str] = ()) -> bool:
    """Is self-massage the oncology team's to allow, not the assistant's to limit (pure)?

    Once chemotherapy or radiotherapy is raised (in this message, ``found``, or earlier in
    the conversation, ``answered``), the answer is "ask your oncology team before any scalp
    massage": no self-massage limit is given or paused by number, whatever else is said.
    """
    return Situation.CHEMO in set(found) or Situation.CHEMO.value in set(answered)


#: The crisis answer's response (its variables: emergency, crisis_line, contact).
CRISIS_RESPONSE = "utter_situation_crisis"
#: Said once after the crisis answer, to a reply that brings no new topic.
CRISIS_AGAIN_RESPONSE = "utter_situation_crisis_again"
#: Replies to the crisis answer that bring no new topic: "i dont know. i just needed to
#: tell someone", "ok", "thanks", "no", a wish for someone to talk to.
CRISIS_CONTINUES_INTENTS = frozenset(
    (
        "human_handoff",
        "nlu_fallback",
        "out_of_scope",
        "deny",
        "affirm",
        "thank",
        "goodbye",
        "inform",
    )
)


def previous_turn_replies(newest_first: Iterable[Mapping[str, Any]]) -> list[str]:
    """The response names the assistant said between the last two user messages (pure).

    Args:
        newest_first: The conversation's events as Rasa serialises them, newest first
            (read only as far back as the user message before the latest).
    """
    names: list[str] = []
    users = 0
    for event in newest_first:
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif users == 1 and event.get("event") == "bot":
            names.append(str((event.get("metadata") or {}).get("utter_action") or ""))
    return names


def crisis_continues(previous_replies: Iterable[str], intent: str | None) -> bool:
    """Does the message reply to the crisis answer just given, with no new topic (pure)?

    Someone who wrote about ending their life and then says "i just needed to tell
    someone" gets the crisis lines again, in a few words, before anything else; once:
    after that, the conversation goes where they take it.

    Args:
        previous_replies: The response names of the assistant's previous turn.
        intent: The latest message's intent.
    """
    return CRISIS_RESPONSE in set(previous_replies) and intent in CRISIS_CONTINUES_INTENTS


def distress_continues(
    previous_replies: Iterable[str], found: Iterable[Situation], answered: Iterable[str] = ()
) -> bool:
    """Does the message go on with the distress just answered (pure)?

    Distress is answered once a conversation, but someone who answers it by saying more
    about how they feel ("everyone says it's only hair, it isn't to me") is still in it:
    right after the distress answer, a message in which distress is found again is
    acknowledged again, before anything else. Once the conversation moved on (another
    turn came between), the distress answer is not repeated.

    Args:
        previous_replies: The response names of the assistant's previous turn.
        found: The situations found in the latest message (rules and model).
        answered: The situations already answered in the conversation.
    """
    return (
        Situation.DISTRESS in set(found)
        and Situation.DISTRESS.value in set(answered)
        and Situation.DISTRESS.response in set(previous_replies)
    )


def distress_in_context(text: str | None, hair_context: bool) -> bool:
    """Is the message distress that does not name the hair, in a talk about the hair (pure)?

    "i dont know anymore, i just feel so low about it all", answering a consultation
    question after "shedding": the rules' distress words, not negated, without a word of
    hair or scalp of its own (:func:`detect` then finds nothing), while the conversation
    is about the client's hair or scalp (``hair_context``). A message about massage ("I
    feel anxious if I skip it") stays the massage self-check's.

    Args:
        text: The user's message.
        hair_context: The conversation is about the client's hair or scalp (their
            concerns are known, or the message before spoke of them).
    """
    if not hair_context or not text or text.startswith("/"):
        return False
    raw = text[:MAX_CHARS]
    if _non_latin(raw) or detect_language(raw) is not None:
        return False
    norm = normalise(raw)
    if re.search(r"\bmassag", norm):
        return False
    return _found(_DISTRESS, norm, TextContext(norm))


def with_distress_in_context(
    found: tuple[Situation, ...],
    text: str | None,
    concerns: object = None,
    previous_text: str | None = None,
) -> tuple[Situation, ...]:
    """The situations found, with distress when :func:`distress_in_context` reads it (pure).

    Args:
        found: The situations found in the message itself.
        text: The user's message.
        concerns: The ``concerns`` slot's value (known concerns make a talk about hair).
        previous_text: The user's message before this one.
    """
    if Situation.DISTRESS in found or Situation.CRISIS in found:
        return found
    hair_context = bool(concerns) or about_hair_or_scalp(previous_text)
    if distress_in_context(text, hair_context):
        return (*found, Situation.DISTRESS)
    return found


#: A short reminder to a later question about oils, actives or treatments, once pregnancy
#: (or breastfeeding) was answered in the conversation.
PREGNANCY_AGAIN_RESPONSE = "utter_situation_pregnancy_again"
#: What the midwife or doctor checks in pregnancy: oils, actives, treatments.
_PREGNANCY_CHECKED = re.compile(
    r"\b(?:oils?|essential|rosemary|peppermint|tea tree|lavender|retin\w*|salicylic|glycolic|"
    r"acids?|exfoliat\w*|peel\w*|scrub\w*|massag\w*|products?|serums?|dyes?|colou?r\w*|"
    r"bleach\w*|treatments?|facials?|minoxidil)\b"
)
#: "is it ok", "ok to use", "safe", "?": a question whether something is safe ("ok, I'll
#: check" opens a sentence without asking anything); also "safer", "gentler", a tag
#: question ("that's gentler isn't it") and a message opening as a question ("is the toner
#: ok", "what about a gloss").
_ASKS_IF_SAFE = re.compile(
    r"\?|\b(?:is|it'?s|its|be|are|still|that|this|those)\s+(?:it\s+|that\s+|they\s+)?"
    r"(?:ok|okay|fine|alright)\b|\b(?:ok|okay|fine|alright)\s+(?:to|for|if|while|during|with)\b"
    r"|\b(?:safe|safer|gentler|milder|kinder|worry|worried|risk\w*|harm\w*)\b"
    r"|\b(?:is ?n'?t|isnt|are ?n'?t|arent|would ?n'?t|wouldnt|wo ?n'?t|wont) "
    r"(?:it|they|that|this)\b"
    r"|^(?:(?:ok|okay|oh|and|so|also|hmm|right)[,.!]?\s+)*(?:is|are|can|could|would|will|should|"
    r"do|does|what about|how about)\b"
)
#: A booking asked for ("can I book the scalp facial for Thursday?"): the booking's, not a
#: question about a treatment's safety.
_ASKS_TO_BOOK = re.compile(r"\b(?:book|booking|reserve|appointment for)\b")


def pregnancy_reminder(text: str | None, answered: Iterable[str]) -> bool:
    """Does a question about oils, actives or treatments come after pregnancy was answered?

    "and if i put a few drops of rosemary oil in with it?", "is the exfoliating bit ok for
    me?": the pregnancy answer is not given again in full, but its point is (pure).
    """
    return _asks_again(text, answered, Situation.PREGNANCY, _PREGNANCY_ASKED, _ASKS_IF_SAFE)


def _asks_again(
    text: str | None,
    answered: Iterable[str],
    situation: Situation,
    topic: re.Pattern[str],
    asks: re.Pattern[str],
) -> bool:
    """A question about ``topic`` after ``situation`` was answered, not a booking (pure)."""
    if situation.value not in set(answered):
        return False
    norm = normalise((text or "")[:MAX_CHARS])
    if _ASKS_TO_BOOK.search(norm):
        return False
    return bool(topic.search(norm) and asks.search(norm))


#: A short reminder to a later question about treating head lice, once lice were answered.
LICE_AGAIN_RESPONSE = "utter_situation_lice_again"
#: What a question about treating lice asks for: a treatment, a product, how to get rid.
_LICE_TREATMENT = re.compile(
    r"\b(?:treat\w*|shampoos?|lotions?|sprays?|products?|combs?|combing|kill\w*|"
    r"get rid|clear (?:them|it)|buy|chemist|pharmacy|medicin\w*|oils?|tea tree|conditioner|"
    r"what (?:do|should|can) i (?:use|put|get|do)|stronger|resistant|"
    r"(?:something|anything) (?:else )?(?:i|we) (?:can|could|should) (?:get|use|buy|put|try)|"
    # using it: "how long do i leave it on her hair", "do i repeat it"
    r"leave (?:it|them|the \w+) (?:on|in)|repeat\w*|second (?:treatment|dose|go|round)|"
    # the household: "do i have to wash all the pillows and brushes"
    r"pillows?|pillowcases?|bedding|bed ?sheets|sheets|brushes|hairbrushes|hats|towels|"
    r"soft toys|teddies|sofa|car seats?|hoover\w*|vacuum\w*|boil ?wash\w*)\b"
)
#: Coming to the salon: a booking, an appointment, a visit, a cut (lice_reminder).
_SALON_VISIT = re.compile(
    r"\b(?:book\w*|appointments?|appts?|app't|reservations?|come (?:in|along|round|over)|"
    r"coming (?:in|along)|bring (?:him|her|them|my \w+|the kids?) (?:in|along)|"
    r"visit\w*|cancel\w*|reschedul\w*|postpone\w*|haircuts?|hair cuts?|salon|"
    r"(?:a|her|his|my|their|the kids?'?s?) (?:cut|trim)|sessions?|facials?)\b"
)
#: A visit already put after the treatment ("can i book the facial for after the
#: treatment", "once they're all gone can we come in"): the answer's point was taken.
_AFTER_CLEARED = re.compile(
    r"\b(?:after|once|when|as soon as)\b[^.?!]*?\b(?:treat\w*|clear\w*|gone|done|over|"
    r"finished|sorted|dead|free|nit[\s-]?free|lice[\s-]?free)\b"
)
#: Asking about it, or saying it stands ("still on for saturday", "i'll book anyway").
_ASKS_VISIT = re.compile(
    r"\?|\b(?:can|could|should|shall|would|will|do|does|is|are|ok|okay|fine|alright|"
    r"still|when|how soon|want|wanna|like to|need to|going to|gonna|i'?ll|we'?ll)\b"
)
#: "is it", "?", "what", "which": a question (or a request for one) about it.
_ASKS = re.compile(r"\?|\b(?:what|which|how|should|can|could|is|are|does|do|best|recommend\w*)\b")


#: Salon and at-home scalp treatments, hair colour included, that the oncology team is asked
#: about first once chemotherapy or radiotherapy was answered. (Self-massage has its own
#: path: the massage limits say the same, :func:`oncology_first`.)
_CHEMO_CHECKED = re.compile(
    r"\b(?:facials?|exfoliat\w*|scrub\w*|peel\w*|steam\w*|treatments?|serums?|masks?|oils?|"
    r"products?|routine|salicylic|acids?|tea tree|peppermint|rosemary|minoxidil|"
    r"hot towel|spa)\b"
)
_MASSAGE = re.compile(r"\bmassag\w*")
#: Asking whether to have or use it: "what about", "can she", "would it help", "is it ok".
_ASKS_TO_HAVE = re.compile(
    r"\?|\b(?:what about|how about|can|could|should|would|will|wud|may|is it|is that|"
    r"are they|ok|okay|fine|alright|safe|safer|help\w*|worth)\b"
)
#: Asking what it is or does ("what is a scalp facial exactly"): the FAQ's answer.
_ASKS_WHAT_IT_IS = re.compile(
    r"^(?:(?:so|and|ok|okay|sorry|but|hmm)[,.!]?\s+)*(?:what(?:'s|s| is| are| does| do)|"
    r"how (?:does|do|is)|whats)\b(?! about)"
)


def chemo_reminder(text: str | None, answered: Iterable[str]) -> bool:
    """Does a question about a scalp treatment or colour come after chemotherapy (pure)?

    "what about just a scalp facial to freshen her up", "would a gentle exfoliating
    treatment help it": the oncology team's word first again, in a line
    (:data:`CHEMO_AGAIN_RESPONSE`), not the treatment's FAQ. A massage question is the
    massage limits' (they say the same); what a treatment is ("what is a scalp facial
    exactly") is the FAQ's.
    """
    norm = normalise((text or "")[:MAX_CHARS])
    if _MASSAGE.search(norm) or _ASKS_WHAT_IT_IS.search(norm):
        return False
    return any(
        _asks_again(text, answered, Situation.CHEMO, topic, _ASKS_TO_HAVE)
        for topic in (_CHEMO_CHECKED, _COLOUR_TREATMENT)
    )


def lice_reminder(text: str | None, answered: Iterable[str]) -> bool:
    """Does a question about treating lice come after lice were answered (pure)?

    "whats the best treatment to buy", "will tea tree oil kill them?", "how long do i leave
    it on", "do i have to wash all the pillows": the lice answer's point (a pharmacist or GP
    advises on treatment; a hot wash for combs, brushes and pillowcases) again, in a line;
    never a product. A visit to the salon asked about afterwards ("can we still come
    saturday?", "should i cancel my appt") gets it too: it says to treat first. A visit
    already put after the treatment ("book the facial for after the treatment") does not.
    """
    if _asks_again(text, answered, Situation.LICE, _LICE_TREATMENT, _ASKS):
        return True
    if Situation.LICE.value not in set(answered):
        return False
    # A visit to the salon asked about once lice were answered ("so can i still come in
    # for my appt on thursday", "should we cancel saturday's booking", "can i book a
    # facial for next week then"): the answer's point is to treat before a salon visit.
    norm = normalise((text or "")[:MAX_CHARS])
    if _AFTER_CLEARED.search(norm):
        return False
    return bool(_SALON_VISIT.search(norm) and _ASKS_VISIT.search(norm))


#: Hair colour, bleach, perms or relaxers asked about in pregnancy: the real question gets
#: its own line (the pregnancy answer speaks of oils and actives only).
PREGNANCY_COLOUR_RESPONSE = "utter_situation_pregnancy_colour"
_COLOUR_TREATMENT = re.compile(
    r"\b(?:dye\w*|dyin\w*|colou?r(?:ed|ing|ist)?\b(?! of\b)|highlights?|balayage|bleach\w*|"
    r"henna|tint\w*|perm(?:s|ed|ing)?|relax(?:er|ers|ed)\b|keratin|"
    r"roots? (?:done|touch\w*|retouch\w*)|"
    r"touch(?:ing)? up (?:my|the) roots|"
    r"wash[\s-]*in[\s-]*(?:wash[\s-]*)?out|semi[\s-]*permanent|toner|toning|glaze|gloss)"
)
#: A later question in pregnancy is about oils, actives and treatments, or hair colour
#: ("what about a wash in wash out rinse, that's gentler isn't it").
_PREGNANCY_ASKED = re.compile(f"{_PREGNANCY_CHECKED.pattern}|{_COLOUR_TREATMENT.pattern}")


def asks_about_colour(text: str | None) -> bool:
    """Does the message ask about colouring, bleaching or perming hair (pure)?

    "is it ok to get my hair coloured at 14 weeks?", "would highlights be safer than
    all-over dye?": in pregnancy the answer names who decides (midwife or doctor).
    """
    return bool(_COLOUR_TREATMENT.search(normalise((text or "")[:MAX_CHARS])))

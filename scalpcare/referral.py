"""What the assistant says when it refers someone, and the appointment summary (pure).

No Rasa imports: each reply is a named phrase (:mod:`scalpcare.phrases`) composed from
screening results and the client's own words, and worded by its responses in
``domain.yml`` (``utter_referral_...``, ``utter_sign_...``, ``utter_summary_...``), so
the replies can be tested as tables and reworded without touching Python. Content rules
(docs/content-rules.md): never diagnose ("what you describe is something a dermatologist
should look at", not "you have psoriasis"), never prescribe or name a supplement or
brand, and give no routine at all when care is urgent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scalpcare.contract import Referral
from scalpcare.phrases import Capitalised, Phrase, Value, and_list, joined, lines, phrase

#: The referral for each level, by the name of its response ({finding}: the client's
#: words in brackets, see :func:`referral_message`).
URGENT = "utter_referral_urgent"
DERMATOLOGIST = "utter_referral_dermatologist"
DOCTOR = "utter_referral_doctor"
DOCTOR_WHILE_REFERRED = "utter_referral_doctor_while_referred"
#: A doctor's matter that is not nutrient context (the learned screener's call without a
#: deficiency sign): the nutrient wording above would be wrong for it.
DOCTOR_GENERAL = "utter_referral_doctor_general"
DOCTOR_GENERAL_OTHER = "utter_referral_doctor_general_other"
NUTRIENT_NOTE = "utter_referral_nutrient_note"
ALREADY = "utter_referral_already"
# The same referrals for somebody else the user describes ("my son", "my husband"):
# docs/content-rules.md, "Referral levels": the level is about the person described,
# worded for them.
URGENT_OTHER = "utter_referral_urgent_other"
DERMATOLOGIST_OTHER = "utter_referral_dermatologist_other"
DOCTOR_OTHER = "utter_referral_doctor_other"
#: The question ending a dermatologist referral (its response has the offer's buttons).
SUMMARY_OFFER = "utter_referral_summary_offer"
SUMMARY_OFFER_OTHER = "utter_referral_summary_offer_other"
#: Signs from different messages that together need care now.
URGENT_COMBINED = "utter_referral_urgent_combined"
#: Added while a person from the salon has the conversation (a handoff).
STAFF_TOLD = "utter_referral_staff_told"
#: Added for a message in another language (docs/content-rules.md, "Special situations").
ENGLISH_ONLY = "utter_referral_english_only"
#: The client's words for a finding, in brackets after "What you describe".
FINDING = "utter_referral_finding"
#: Instead of the client's words: none to quote, or all of them blank.
WHAT_YOU_DESCRIBE = "utter_referral_what_you_describe"
WHAT_YOU_MENTIONED = "utter_referral_what_you_mentioned"

#: The professional each level names, in plain words.
WHO: dict[Referral, Phrase] = {
    Referral.URGENT: phrase("utter_referral_who_urgent"),
    Referral.DERMATOLOGIST: phrase("utter_referral_who_dermatologist"),
    Referral.DOCTOR: phrase("utter_referral_who_doctor"),
}
#: A child's scalp problem goes to a doctor or dermatologist
#: (docs/content-rules.md, "Referral levels").
WHO_FOR_CHILD = phrase("utter_referral_who_child")

#: A sign in plain words, for findings without the user's own words (the learned
#: model's) and for signs combined across messages. Never a diagnosis.
SIGN_WORDS: dict[str, Phrase] = {
    "fever": phrase("utter_sign_fever"),
    "infection": phrase("utter_sign_infection"),
    "swelling": phrase("utter_sign_swelling"),
    "spreading": phrase("utter_sign_spreading"),
    "bleeding": phrase("utter_sign_bleeding"),
    "severe_pain": phrase("utter_sign_severe_pain"),
    "blisters": phrase("utter_sign_blisters"),
    "patchy_loss": phrase("utter_sign_patchy_loss"),
    "scaling": phrase("utter_sign_scaling"),
    "redness": phrase("utter_sign_redness"),
    "non_healing": phrase("utter_sign_non_healing"),
    "scarring": phrase("utter_sign_scarring"),
    "lump": phrase("utter_sign_lump"),
    "fungal": phrase("utter_sign_fungal"),
    "allergic": phrase("utter_sign_allergic"),
    "head_injury": phrase("utter_sign_head_injury"),
    "head_injury_warning": phrase("utter_sign_head_injury_warning"),
    "chemical_burn": phrase("utter_sign_chemical_burn"),
    "deficiency": phrase("utter_sign_deficiency"),
    "described_sign": phrase("utter_sign_described_sign"),
}


def sign_words(signs: Iterable[str]) -> Value:
    """Signs in plain words, joined ("a fever and pus or an oozing sore").

    A sign without plain words (none is expected) is its name with spaces ("new sign").
    """
    words = [SIGN_WORDS.get(sign, sign.replace("_", " ")) for sign in dict.fromkeys(signs)]
    return and_list(words, phrase(WHAT_YOU_MENTIONED))


def join_adjacent(spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """The user's words for findings, with touching or overlapping spans joined (pure).

    "seborrheic" and "dermatitis" found side by side are quoted as "seborrheic
    dermatitis", and "bald patch" with "patch that's spreading" as one phrase, never as
    fragments.

    Args:
        spans: ``(start, end, text)`` of each finding in one message.

    Returns:
        The phrases, in the order of the message.
    """
    merged: list[tuple[int, int, str]] = []
    for start, end, text in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            first, last, words = merged[-1]
            if end > last:
                words = words + " " + text if start == last + 1 else words + text[last - start :]
            merged[-1] = (first, max(last, end), words)
        else:
            merged.append((start, end, text))
    return [words for _, _, words in merged]


def _quote(texts: Iterable[str], limit: int = 3, plain: Iterable[Value] = ()) -> Value:
    """Join the user's own words for a finding (quoted, no repeats), then plain words."""
    quoted: list[Value] = [f'"{s}"' for s in _unique(texts, limit, strip=" .,!?;:")]
    quoted += [p for p in _distinct(plain, limit) if p not in quoted][: max(0, limit - len(quoted))]
    return and_list(quoted, phrase(WHAT_YOU_MENTIONED))


def _distinct(values: Iterable[Value], limit: int) -> list[Value]:
    """The first ``limit`` values without repeats (text as :func:`_unique` compares it)."""
    out: list[Value] = []
    seen: list[Value] = []
    for value in values:
        if isinstance(value, str):
            value = " ".join(value.split()).strip(" .,;:")
            key: Value = value.lower()
            if not value:
                continue
        else:
            key = value
        if key not in seen:
            seen.append(key)
            out.append(value)
    return out[:limit]


def referral_message(
    new_level: Referral,
    described: Sequence[str],
    previous_level: Referral = Referral.NONE,
    *,
    plain: Sequence[Value] = (),
    about: str = "self",
    person: str = "",
    nutrient: bool = True,
) -> Value:
    """The reply to a message that carries a red flag.

    Args:
        new_level: Level of the red flags in this message.
        described: The user's words for each finding at that level (quoted).
        previous_level: The referral that already stood before this message.
        plain: Findings in plain words (:data:`SIGN_WORDS`; no words of the user's to quote).
        about: Whom the finding is about: ``self``, ``care`` (a child or client in the
            user's care) or ``other`` (another adult).
        person: The user's word for that person ("son", "husband").
        nutrient: A doctor's referral is about nutrient context (the rules' doctor
            findings always are); False gives the general doctor's reply.

    Returns:
        The phrase to send, before any other advice in the same turn (empty text at
        level ``none``).
    """
    if new_level is Referral.DOCTOR:
        # The doctor's reply itself says "can go with low iron, protein or vitamins".
        plain = [words for words in plain if words != SIGN_WORDS["deficiency"]]
    if described or plain:
        what = _quote(described, plain=plain)
        finding: Value = phrase(FINDING, what=what)
    else:
        # Nothing to quote (the learned model's finding without a named sign):
        # "What you describe is...", "please have what you describe looked at".
        what = phrase(WHAT_YOU_DESCRIBE)
        finding = ""
    if about != "self" and person:
        who = WHO_FOR_CHILD if about == "care" else WHO[Referral.DERMATOLOGIST]
        if new_level is Referral.URGENT:
            return phrase(URGENT_OTHER, person=person, finding=finding)
        if new_level is Referral.DERMATOLOGIST:
            referred = phrase(DERMATOLOGIST_OTHER, person=person, finding=finding, who=who)
            return lines([referred, phrase(SUMMARY_OFFER_OTHER)])
        if new_level is Referral.DOCTOR:
            other = DOCTOR_OTHER if nutrient else DOCTOR_GENERAL_OTHER
            return phrase(other, person=person, finding=finding)
        return ""
    if new_level is Referral.URGENT:
        return phrase(URGENT, finding=finding)
    if new_level is Referral.DOCTOR and not nutrient:
        if previous_level.rank >= Referral.DERMATOLOGIST.rank:
            return phrase(ALREADY, what=what, who=WHO[previous_level])
        return phrase(DOCTOR_GENERAL, finding=finding)
    if new_level is Referral.DOCTOR:
        if previous_level.rank >= Referral.DERMATOLOGIST.rank:
            return phrase(DOCTOR_WHILE_REFERRED, finding=finding)
        return phrase(DOCTOR, finding=finding)
    if new_level is Referral.DERMATOLOGIST and previous_level.rank >= new_level.rank:
        # The same or a stronger referral already stands: a short reminder,
        # not the whole explanation again.
        return phrase(ALREADY, what=what, who=WHO[previous_level])
    if new_level is Referral.DERMATOLOGIST:
        return lines([phrase(DERMATOLOGIST, finding=finding), phrase(SUMMARY_OFFER)])
    return ""


def combined_message(now: Sequence[str], earlier: Sequence[str]) -> Value:
    """The reply when signs of this message and earlier ones together are urgent.

    Args:
        now: The signs of this message that take part (plain words are made of them).
        earlier: The signs from earlier messages that take part.

    Returns:
        The urgent referral, naming both (its first letter a capital).
    """
    return Capitalised(phrase(URGENT_COMBINED, now=sign_words(now), earlier=sign_words(earlier)))


def triage_reply(
    new_level: Referral,
    described: Sequence[str],
    previous_level: Referral = Referral.NONE,
    nutrient_context: Sequence[str] = (),
    **wording: str | bool | Sequence[Value],
) -> Value:
    """The whole triage reply: the referral, plus a nutrient note when both occur.

    Args:
        new_level: Strongest level found in this message.
        described: The user's words for each finding at that level.
        previous_level: The referral that already stood before this message.
        nutrient_context: The user's words for nutrient signals in this message.
        **wording: ``plain``, ``about``, ``person`` and ``nutrient``, as for
            :func:`referral_message`.

    Returns:
        The phrase to send (empty text when there is nothing to say).
    """
    message = referral_message(new_level, described, previous_level, **wording)  # type: ignore[arg-type]
    if nutrient_context and new_level is Referral.DERMATOLOGIST:
        return lines([message, phrase(NUTRIENT_NOTE, what=_quote(nutrient_context))])
    return message


# ---------------------------------------------------------------------------
# Appointment summary
# ---------------------------------------------------------------------------
#: How roughly: "like 3 months", "about a year", "the best part of a year".
_ABOUT = (
    r"(?:like|about|around|almost|nearly|roughly|maybe|approx\w*|at least|more than|"
    r"well over|over|just over|just under|under|a good|the best part of)"
)
#: How many: "a couple of", "a good few", "half a", "3-4", "two".
_COUNT = (
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few|"
    r"several|some|many|a couple(?: of)?|couple(?: of)?|half an?|"
    r"\d+(?:\s*(?:-|to|or)\s*\d+)?(?:ish)?)"
)
_UNIT = r"(?:days?|weeks?|wks?|fortnights?|months?|mnths?|mos?|years?|yrs?)"
#: "a week or two", "a year and a half", "3 weeks or so" (the "or so" of a duration).
_AMOUNT = (
    r"(?:" + _ABOUT + r"\s+)?(?:" + _COUNT + r"\s*)?" + _UNIT + r"(?:\s+and\s+a\s+half)?\b"
    r"(?:\s+or\s+(?:two|three|so|more)\b)?"
)
#: An amount said on its own, not a habit ("about 6 wks", "a few days", not "every few
#: days" or "3 days a week").
_BARE_AMOUNT = (
    r"(?<!every )(?<!every other )(?<!once )(?<!twice )(?<!in )(?<!in a )(?<!after )"
    r"(?<!after a )(?<!within )(?<!within a )(?<!every a )"
    r"\b(?:" + _ABOUT + r"\s+(?:" + _COUNT + r"\s*)?|(?:a\s+)?few\s+|(?:a\s+)?couple of\s+|"
    r"several\s+)"
    + _UNIT
    + r"\b(?!\s*(?:a|per|each|every)\s+(?:day|week|month)\b|\s+(?:later|after)\b)"
    # "3 months on and off"
    r"|\b(?:" + _COUNT + r"\s*)" + _UNIT + r"\b(?=,?\s+" + r"(?:on and off|off and on|on & off))"
)
#: A point in time something has lasted since: "the summer", "high school", "she was a baby".
_SINCE_WHEN = (
    r"(?:(?:just\s+|about\s+|around\s+|roughly\s+|maybe\s+)?(?:before|after)\s+)?"
    r"(?:(?:about|around|roughly|maybe|early|late|mid)[\s-]+)?(?:the\s+)?"
    r"(?:last\s+\w+|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|christmas|x-?mas|easter|new years?|the new year|summer|winter|spring|"
    r"autumn|lockdown|covid|yesterday|this morning|last night|today|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"(?:my|our|the) (?:kids|children|twins|baby|babies|son|daughter) (?:was|were) born|"
    r"weekend|holidays|(?:start|beginning|end) of (?:the|this|last) \w+|(?:peri)?menopause|"
    r"(?:i|he|she|they|we) (?:was|were) (?:a |an )?\w+|\d{4}|"
    r"(?:high |primary |secondary |middle )?school|uni|university|college|childhood|puberty|"
    r"(?:my|his|her|their) (?:teens|twenties|20s|thirties|30s|childhood))\b"
    # "since september last year"
    r"(?:\s+(?:last|this)\s+year\b|\s+\d{4}\b)?"
)
#: Said about a duration: "on and off for years", "3 months on and off".
_ON_OFF = r"(?:on and off|off and on|on & off|on/off|on-and-off|on n off|on and of)"
_DURATION = re.compile(
    r"(?:\b" + _ON_OFF + r"[,\s]+)?(?:"
    r"\b(?:for|since|over)\s+(?:the\s+(?:last|past)\s+)?" + _AMOUNT + r"|"
    r"\b(?:the\s+)?(?:last|past)\s+" + _AMOUNT + r"|"
    r"\b" + _AMOUNT + r"\s+(?:ago|now|already|and counting|back)\b"
    # "it's been like 6 weeks", "has been about a year"
    r"|\b(?:it'?s|it has|has|have|i'?ve|its) been\s+" + _AMOUNT + r"|"
    # "he's had it 6 months odd", "had these 2 years", "going on three months"
    r"\b(?:had|having)\s+(?:it|this|these|them|that|those)\s+" + _AMOUNT + r"(?:\s+odd)?|"
    r"\bgoing on\s+" + _AMOUNT + r"|"
    # "every winter, this is the 3rd winter now"
    r"\b(?:every|each) (?:winter|summer|spring|autumn|fall)\b|"
    r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth) (?:winter|summer|spring|autumn|"
    r"year|time) (?:now|in a row|running)\b"
    # "since the summer", "since high school", "since she was a baby"
    r"|\bsince\s+" + _SINCE_WHEN + r""
    # "i first noticed it in june", "back in march", "since early spring"
    r"|(?:\b(?:back in|early|late|mid|the end of|the start of|the beginning of)"
    r"|\b(?:noticed|started|began|appeared|showed up|came up|spotted|found|saw)\b[^.!?]{0,20}?"
    r"\b(?:in|around|during))"
    r"[\s-]+(?:last\s+)?(?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\b"
    # "for ages", "for a while now", "from about age 12"
    r"|\bfor\s+(?:quite\s+|such\s+)?(?:ages|a while|a (?:long|good) (?:while|time)|a long time|"
    r"forever|yonks|donkey'?s years|some time)\b"
    r"|\bfrom\s+(?:about\s+|around\s+)?(?:age|the age of)\s+\d{1,2}\b"
    # "that's been there about 6 weeks", "been going on for a month"
    r"|\bbeen (?:there|going on|like (?:this|that)|happening|around)\s+(?!for\b)"
    + _AMOUNT
    # "hasn't healed in 2 months", "not gone in weeks", "been months"
    + r"|\b(?:hasn'?t|hasnt|has not|haven'?t|havent|have not|not|never|won'?t|wont|didn'?t|"
    r"didnt)\s+(?:\w+\s+){0,2}?(?:in|after)\s+"
    + _AMOUNT
    # "still there after a month", "still red after 6 weeks"
    + r"|\bstill\b[^.!?,;]{0,30}?\bafter\s+"
    + _AMOUNT
    + r"|\bbeen\s+"
    + _AMOUNT
    # "about 6 wks", "a few days" said on their own
    + r"|"
    + _BARE_AMOUNT
    + r")(?:,?\s+"
    + _ON_OFF
    + r"\b)?",
    re.IGNORECASE,
)
#: The places on the head and face a summary names ("crown", "nape", "behind my ears").
_OF_HEAD = r"\s+of\s+(?:my|the|his|her|their)\s+(?:head|scalp|neck|skull|hairline|ears?)\b"
_PLACE = (
    r"(?:(?:(?:left|right|upper|lower|very|front|back|outer|whole)\s+)?"
    r"(?:back|top|front|sides?|crown|nape|hairline|temples?|parting|part(?:\s+line)?|ears?|"
    r"eyebrows?|forehead|neck|face|nose|beard|eyelids?|jaw(?:line)?|occiput)"
    r"(?:" + _OF_HEAD + r")?\b"
    # only of the head: "the middle of my head", not "the middle of the night"
    r"|(?:middle|centre|center|edges?|base)" + _OF_HEAD + r")"
)
_WHOSE = r"(?:the\s+|my\s+|his\s+|her\s+|their\s+|both\s+|one\s+)?"
_WHERE = re.compile(
    r"\b(?:on|at|along|behind|around|round|near|over|across|by|in|down|up|onto|into|to|"
    r"towards?|above|below|under|between|inside)\s+"
    + _WHOSE
    + _PLACE
    # "round my nose and eyebrows": the rest of the list
    + r"(?:\s*(?:,|and|&)\s*"
    + _WHOSE
    + _PLACE
    + r")*"
    # "the back of my head has a patch", "my crown is thinning"
    r"|\b(?:the|my|his|her|their)\s+(?:back|top|front|side|crown|middle|base)\s+of\s+"
    r"(?:my|the|his|her|their)\s+(?:head|scalp|skull|neck)\b"
    r"|\b(?:the|my|his|her|their)\s+(?:crown|hairline|temples|nape|parting)\b"
    # "my eyelids and neck have gone red", "her forehead": a place of the face or neck
    # named as what is affected (not "my hair", "my scalp": the whole of it)
    r"|\b(?:my|his|her|their|one|both)\s+(?:eyebrows?|eyelids?|ears?|temples?|neck|forehead|"
    r"face|jaw(?:line)?|beard|nape)\b(?:\s*(?:,|and|&)\s*(?:my\s+|his\s+|her\s+|their\s+)?"
    r"(?:eyebrows?|eyelids?|ears?|temples?|neck|forehead|face|jaw(?:line)?|beard|nape)\b)*"
    r"|\ball over\s+(?:my|the|his|her|their)\s+(?:head|scalp)\b"
    r"|\b(?:my|his|her|their|the)\s+whole\s+(?:head|scalp)\b",
    re.IGNORECASE,
)
_TRIED = re.compile(
    r"\b(?:i(?:'ve| have)?\s+)?(?:tried|been using|been putting|used|switched to|"
    # ("put together something for the gp" asks for the summary)
    r"put(?!\s+(?:together|down|up|it|that|this|them|in)\b)|bought|been applying|applied|"
    r"been rubbing|rubbing|putting|been taking|"
    r"(?:took|taking)(?!\s+(?:a\s+|some\s+)?(?:photos?|pics?|pictures?|look|break|ages|while|"
    r"forever|time|long|off|out|over|care|a shower|a bath)\b))\s+([^.!?\n]{3,120})"
    # what the client (or the person described) uses now: "i use a coal tar shampoo",
    # "im using a medicated one", "she uses a tea tree shampoo"
    r"|\b(?:i|i'?m|im|i am|she|he|they|she'?s|he'?s|she is|he is|we)\s+"
    r"(?:currently\s+|still\s+|now\s+|only\s+|also\s+)?(?:use|uses|using)\s+"
    r"((?:a|an|the|some|this|that)\s+[^.!?\n]{3,80})"
    # without its subject: "..., uses a tar shampoo"
    r"|(?:^|,\s*|\band\s+)(?:uses|using)\s+((?:a|an|the|some)\s+[^.!?\n]{3,80})"
    # a change already made, said with its verb: "changed my shampoo", "stopped all my
    # styling products"
    r"|\b((?:changed|swapped|stopped(?: using)?|cut out|gave up|came off)\s+"
    r"(?:my|her|his|the|all|to|using)\b[^.!?\n]{3,120})"
    # what a doctor or pharmacist said to use: "my gp said ... to use dandruff shampoo"
    r"|\b(?:said|told (?:me|her|him|us)|advised(?: me)?|recommended|suggested)\b[^.!?\n]{0,30}?"
    r"\bto\s+(?:use|try)\s+([^.!?\n,]{3,60})"
    # what it was put on or washed with: "been slapping on aloe vera gel", "washing it
    # with baby shampoo", "slathering coconut oil on"
    r"|\b(?:been\s+)?(?:slapping|slathering|smearing|spraying|dabbing|rubbing in|massaging in)"
    r"\s+(?:on\s+|in\s+)?([^.!?\n]{3,80})"
    r"|\b(?:been\s+)?(?:washing|rinsing)\s+(?:it|my hair|her hair|his hair|my scalp|her scalp|"
    r"his scalp)\s+with\s+([^.!?\n]{3,80})"
    # "gave nizoral a go", "gave it a try" is nothing named
    r"|\bgave\s+(?!it\b|that\b|them\b)([^.!?\n,]{2,40}?)\s+a\s+(?:go|try|shot|whirl)\b"
    # what a professional gave or sold: "the gp gave me a steroid lotion", "my pharmacist
    # sold me a coal tar shampoo", "the derm prescribed her a foam"
    r"|\b(?:gp|doctor|dr|doc|pharmacist|chemist|derm\w*|nurse|pharmacy)\s+(?:gave|prescribed|"
    r"sold|recommended|suggested|put (?:me|her|him|us) on)\s+(?:me\s+|her\s+|him\s+|us\s+)?"
    r"(?!(?:a|an|the)\s+(?:quick\s+)?(?:look|call|ring|once-over|date|time|appointment|"
    r"referral|number|letter)\b)((?:a|an|the|some|this|that)\s+[^.!?\n]{3,80})"
    # "did a course of antifungal cream", "finished a course of antibiotics"
    r"|\b(?:did|done|finished|had|on)\s+a\s+course\s+of\s+([^.!?\n]{3,80})"
    # nothing at all, which the professional wants to know too
    r"|\b(?P<nothing>(?:i\s+|we\s+|she\s+|he\s+)?"
    r"(?:haven'?t|havent|have not|hasn'?t|hasnt|has not|didn'?t|didnt|did not)"
    r"\s+(?:tried|used|put|done)\s+anything(?:\s+(?:yet|on it|for it))?"
    r"|(?:tried|used)\s+nothing(?:\s+yet)?|nothing\s+yet)\b",
    re.IGNORECASE,
)
#: Where a quoted treatment ends: "coconut oil, nothing helps" is "coconut oil".
_TRIED_END = re.compile(
    r",?\s+(?:and\s+|but\s+|,\s*)?(?:nothing|none of (?:it|them)|it never|never|which|but|"
    r"didn'?t|doesn'?t|hasn'?t|not)\b.*$|[\s,;:]*\b(?:too|as well|also)$",
    re.IGNORECASE,
)


#: The words for the people a summary can be about or mention (docs/content-rules.md,
#: "Referral levels": the level follows the person described).
_CHILD = (
    r"(?:son|daughter|kid|child|boy|girl|baby|toddler|teen|teenager|little one|stepson|"
    r"stepdaughter|grandson|granddaughter|niece|nephew)"
)
_RELATIVE = (
    r"(?:(?:mother|father|sister|brother)[- ]in[- ]law|step-?(?:mum|mom|dad|mother|father)|"
    r"hubby|other half|fianc[eé]e?|spouse|"
    r"mum|mom|mother|mam|dad|father|sister|brother|gran|grandma|grandmother|granny|nan|"
    r"nana|grandad|granddad|grandpa|grandfather|aunt|auntie|aunty|uncle|cousin|parents?|"
    r"husband|wife|partner|boyfriend|girlfriend|twin)"
)
_PERSON = r"(?:" + _CHILD + r"|" + _RELATIVE + r")"
#: What an age is not: "I'm 12 weeks pregnant", "I'm 5 days in", "I'm 30 minutes late".
_NOT_AN_AGE = (
    r"(?!\s*(?:weeks?|wks?|days?|months?|mos?|%|minutes?|mins?|hours?|hrs?|times?|mg|mcg|"
    r"kg|lbs?|stone|st\b|cm|ft|pounds?|pm|am|o'?clock|[.,:/]\d|'\d))"
)
_YEARS_OLD = r"\s*(?:-\s*)?(?:yo|y/o|y\.o\.|(?:years?|yrs?|yr)(?:\s*-?\s*old)?)\b"
#: The client's own age: "I'm 34", "im 52 f", "(28F)", "34 year old woman here", "aged 61".
#: An age given as a decade: "in my 40s", "in her early eighties".
_DECADE = (
    r"in\s+(?:my|his|her|their)\s+(?P<{0}_part>(?:early|mid|late)[\s-]+)?"
    r"(?P<{0}>\d0'?s|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b"
)
_DECADE_WORDS = {
    "twenties": "20s",
    "thirties": "30s",
    "forties": "40s",
    "fifties": "50s",
    "sixties": "60s",
    "seventies": "70s",
    "eighties": "80s",
    "nineties": "90s",
}
_OWN_AGE = re.compile(
    r"\b(?:i'?m|i am|i just turned|i turned|i'll be|i will be)\s+(?:only\s+|just\s+|nearly\s+|"
    r"almost\s+|about\s+|now\s+|a\s+)?(\d{1,2})(?:\b|(?=[fm]\b))"  # "im 23f"
    + _NOT_AN_AGE
    + r"|[(\[]\s*(?:[fm]\s*)?(\d{2})\s*(?:[fm]\s*)?[)\]]"
    r"|\b(\d{2})\s?[fm]\s+(?:here|btw)\b"
    r"|\b(?:i'?m\s+a\s+|as\s+a\s+)?(\d{1,2})"
    + _YEARS_OLD
    + r"\s+(?:woman|man|female|male|guy|girl|lady|f|m|mum|mom|dad|here)\b"
    # "i'm aged 61", or "age 61" opening a message (the answer to who it is about)
    r"|(?:\b(?:i'?m\s+|i am\s+)|^\W*)aged?\s+(\d{1,2})\b"
    # "i'm in my 40s", "im in my early thirties"
    r"|\b(?:i'?m|im|i am)\s+(?:now\s+)?" + _DECADE.format("decade"),
    re.IGNORECASE,
)
#: An age in figures or words ("7", "seven").
_WORD_NUMBERS = {
    word: number
    for number, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=1,
    )
}
_NUM = r"(?:\d{1,3}|" + "|".join(_WORD_NUMBERS) + r")(?!\s+of\b)"
#: "3 months pregnant", "6 weeks postpartum": not an age.
_NOT_PREGNANCY = r"(?!\s+(?:pregnant|along|gone|postpartum|post|in|into|since|after|ago)\b)"
_ADJ = r"(?:little\s+|baby\s+|elderly\s+|teenage\s+|old\s+|adult\s+|grown[- ]up\s+)?"
#: Someone else's age: "my 7 year old son", "my son (7)", "my mum is 70", "my 8 month old",
#: "my dad's 68", "my little boy is 13 months old", "my mum, in her 80s".
_OTHER_AGE = re.compile(
    r"\bmy\s+" + _ADJ + r"(?P<age1>" + _NUM + r")\s*(?:-\s*)?"
    r"(?:yo|y/o|(?:years?|yrs?|yr)(?:\s*-?\s*old)?|(?P<months1>months?|weeks?|wks?)\s*-?\s*old)\s*(?:-\s*)?"
    r"(?:little\s+|baby\s+)?(?P<who1>" + _PERSON + r")?\b"
    r"|\bmy\s+" + _ADJ + r"(?P<who2>" + _PERSON + r")\s*(?:\(|,)\s*"
    r"(?:aged?\s+)?(?P<age2>\d{1,3})\s*(?:yo|y/o|years?|yrs?)?\s*(?:\)|,)"
    r"|\bmy\s+" + _ADJ + r"(?P<who3>" + _PERSON + r")"
    # "my mum is 79", "my mom, who's 70,"
    r"(?:\s*,?\s+(?:is|who is|who's|aged?|turned|just turned)|\s*'s|\s*’s)\s+"
    r"(?:only\s+|just\s+|nearly\s+|now\s+|almost\s+)?(?P<age3>" + _NUM + r")\b"
    r"(?:\s*(?P<months3>months?|weeks?)(?:\s*-?\s*old)?\b"
    + _NOT_PREGNANCY
    + r"|"
    + _NOT_AN_AGE
    + r")"
    # "he's 29 btw", "she is 78": the person described, said with a pronoun
    r"|\b(?:he|she)(?:'s|\s+is)\s+(?:only\s+|just\s+|nearly\s+|now\s+|almost\s+)?"
    r"(?P<age4>"
    + _NUM
    + r")\b(?:\s*(?P<months4>months?|weeks?)(?:\s*-?\s*old)?\b"
    + _NOT_PREGNANCY
    + r"|"
    + _NOT_AN_AGE
    + r")"
    # "my mum is in her 80s", "my dad, in his late sixties", "she's in her 70s"
    r"|\bmy\s+"
    + _ADJ
    + r"(?P<who5>"
    + _PERSON
    + r")(?:\s+is|\s+who is|\s*'s|\s*,)?\s+"
    + _DECADE.format("decade5")
    + r"|\b(?:he|she)(?:'s|\s+is)\s+"
    + _DECADE.format("decade6"),
    re.IGNORECASE,
)


def _decade(match: re.Match[str], name: str) -> str:
    """A decade as said, in figures ("40s", "early 80s"), or empty."""
    decade = match.group(name)
    if not decade:
        return ""
    figures = _DECADE_WORDS.get(decade.lower(), decade.replace("'", "").lower())
    part = " ".join((match.group(name + "_part") or "").replace("-", " ").split())
    return f"{part} {figures}" if part else figures


#: What seems to set the problem off, in the client's words: "every time I colour",
#: "since the new shampoo", "worse after swimming", "flares up when I'm stressed".
#: A few more words of the clause, whole ("in september"), not into the next one.
_TAIL = r"(?:\s+(?!and\b|but\b|so\b|since then\b)[^\s.!?\n;,]+){0,7}"
_TRIGGER = re.compile(
    r"\b(?:every time|each time|whenever|every single time|any ?time)\s+(?:i|we|she|he|they|"
    r"my|his|her|it|the|i'?ve|i'?m)\b[^.!?\n;,]{2,60}"
    r"|\bsince\s+(?:(?:i|we|she|he|they)\s+(?:started|switched|changed|moved|began|stopped|"
    r"had|got|came off|went|dyed|coloured|colored|bleached|used|tried)\b"
    r"|(?:the|a|my|his|her|that|this|our)\s+(?:new|recent|last|first)\b"
    r"|(?:starting|switching|changing|using|moving|having|getting|coming off|stopping|dyeing|"
    r"colouring|coloring|bleaching|trying)\b)[^.!?\n;,]{0,50}"
    r"|\b(?:(?:started|began|gets?|got|is|it'?s|get)\s+(?:much\s+|way\s+|a lot\s+)?worse|worse|"
    r"flares?(?: up)?|flared(?: up)?|itch(?:es|y)|burns?|stings?|breaks? out|kicks? (?:off|in)|"
    r"(?:it|this|that|they|the \w+)\s+(?:started|began|came back|comes back|appeared))\s+"
    r"(?:right |straight |just |only |mostly |especially |always |usually |a few days |"
    r"a day or two )?(?:after|when|whenever|once|with|in)\s+(?:i|we|she|he|they|my|the|a|"
    r"using|i'?ve|i'?m|colou?ring|dyeing|bleaching|washing|swimming|stress|winter|summer|"
    r"cold|heat|hot|sweat\w*|exercise|the gym|workouts?)\b[^.!?\n;,]{0,60}"
    r"|\b(?:triggered|set off|brought on|caused|made worse|started)\s+by\s+[^.!?\n;,]{2,50}"
    # a hairstyle or treatment put in: "ever since my braids were put in", "since her extensions"
    r"|\b(?:ever\s+)?since\s+(?:my|her|his|their|the)\s+(?:braids?|box braids|extensions?|weaves?|"
    r"locs|dreads|cornrows|twists|perm|relaxer|keratin|wig|hair ?piece|tight ponytails?)\b"
    r"[^.!?\n;,]{0,40}"
    # "started around the time i got my braids done", "at the same time she changed jobs"
    r"|\b(?:started|began|appeared|came on|showed up|kicked off|noticed it|happened|all started)"
    r"\s+(?:\w+\s+)?(?:around|about|at)\s+the\s+(?:same\s+)?time\s+(?:i|we|she|he|they|my|her|his)\b"
    r"[^.!?\n;,]{2,50}"
    # "started after football camp", "appeared right after the holiday"
    r"|\b(?:started|began|appeared|came up|showed up|kicked off)\s+"
    r"(?:right |just |soon |straight )?after\s+"
    r"(?!\d|a few\b|a couple\b|about\b|around\b|one\b|two\b|three\b|some\b|several\b|"
    r"a (?:day|week|month|year)\b)[^.!?\n;,]{3,50}"
    r"|\b(?:right |straight |just |a day or two |a few days )?after\s+(?:(?:i|we|she|he)\s+"
    r"(?:colou?r|colou?red|dye|dyed|bleach|bleached|use|used|wash|washed|swim|swam|switched|"
    r"started|changed|had|got|went|tried)"
    r"|colou?ring|dyeing|bleaching|using|washing|swimming|switching|starting|changing|trying"
    r"|(?:a|my|the)\s+(?:new\s+)?(?:perm|relaxer|dye|colou?r|bleach|keratin|treatment|"
    r"shampoo|hair ?dye|appointment))\b[^.!?\n;,]{0,50}"
    # "started 2 weeks ago right when his teeth were coming through"
    r"|\b(?:started|began|appeared|came up|showed up|kicked off)\b"
    + _TAIL
    + r"?\s+(?:right |just |straight )?(?:when|once)\s+"
    r"(?:i|we|she|he|they|my|his|her|their|our|the)\s+[^.!?\n;,]{2,60}"
    # a dye or chemical treatment: "i dyed my hair at home 5 days ago", "had her hair bleached"
    r"|\b(?:i|we|she|he|they)\s+(?:just\s+|recently\s+|last\s+)?(?:dyed|coloured|colored|"
    r"bleached|permed|relaxed|highlighted|hennaed|lightened|tinted)\s+(?:my|her|his|their|it)\b"
    + _TAIL
    + r"|\b(?:had|got|get|getting)\s+(?:my|her|his|their)\s+hair\s+(?:dyed|coloured|colored|"
    r"bleached|permed|relaxed|highlighted|hennaed|lightened|done)\b"
    + _TAIL
    # a new product: "i started using a new pomade about a month before this began"
    + r"|\b(?:i|we|she|he|they)\s+(?:just\s+|recently\s+)?(?:started|began|switched to|"
    r"changed to|moved to|tried)\s+(?:using\s+)?(?:a|an|the|some|this|that)\s+(?:new|different)\b"
    + _TAIL
    # childbirth: "had my daughter 5 months ago", "since my baby was born in june"
    + r"|\b(?:since|after|when)\s+(?:i\s+)?(?:had|having|gave birth to|giving birth to|delivered)"
    r"\s+(?:my|our|the|a)\s+(?:baby|son|daughter|twins|little one|boy|girl|first|second|third)\b"
    + _TAIL
    + r"|\b(?:i\s+)?(?:had|gave birth to)\s+(?:my|our)\s+(?:baby|son|daughter|twins|little one)"
    r"\s+(?:(?:about|around|just|only)\s+)?(?:(?:\d+|a|an|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|a few|few|a couple of|couple of|several)\s+"
    r"(?:days?|weeks?|months?|years?)\s+ago|back in \w+|in (?:january|february|march|april|may|"
    r"june|july|august|september|october|november|december|the (?:spring|summer|autumn|winter))|"
    r"last (?:year|month|week|spring|summer|autumn|winter))\b"
    r"|\bsince\s+(?:my|our|the)\s+(?:baby|son|daughter|little one|twins)\s+(?:was|were)\s+born\b"
    + _TAIL
    # "since the menopause started", "worse with the perimenopause"
    + r"|\b(?:since|after|with|during|around|through)\s+(?:the\s+|my\s+)?(?:peri)?menopause\b"
    + _TAIL
    + r"|\b(?:post[- ]?partum|after (?:the |giving )?birth|after (?:my |the )?pregnancy|"
    r"after (?:my |a |the )?c-?section)\b"
    + _TAIL
    # an illness: "had covid back in november", "was in hospital with pneumonia in september"
    + r"|\b(?:had|got|caught|was ill with|was sick with|been ill with|was in hospital with|"
    r"(?:was )?hospitali[sz]ed with|recovering from|recovered from|getting over|got over)\s+"
    r"(?:a\s+)?(?:(?:bad|high|really bad|nasty|severe)\s+)?(?:covid|corona\w*|the flu|flu|"
    r"pneumonia|glandular fever|fever|virus|(?:throat|chest|kidney|urine|water) infection|"
    r"operation|surgery|dengue|typhoid|malaria)\b"
    + _TAIL
    + r"|\bafter\s+(?:my|an|the|a|having)\s+(?:operation|surgery|illness|covid|flu|pneumonia|"
    r"hospital stay|fever)\b"
    + _TAIL
    # stress or a diet: "been super stressed with work", "since i went vegan"
    # (not the worry about it: "really stressed about my hair falling out")
    + r"|\b(?:super|really|very|so|been|was|being|extremely|crazy|massively)\s+stressed\b"
    r"(?!\s+(?:out\s+)?(?:about|over|because of)\b)"
    + _TAIL
    + r"|\b(?:a lot of|lots of|loads of|so much|under|huge|massive|heavy)\s+"
    r"(?:a lot of\s+)?stress\b"
    + _TAIL
    + r"|\b(?:since|after)\s+(?:i\s+|she\s+|he\s+)?(?:went|going|started|starting|been|was)\s+"
    r"(?:on\s+)?(?:a\s+)?(?:vegan|vegetarian|keto|crash diet|strict diet|diet|fasting|"
    r"plant[- ]based)\b" + _TAIL,
    re.IGNORECASE,
)
#: Family history, context and not the client's own condition: "my mum has psoriasis",
#: "my dad went bald at 30", "hair loss runs in my family", "family history of alopecia".
_FAMILY = re.compile(
    r"\b(?:my|our|his|her|their)\s+(?:(?:late|older|younger|big|little|twin|\w+'s)\s+)?("
    + _RELATIVE
    + r")"
    r"(?:\s+and\s+(?:my\s+)?" + _RELATIVE + r")?\s+(?:also\s+|both\s+|too\s+|always\s+)?"
    r"(?:has|had|have|got|gets|suffers? from|suffered from|(?:was|were|got) diagnosed with|"
    r"went bald|went thin|lost (?:her|his|their|all (?:her|his|their)) hair|is bald|was bald|"
    r"had to deal with|deals with|struggled with|struggles with)"
    r"(?!\s+(?:been|to|said|told|asked|noticed|a look|booked|a go|no idea|a \w+ appointment)\b)"
    # up to where the message turns back to the client ("..., and I have a patch")
    r"(?:(?!\s*(?:,|\band\b|\bbut\b|\bso\b|\bnow\b)\s*(?:i|i'?m|i'?ve|me|my|mine)\b)"
    # nor an aside: "btw", "but this feels different", "if that matters"
    r"(?!\s*,?\s*(?:btw|but|though|if (?:that|it) (?:matters|helps)|lol|not sure)\b)"
    r"[^.!?\n;]){0,60}"
    r"|\b(?:[\w-]+\s+){0,2}runs? in (?:my|our|the) family\b"
    r"|\bfamily history of\s+[^.!?\n,;]{2,40}"
    r"|\b(?:it'?s|its|it is|probably|might be|could be)\s+(?:hereditary|genetic)\b",
    re.IGNORECASE,
)


def own_age(messages: Iterable[str]) -> str:
    """The client's own age as they gave it ("34", "40s"), or empty (pure)."""
    for text in messages:
        for match in _OWN_AGE.finditer(text):
            decade = _decade(match, "decade")
            if decade:
                return decade
            age = next((g for g in match.groups()[:5] if g), "")
            if age and 10 <= int(age) <= 110:
                return age
    return ""


def person_age(messages: Iterable[str], person: str) -> str:
    """The age given for that person ("7", "8 months", "80s"), or empty (pure).

    An age with no person word ("my 7 year old has...", "he's 29") counts for the person
    described.
    """
    for text in messages:
        for match in _OTHER_AGE.finditer(text):
            found = {k: v for k, v in match.groupdict().items() if v}
            who = next((found[k] for k in ("who1", "who2", "who3", "who5") if k in found), None)
            if who and person and who.lower().rstrip("s") != person.lower().rstrip("s"):
                continue
            decade = _decade(match, "decade5") or _decade(match, "decade6")
            if decade:
                return decade
            said = next((found[k] for k in ("age1", "age2", "age3", "age4") if k in found), "")
            age = str(_WORD_NUMBERS.get(said.lower(), said))
            unit = next((found[k] for k in ("months1", "months3", "months4") if k in found), "")
            if age and 0 < int(age) <= 110:
                if not unit:
                    return age
                unit = "month" if unit.lower().startswith("m") else "week"
                return f"{age} {unit}" + ("" if age == "1" else "s")
    return ""


#: The client's own head or skin ("my scalp", "I've got a patch"): the findings may be theirs.
_OWN_HEAD = re.compile(
    r"\bmy\s+(?:own\s+)?(?:scalp|head|hair|hairline|crown|forehead|skin|parting|roots|temples?)\b"
    r"|\bi(?:'ve|ve|\s+have|\s+had|\s+got|'ve\s+got)\s+(?:got\s+)?(?:a|an|some|these|this|loads|"
    r"lots|two|three|several|the same)\b|\bme\s+too\b|\bmine\b",
    re.IGNORECASE,
)
#: A child of the client's: "my little girl", "my son", "my 5 year old".
_MY_CHILD = re.compile(
    r"\bmy\s+(?:little\s+|baby\s+|youngest\s+|eldest\s+|oldest\s+|"
    r"\d{1,2}\s*(?:-\s*)?(?:yo|y/o|year[\s-]old|yr[\s-]old|month[\s-]old)\s+)?"
    r"(son|daughter|kid|child|boy|girl|baby|toddler|teen|teenager|little one)\b"
    # "my 7 year old has...": a child without the noun
    r"|\bmy\s+\d{1,2}\s*(?:-\s*)?(?:yo|y/o|year[\s-]old|yr[\s-]old)\b",
    re.IGNORECASE,
)


#: Another adult of the client's: "my dad", "my 70 year old mum", "my husband".
_MY_ADULT = re.compile(
    r"\bmy\s+(?:elderly\s+|old\s+|\d{2,3}\s*(?:-\s*)?(?:yo|y/o|year[\s-]old|yr[\s-]old)\s+)?"
    r"(" + _RELATIVE + r")\b"
    # not a place or thing of theirs: "my parents farm", "my mum's house"
    r"(?!\s*(?:'s|’s|s')?\s+(?:farm|house|place|home|garden|flat|car|dog|cat|work|party|"
    r"wedding|side)\b)",
    re.IGNORECASE,
)
#: The person spoken of: "he's got", "on her crown", "his scalp".
_THIRD_PERSON = re.compile(r"\b(?:he|she|he'?s|she'?s|his|her|him)\b", re.IGNORECASE)


def whom(messages: Sequence[str], about: str = "self", person: str = "") -> tuple[str, str]:
    """Whom the summary is about: the findings' owner, else the one person described.

    Triage may read "my little girl is 5... we found a bald spot" or "my dad is 70 and
    he's got scabby patches" as the writer's own finding; when the client never speaks of
    their own head and names exactly one child of theirs (or one adult, spoken of as he or
    she, and no family history), the summary is about that person (pure).
    """
    if about != "self" or own_age(messages):
        return about, person
    if any(_OWN_HEAD.search(text) for text in messages):
        return about, person
    children = {
        (m.group(1) or "child").lower() for text in messages for m in _MY_CHILD.finditer(text)
    }
    # Family history ("my aunt had alopecia") names nobody the summary could be about.
    told = [_FAMILY.sub(" ", text) for text in messages]
    adults = {m.group(1).lower() for text in told for m in _MY_ADULT.finditer(text)}
    if len(children) == 1 and not adults:
        return "care", children.pop()
    spoken_of = any(_THIRD_PERSON.search(text) for text in told)
    if len(adults) == 1 and not children and spoken_of:
        return "other", adults.pop()
    return about, person


def family_history(messages: Iterable[str], person: str = "") -> list[str]:
    """The client's words for family history, not about ``person`` (who the summary is for)."""
    out: list[str] = []
    for text in messages:
        for match in _FAMILY.finditer(text):
            who = match.group(1) or ""
            if person and who.lower().rstrip("s") == person.lower().rstrip("s"):
                continue
            words = match.group(0).strip(" .,;:")
            if words:
                out.append(words)
    return out


#: A summary line the user said nothing for.
NOT_DESCRIBED = phrase("utter_summary_not_described")
NOT_SAID = phrase("utter_summary_not_said")


@dataclass(frozen=True)
class Summary:
    """A short summary a client can take to a dermatologist or doctor."""

    described: tuple[str, ...]
    durations: tuple[str, ...]
    tried: tuple[str, ...]
    referral: Referral
    concerns: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    #: Whom the findings are about: ``self``, ``care`` (a child) or ``other``.
    about: str = "self"
    #: The user's word for that person ("son", "mum"), when not self.
    person: str = ""
    #: The age given for whom it is about ("34", "7", "8 months"), or empty.
    age: str = ""
    #: What seems to set it off, in the client's words ("every time I colour").
    triggers: tuple[str, ...] = ()
    #: Family history, context only ("my mum has psoriasis").
    family: tuple[str, ...] = ()

    def render(self) -> Value:
        """The summary as a short message, one line each (no diagnosis, the user's own words)."""
        parts: list[Value] = [phrase("utter_summary_title")]
        if self.about != "self" and self.person:
            who: Value = phrase("utter_summary_person", person=self.person)
            if self.age:
                who = phrase("utter_summary_with_age", who=who, age=self.age)
            parts.append(phrase("utter_summary_who", who=who))
        elif self.age:
            me = phrase("utter_summary_with_age", who=phrase("utter_summary_me"), age=self.age)
            parts.append(phrase("utter_summary_who", who=me))
        parts.append(
            phrase("utter_summary_noticed", what="; ".join(self.described) or NOT_DESCRIBED)
        )
        if self.concerns:
            concerns = joined((CONCERN_WORDS.get(c, c) for c in self.concerns), ", ")
            parts.append(phrase("utter_summary_concerns", concerns=concerns))
        if self.places:
            parts.append(phrase("utter_summary_where", where="; ".join(self.places)))
        parts.append(
            phrase("utter_summary_how_long", how_long="; ".join(self.durations) or NOT_SAID)
        )
        if self.triggers:
            parts.append(phrase("utter_summary_triggers", triggers="; ".join(self.triggers)))
        parts.append(phrase("utter_summary_tried", tried="; ".join(self.tried) or NOT_SAID))
        if self.family:
            parts.append(phrase("utter_summary_family", family="; ".join(self.family)))
        if self.referral is not Referral.NONE:
            # A child's scalp problem goes to a doctor or dermatologist, as the referral said.
            child = self.about == "care" and self.referral is Referral.DERMATOLOGIST
            who = WHO_FOR_CHILD if child else WHO[self.referral]
            parts.append(phrase("utter_summary_suggested", who=who))
        parts.append(phrase("utter_summary_copy"))
        return lines(parts)


def _unique(items: Iterable[str], limit: int = 5, strip: str = " .,;:") -> tuple[str, ...]:
    """The first ``limit`` items, whitespace-normalised, without case-insensitive repeats."""
    out: list[str] = []
    for item in items:
        clean = " ".join(item.split()).strip(strip)
        if clean and clean.lower() not in (o.lower() for o in out):
            out.append(clean)
    return tuple(out[:limit])


def build_summary(
    user_messages: Sequence[str],
    findings: Sequence[str],
    referral: Referral,
    concerns: Sequence[str] = (),
    *,
    about: str = "self",
    person: str = "",
) -> Summary:
    """Collect who, what, where, how long, what sets it off, what was tried, family history.

    Args:
        user_messages: The user's messages in this conversation, oldest first.
        findings: The user's words for each red flag found so far.
        referral: The referral that stands.
        concerns: The contract's ``concerns`` recorded so far (itch, flaking...).
        about: Whom the findings are about (``self``, ``care`` or ``other``).
        person: The user's word for that person ("son", "mum"), when not self.

    Returns:
        The summary; every part quotes the user instead of naming a condition. A finding
        said only inside family history ("my mum has psoriasis") is family history, not
        something the client noticed.
    """
    durations = (m.group(0) for text in user_messages for m in _DURATION.finditer(text))
    tried = (
        m.group("nothing") or _TRIED_END.sub("", next(g for g in m.groups() if g))
        for text in user_messages
        for m in _TRIED.finditer(text)
    )
    places = (m.group(0) for text in user_messages for m in _WHERE.finditer(text))
    triggers = (m.group(0) for text in user_messages for m in _TRIGGER.finditer(text))
    others = about != "self" and bool(person)
    family = _unique(family_history(user_messages, person if others else ""), limit=3)
    # Where the user's own words outside family history are: a finding only said there
    # (the "psoriasis" of "my mum has psoriasis") is not the client's.
    outside = [_FAMILY.sub(" ", text).lower() for text in user_messages]
    own = [f for f in findings if not family or any(f.lower() in text for text in outside)]
    age = person_age(user_messages, person) if others else own_age(user_messages)
    set_off = _unique(triggers, limit=3)
    # Context quoted by triage ("had covid", "since my baby") is what set it off, said
    # there in full, not something the client noticed.
    said_as_trigger = " | ".join(set_off).lower()
    own = [f for f in own if f.strip(" .,;:").lower() not in said_as_trigger]
    return Summary(
        _unique(own),
        _unique(durations),
        _unique(tried),
        referral,
        tuple(concerns),
        _unique(places, limit=3),
        about,
        person if others else "",
        age,
        set_off,
        family,
    )


def outside_family_history(text: str) -> str:
    """The message without its family history ("my mum has dandruff") (pure)."""
    return _FAMILY.sub(" ", text)


#: The contract's concern values in the client's words (for the summary).
CONCERN_WORDS: dict[str, Phrase] = {
    "buildup": phrase("utter_summary_concern_buildup"),
    "oiliness": phrase("utter_summary_concern_oiliness"),
    "dryness": phrase("utter_summary_concern_dryness"),
    "flaking": phrase("utter_summary_concern_flaking"),
    "itch": phrase("utter_summary_concern_itch"),
    "shedding": phrase("utter_summary_concern_shedding"),
    "breakage": phrase("utter_summary_concern_breakage"),
    "tension": phrase("utter_summary_concern_tension"),
}


#: The professionals and visits a summary is taken to ("the doc", "my paediatrician", "the
#: clinic", "my appt").
_WHO_TO_SHOW = (
    r"(?:doctors?|docs?|dr|drs|gp|derm\w*|physician|p(?:a)?ediatrician|peds|nurse|specialist|"
    r"consultant|trichologist|clinic|hospital|urgent care|a ?& ?e|walk-in|appointments?|appts?)"
)
#: "could you write down what i should tell the dermatologist?", "can I have a summary for
#: my GP", "can i have that in writing", "print me something for the doc": a request for the
#: appointment summary, whatever the intent.
_SUMMARY_REQUEST = re.compile(
    # (not a routine asked for: "can you put a routine together for me")
    r"\b(?:write|jot|put|note|type|list)\b(?![^.?!]{0,25}\b(?:routines?|regimes?|regimens?|"
    r"plans?|schedules?|steps)\b)[^.?!]{0,25}\b(?:down|up|together|out)\b"
    # (not "i put it all down to stress")
    r"(?!\s+to\s+(?!show|take|give|bring|hand)\w)"
    r"|\bwhat (?:should|do|shall|to|can) i (?:tell|say to|ask|show|mention to)\b"
    # "what to tell the derm", "how do i explain it to my gp"
    r"|\bwhat to (?:tell|say|show|mention|bring)\b"
    # "what do i need to tell them", "what should i bring to the appointment"
    r"|\bwhat (?:do|should|would|will|shall) i (?:need|have) to (?:tell|say|mention)\b"
    r"|\bwhat (?:should|do|shall|can) i (?:need to |have to )?(?:bring|take|show)\b[^.?!]{0,20}\b"
    + _WHO_TO_SHOW
    + r"\b"
    # "help me prepare for my derm appointment", "save this for my appointment"
    r"|\b(?:prepare|get ready|save (?:this|that|it|everything))\b[^.?!]{0,30}\b"
    + _WHO_TO_SHOW
    + r"\b"
    # "can i get a copy", "make me some notes"
    r"|\b(?:get|have|send|give me|want|need)\s+(?:me\s+)?a copy\b"
    r"|\bmake (?:me )?(?:some |a few )?notes\b"
    r"|\bhow (?:do|should|can|would|will) i (?:explain|describe|put)\b[^.?!]{0,30}\b"
    + _WHO_TO_SHOW
    + r"\b"
    r"|\bsumm(?:ary|arise|arize|ed up)\b"
    r"|\bsum (?:it|that|this|everything|(?:it |them )?all(?: of (?:it|that|this))?) up\b"
    r"|\b(?:recap|write-?up)\b"
    # "can i have that in writing", "a written copy", "print it for me", "a printout"
    r"|\bin writing\b|\bwritten (?:down|copy|version|summary|note)\b"
    r"|\bprint(?:ed)?\s+(?:it|that|this|me|us|something|anything|a copy|(?:it |that |this )?out|"
    r"(?:it |that |this )?off)\b|\bprint-?outs?\b|\bprintable\b"
    r"|\bnotes? (?:for|to take to) (?:the|my) " + _WHO_TO_SHOW + r"\b"
    # "something to show my doctor", "a copy of what i told you for my appointment"
    r"|\b(?:something|anything|a note|notes|a copy|a list|a record|a letter|a report|the details|"
    r"details|the info|info|information)\b"
    # (not something to do or use: "something i can do for it before my appointment")
    r"(?![^.?!]{0,20}\b(?:do|use|try|apply|put on|wash with|take for)\b)[^.?!]{0,40}"
    r"\b(?:show|take|give|bring|hand|for)\b[^.?!]{0,20}\b" + _WHO_TO_SHOW + r"\b"
    r"|\bcopy of (?:what|everything|all)\b[^.?!]{0,20}\b(?:said|told|wrote|typed|mentioned)\b",
    re.IGNORECASE,
)
#: "can you add that?", "put that in too": a change to the summary just given.
_SUMMARY_ADDITION = re.compile(
    r"\b(?:add|include|put|stick|mention)\s+(?:that|this|it|those|these)\b"
    r"|\b(?:add|include)\b[^.?!]{0,30}\b(?:summary|notes?|list)\b"
    r"|\bupdate (?:it|the summary|that)\b",
    re.IGNORECASE,
)


#: "oh also", "forgot to say", "btw", "and": a detail added to what was just said.
_ADDED = re.compile(
    r"^\W*(?:oh\W+)?(?:and|also|plus|btw|ps|p\.s\.?|oh|another thing|one more thing)\b"
    r"|\b(?:also|too|as well|forgot(?: to (?:say|mention))?|"
    r"should(?: have|'ve)? (?:said|mentioned)|i didn'?t (?:say|mention)|another thing)\b",
    re.IGNORECASE,
)


def _details(messages: Sequence[str]) -> set[tuple[str, str]]:
    """What a summary quotes from the messages, part by part, lower-cased (pure)."""
    parts = {
        "duration": _DURATION,
        "place": _WHERE,
        "trigger": _TRIGGER,
        "tried": _TRIED,
        "family": _FAMILY,
        "age": _OTHER_AGE,
    }
    found = {
        (name, " ".join(m.group(0).lower().split()))
        for name, pattern in parts.items()
        for text in messages
        for m in pattern.finditer(text)
    }
    return found | {("age", age) for age in [own_age(messages)] if age}


def adds_detail(earlier: Sequence[str], latest: str | None) -> bool:
    """Does the latest message add something the summary quotes (pure)?

    Right after the summary, "oh also i'm 49 and it gets worse when i'm stressed", "forgot to
    say, i tried coconut oil" or "it started in march btw" add an age, a trigger, what was
    tried or how long: the summary is given again with them. A question ("how long does a
    facial take?") adds nothing; a question with a detail counts when it says it adds one
    ("also i've used a tar shampoo for 2 weeks, is that ok?").
    """
    if not latest:
        return False
    new = bool(_details([latest]) - _details(earlier))
    return new and ("?" not in latest or bool(_ADDED.search(latest)))


def adds_to_summary(text: str | None) -> bool:
    """Does the message ask to add something to the summary just given (pure)?"""
    return bool(text) and bool(_SUMMARY_ADDITION.search(text or ""))


def asks_for_summary(text: str | None) -> bool:
    """Does the message ask for the appointment summary (pure)?"""
    return bool(text) and bool(_SUMMARY_REQUEST.search(text or ""))

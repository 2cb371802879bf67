"""What the assistant says when it refers someone, and the appointment summary (pure).

No Rasa imports: the texts are composed from screening results and plain
values so they can be tested as tables. Content rules (docs/content-rules.md): never
diagnose ("what you describe is something a dermatologist should look at", not
"you have psoriasis"), never prescribe or name a supplement or brand, and give
no routine at all when care is urgent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scalpcare.contract import Referral

URGENT = (
    "What you describe ({what}) needs medical care now. Please contact an urgent care "
    "service or a doctor today, or your local emergency number if it is severe or getting "
    "worse quickly. I won't suggest any routine or massage: please leave your scalp alone "
    "until a professional has seen it."
)
DERMATOLOGIST = (
    "What you describe ({what}) is something a dermatologist should look at. A salon "
    "routine or scalp massage can support a healthy scalp, but it is not treatment for a "
    "medical skin or hair-loss condition.\n"
    "Until you've been seen: no exfoliating, no scrubs and no massage on inflamed or broken "
    "skin; wash gently with lukewarm water and avoid new products.\n"
    "Would you like a short summary to take to your appointment?"
)
DOCTOR = (
    "Something you mention ({what}) can go with low iron, protein or vitamins, and that can "
    "show up as shedding. Scalp massage can't create nutrients or replace nutrition. A "
    "doctor can check with a blood test (for example iron and ferritin, protein intake and "
    "vitamins); I can't recommend supplements. Meanwhile any routine stays gentle and "
    "massage short and light."
)
DOCTOR_WHILE_REFERRED = (
    "Something you mention ({what}) can go with low iron, protein or vitamins. Massage "
    "can't create nutrients or replace nutrition; mention it when you're seen and ask about "
    "a blood test (for example iron and ferritin). I can't recommend supplements. Until "
    "then, still no exfoliation or massage."
)
NUTRIENT_NOTE = (
    "You also mention {what}: that can go with low iron, protein or vitamins, which a blood "
    "test can check. Mention it at the appointment; I can't recommend supplements."
)
ALREADY = "As I said, please have {what} looked at by {who} before any exfoliation or massage."

# The same referrals for somebody else the user describes ("my son", "my husband"):
# docs/content-rules.md, "Referral levels": the level is about the person described,
# worded for them.
URGENT_OTHER = (
    "What you describe for your {person} ({what}) needs medical care now. Please get them "
    "to an urgent care service or a doctor today, or call your local emergency number if "
    "it is severe or getting worse quickly. No routine or massage for them: please leave "
    "their scalp alone until a professional has seen it."
)
DERMATOLOGIST_OTHER = (
    "What you describe for your {person} ({what}) is something {who} should look at. A "
    "salon routine or scalp massage is not treatment for a medical skin or hair-loss "
    "condition.\n"
    "Until they've been seen: no exfoliating, no scrubs and no massage on inflamed or "
    "broken skin; gentle washing with lukewarm water and no new products.\n"
    "Would you like a short summary to take to the appointment?"
)
DOCTOR_OTHER = (
    "Something you mention about your {person} ({what}) can go with low iron, protein or "
    "vitamins, and that can show up as shedding. Massage can't create nutrients or replace "
    "nutrition. A doctor can check with a blood test (for example iron and ferritin, "
    "protein intake and vitamins); I can't recommend supplements."
)
#: Signs from different messages that together need care now.
URGENT_COMBINED = (
    "{now}, together with {earlier} you mentioned earlier, needs medical care now. Please "
    "contact an urgent care service or a doctor today, or your local emergency number if it "
    "is severe or getting worse quickly. I won't suggest any routine or massage until a "
    "professional has seen it."
)
#: Added while a person from the salon has the conversation (a handoff).
STAFF_TOLD = "I've let the salon team know as well."
#: Added for a message in another language (docs/content-rules.md, "Special situations").
ENGLISH_ONLY = "I can only chat in English for now. To talk to someone, please call {contact}."

#: The professional each level names, in plain words.
WHO = {
    Referral.URGENT: "a doctor or urgent care today",
    Referral.DERMATOLOGIST: "a dermatologist",
    Referral.DOCTOR: "a doctor",
}
#: A child's scalp problem goes to a doctor or dermatologist
#: (docs/content-rules.md, "Referral levels").
WHO_FOR_CHILD = "a doctor or dermatologist"

#: A sign in plain words, for findings without the user's own words (the learned
#: model's) and for signs combined across messages. Never a diagnosis.
SIGN_WORDS = {
    "fever": "a fever",
    "infection": "pus or an oozing sore",
    "swelling": "a painful or swollen scalp",
    "spreading": "redness or swelling that spreads",
    "bleeding": "bleeding",
    "severe_pain": "severe pain",
    "blisters": "blisters",
    "patchy_loss": "patchy or sudden hair loss",
    "scaling": "scaling that doesn't go away",
    "redness": "redness or a rash that doesn't go away",
    "non_healing": "a sore that isn't healing",
    "scarring": "possible scarring",
    "lump": "a lump or a changing mole",
    "fungal": "a scaly patch with broken hairs",
    "allergic": "swelling after a dye or product",
    "head_injury": "a blow to the head",
    "head_injury_warning": "confusion, vomiting or drowsiness",
    "chemical_burn": "a chemical burn",
    "deficiency": "something that can go with low iron, protein or vitamins",
    "described_sign": "what you describe",
}


def sign_words(signs: Iterable[str]) -> str:
    """Signs in plain words, joined ("a fever and pus or an oozing sore")."""
    words = [SIGN_WORDS.get(sign, sign.replace("_", " ")) for sign in dict.fromkeys(signs)]
    if len(words) <= 1:
        return words[0] if words else "what you mentioned"
    return ", ".join(words[:-1]) + " and " + words[-1]


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


def _quote(texts: Iterable[str], limit: int = 3, plain: Iterable[str] = ()) -> str:
    """Join the user's own words for a finding (quoted, no repeats), then plain words."""
    quoted = [f'"{s}"' for s in _unique(texts, limit, strip=" .,!?;:")]
    quoted += [p for p in _unique(plain, limit) if p not in quoted][: max(0, limit - len(quoted))]
    if len(quoted) <= 1:
        return quoted[0] if quoted else "what you mentioned"
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def referral_message(
    new_level: Referral,
    described: Sequence[str],
    previous_level: Referral = Referral.NONE,
    *,
    plain: Sequence[str] = (),
    about: str = "self",
    person: str = "",
) -> str:
    """The reply to a message that carries a red flag.

    Args:
        new_level: Level of the red flags in this message.
        described: The user's words for each finding at that level (quoted).
        previous_level: The referral that already stood before this message.
        plain: Findings in plain words (no words of the user's to quote).
        about: Whom the finding is about: ``self``, ``care`` (a child or client in the
            user's care) or ``other`` (another adult).
        person: The user's word for that person ("son", "husband").

    Returns:
        The text to send, before any other advice in the same turn.
    """
    what = _quote(described, plain=plain)
    if not described and not plain:
        # Nothing to quote (the learned model's finding without a named sign).
        return _without_quote(
            referral_message(new_level, ["@"], previous_level, about=about, person=person)
        )
    if about != "self" and person:
        who = WHO_FOR_CHILD if about == "care" else WHO[Referral.DERMATOLOGIST]
        if new_level is Referral.URGENT:
            return URGENT_OTHER.format(what=what, person=person)
        if new_level is Referral.DERMATOLOGIST:
            return DERMATOLOGIST_OTHER.format(what=what, person=person, who=who)
        if new_level is Referral.DOCTOR:
            return DOCTOR_OTHER.format(what=what, person=person)
        return ""
    if new_level is Referral.URGENT:
        return URGENT.format(what=what)
    if new_level is Referral.DOCTOR:
        if previous_level.rank >= Referral.DERMATOLOGIST.rank:
            return DOCTOR_WHILE_REFERRED.format(what=what)
        return DOCTOR.format(what=what)
    if new_level is Referral.DERMATOLOGIST and previous_level.rank >= new_level.rank:
        # The same or a stronger referral already stands: a short reminder,
        # not the whole explanation again.
        return ALREADY.format(what=what, who=WHO[previous_level])
    if new_level is Referral.DERMATOLOGIST:
        return DERMATOLOGIST.format(what=what)
    return ""


def _without_quote(text: str) -> str:
    """Drop the placeholder finding from a reply.

    ``What you describe ("@") is...`` becomes ``What you describe is...``.
    """
    return text.replace(' ("@")', "").replace('"@"', "what you describe")


def combined_message(now: Sequence[str], earlier: Sequence[str]) -> str:
    """The reply when signs of this message and earlier ones together are urgent.

    Args:
        now: The signs of this message that take part (plain words are made of them).
        earlier: The signs from earlier messages that take part.

    Returns:
        The urgent referral, naming both.
    """
    text = URGENT_COMBINED.format(now=sign_words(now), earlier=sign_words(earlier))
    return text[0].upper() + text[1:]


def triage_reply(
    new_level: Referral,
    described: Sequence[str],
    previous_level: Referral = Referral.NONE,
    nutrient_context: Sequence[str] = (),
    **wording: str | Sequence[str],
) -> str:
    """The whole triage reply: the referral, plus a nutrient note when both occur.

    Args:
        new_level: Strongest level found in this message.
        described: The user's words for each finding at that level.
        previous_level: The referral that already stood before this message.
        nutrient_context: The user's words for nutrient signals in this message.
        **wording: ``plain``, ``about`` and ``person``, as for :func:`referral_message`.

    Returns:
        The text to send (empty when there is nothing to say).
    """
    text = referral_message(new_level, described, previous_level, **wording)  # type: ignore[arg-type]
    if nutrient_context and new_level is Referral.DERMATOLOGIST:
        text += "\n" + NUTRIENT_NOTE.format(what=_quote(nutrient_context))
    return text


# ---------------------------------------------------------------------------
# Appointment summary
# ---------------------------------------------------------------------------
_AMOUNT = (
    r"(?:(?:like|about|around|almost|nearly|roughly|maybe|approx\w*|at least|more than|"
    r"over|just over|just under|a good|the best part of)\s+)?"
    r"(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several|some|"
    r"many|couple(?: of)?|\d+(?:\s*-\s*\d+)?)\s*)?"
    r"(?:days?|weeks?|months?|years?|yrs?|wks?|mo|mos)\b"
)
_DURATION = re.compile(
    r"\b(?:for|since|over)\s+(?:the\s+(?:last|past)\s+)?" + _AMOUNT + r"|"
    r"\b(?:the\s+)?(?:last|past)\s+" + _AMOUNT + r"|"
    r"\b(?:\d+|a|an|a few|few|several|couple(?: of)?)\s+(?:days?|weeks?|months?|years?)\s+"
    r"(?:ago|now|already|and counting)\b"
    r"|\bsince\s+(?:(?:just\s+)?(?:before|after)\s+)?(?:last\s+\w+|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|christmas|summer|winter|spring|autumn|"
    r"i was \w+|\d{4})\b",
    re.IGNORECASE,
)
_WHERE = re.compile(
    r"\b(?:on|at|along|behind|around|near|over|across|by|in)\s+(?:the\s+|my\s+|his\s+|her\s+)?"
    r"(?:back|top|front|side|sides|crown|nape|hairline|temples?|parting|part|ears?|eyebrows?|"
    r"forehead|neck)"
    r"(?:\s+of\s+(?:my|the|his|her)\s+(?:head|scalp|neck))?\b",
    re.IGNORECASE,
)
_TRIED = re.compile(
    r"\b(?:i(?:'ve| have)?\s+)?(?:tried|been using|been putting|used|switched to|"
    r"put|bought|been applying|applied)\s+([^.!?\n]{3,80})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Summary:
    """A short summary a client can take to a dermatologist or doctor."""

    described: tuple[str, ...]
    durations: tuple[str, ...]
    tried: tuple[str, ...]
    referral: Referral
    concerns: tuple[str, ...] = ()
    places: tuple[str, ...] = ()

    def render(self) -> str:
        """The summary as a short message (no diagnosis, the user's own words)."""
        lines = ["Summary for your appointment (in your own words):"]
        lines.append("- What I noticed: " + ("; ".join(self.described) or "not described"))
        if self.concerns:
            lines.append(
                "- Also bothering me: " + ", ".join(CONCERN_WORDS.get(c, c) for c in self.concerns)
            )
        if self.places:
            lines.append("- Where: " + "; ".join(self.places))
        lines.append("- How long: " + ("; ".join(self.durations) or "not said"))
        lines.append("- What I've tried: " + ("; ".join(self.tried) or "not said"))
        if self.referral is not Referral.NONE:
            lines.append(f"- Suggested by the salon's assistant: see {WHO[self.referral]}.")
        lines.append("You can copy this or take a screenshot.")
        return "\n".join(lines)


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
) -> Summary:
    """Collect what the user described, where, how long, what they tried, other concerns.

    Args:
        user_messages: The user's messages in this conversation, oldest first.
        findings: The user's words for each red flag found so far.
        referral: The referral that stands.
        concerns: The contract's ``concerns`` recorded so far (itch, flaking...).

    Returns:
        The summary; every part quotes the user instead of naming a condition.
    """
    durations = (m.group(0) for text in user_messages for m in _DURATION.finditer(text))
    tried = (m.group(1) for text in user_messages for m in _TRIED.finditer(text))
    places = (m.group(0) for text in user_messages for m in _WHERE.finditer(text))
    return Summary(
        _unique(findings),
        _unique(durations),
        _unique(tried),
        referral,
        tuple(concerns),
        _unique(places, limit=3),
    )


#: The contract's concern values in the client's words (for the summary).
CONCERN_WORDS = {
    "buildup": "product buildup",
    "oiliness": "oiliness",
    "dryness": "dryness or tightness",
    "flaking": "flaking",
    "itch": "itching",
    "shedding": "shedding",
    "breakage": "breakage",
    "tension": "tension",
}

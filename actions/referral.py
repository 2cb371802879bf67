"""What the assistant says when it refers someone, and the appointment summary (pure).

No Rasa imports: the texts are composed from screening results and plain
values so they can be tested as tables. Content rules (DESIGN.md): never
diagnose ("what you describe is something a dermatologist should look at", not
"you have psoriasis"), never prescribe or name a supplement or brand, and give
no routine at all when care is urgent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from actions.contract import Referral

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

#: The professional each level names, in plain words.
WHO = {
    Referral.URGENT: "a doctor or urgent care today",
    Referral.DERMATOLOGIST: "a dermatologist",
    Referral.DOCTOR: "a doctor",
}


def _quote(texts: Iterable[str], limit: int = 3) -> str:
    """Join the user's own words for a finding, without repeats."""
    quoted = [f'"{s}"' for s in _unique(texts, limit, strip=" .,!?;:")]
    if len(quoted) <= 1:
        return quoted[0] if quoted else "what you mentioned"
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def referral_message(
    new_level: Referral,
    described: Sequence[str],
    previous_level: Referral = Referral.NONE,
) -> str:
    """The reply to a message that carries a red flag.

    Args:
        new_level: Level of the red flags in this message.
        described: The user's words for each finding at that level.
        previous_level: The referral that already stood before this message.

    Returns:
        The text to send, before any other advice in the same turn.
    """
    what = _quote(described)
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


def triage_reply(
    new_level: Referral,
    described: Sequence[str],
    previous_level: Referral = Referral.NONE,
    nutrient_context: Sequence[str] = (),
) -> str:
    """The whole triage reply: the referral, plus a nutrient note when both occur.

    Args:
        new_level: Strongest level found in this message.
        described: The user's words for each finding at that level.
        previous_level: The referral that already stood before this message.
        nutrient_context: The user's words for nutrient signals in this message.

    Returns:
        The text to send (empty when there is nothing to say).
    """
    text = referral_message(new_level, described, previous_level)
    if nutrient_context and new_level is Referral.DERMATOLOGIST:
        text += "\n" + NUTRIENT_NOTE.format(what=_quote(nutrient_context))
    return text


# ---------------------------------------------------------------------------
# Appointment summary
# ---------------------------------------------------------------------------
_DURATION = re.compile(
    r"\b(?:for|since|over)\s+(?:the\s+(?:last|past)\s+)?"
    r"(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several|"
    r"couple(?: of)?|\d+)\s*)?"
    r"(?:days?|weeks?|months?|years?|yrs?|wks?)\b"
    r"|\bsince\s+(?:last\s+\w+|january|february|march|april|may|june|july|august|"
    r"september|october|november|december|christmas|summer|winter|spring|autumn|"
    r"i was \w+|\d{4})\b",
    re.IGNORECASE,
)
_TRIED = re.compile(
    r"\b(?:i(?:'ve| have)?\s+)?(?:tried|been using|been putting|used|switched to|"
    r"put)\s+([^.!?\n]{3,80})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Summary:
    """A short summary a client can take to a dermatologist or doctor."""

    described: tuple[str, ...]
    durations: tuple[str, ...]
    tried: tuple[str, ...]
    referral: Referral

    def render(self) -> str:
        """The summary as a short message (no diagnosis, the user's own words)."""
        lines = ["Summary for your appointment (in your own words):"]
        lines.append("- What I noticed: " + ("; ".join(self.described) or "not described"))
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
) -> Summary:
    """Collect what the user described, how long, and what they tried.

    Args:
        user_messages: The user's messages in this conversation, oldest first.
        findings: The user's words for each red flag found so far.
        referral: The referral that stands.

    Returns:
        The summary; every part quotes the user instead of naming a condition.
    """
    durations = (m.group(0) for text in user_messages for m in _DURATION.finditer(text))
    tried = (m.group(1) for text in user_messages for m in _TRIED.finditer(text))
    return Summary(_unique(findings), _unique(durations), _unique(tried), referral)

"""The conversation contract: slot names and values that staff tools read.

These names and values are fixed by docs/content-rules.md ("The conversation contract");
dashboards and acceptance tests read them from the tracker, so they must not
drift. Every module uses these constants instead of string literals.
"""

from __future__ import annotations

from enum import Enum

# Slot names (exactly as in docs/content-rules.md).
REFERRAL = "referral"
NUTRIENT_DEFICIENCY_SUSPECTED = "nutrient_deficiency_suspected"
CONCERNS = "concerns"
SCALP_TYPE = "scalp_type"
SENSITIVE_SCALP = "sensitive_scalp"
MASSAGE_MAX_MINUTES = "massage_max_minutes"
MASSAGE_MAX_SESSIONS_PER_DAY = "massage_max_sessions_per_day"
MASSAGE_OVERUSE = "massage_overuse"
# The assistant's own bookkeeping (not read by staff tools).
SITUATIONS_ANSWERED = "situations_answered"
#: The strongest referral about the client's own scalp (``referral`` counts another
#: person's too: a daughter's bald patch). What the client may do themselves (the
#: routine, self-massage, a salon treatment) follows this one; see :func:`own_referral`.
OWN_REFERRAL = "own_referral"
#: Rasa's two-stage fallback: a loop of its own, never one to return to after an answer.
TWO_STAGE_FALLBACK = "action_two_stage_fallback"


class Referral(str, Enum):
    """Referral levels, weakest first; the ``referral`` slot never drops."""

    NONE = "none"
    DOCTOR = "doctor"
    DERMATOLOGIST = "dermatologist"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """Position in the order ``none < doctor < dermatologist < urgent``."""
        return _REFERRAL_ORDER.index(self)

    @classmethod
    def parse(cls, value: object) -> Referral:
        """Read a slot value; anything unknown or empty counts as ``none``."""
        if isinstance(value, Referral):
            # str() of a str-Enum member is "Referral.X" on Python 3.10.
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            return cls.NONE


_REFERRAL_ORDER = [Referral.NONE, Referral.DOCTOR, Referral.DERMATOLOGIST, Referral.URGENT]


def strongest(*levels: object) -> Referral:
    """Return the strongest of several referral levels (slot values or enums).

    Args:
        *levels: Referral enums, slot strings or ``None``.

    Returns:
        The highest level; ``Referral.NONE`` when nothing is given.
    """
    parsed = [Referral.parse(level) for level in levels if level is not None]
    return max(parsed, key=lambda r: r.rank, default=Referral.NONE)


CONCERN_VALUES = (
    "buildup",
    "oiliness",
    "dryness",
    "flaking",
    "itch",
    "shedding",
    "breakage",
    "tension",
)
#: Each concern's own name for a client (the response in domain.yml that words it).
CONCERN_NAMES = {
    "buildup": "utter_concern_buildup",
    "oiliness": "utter_concern_oiliness",
    "dryness": "utter_concern_dryness",
    "flaking": "utter_concern_flaking",
    "itch": "utter_concern_itch",
    "shedding": "utter_concern_shedding",
    "breakage": "utter_concern_breakage",
    "tension": "utter_concern_tension",
}
SCALP_TYPE_VALUES = ("oily", "dry", "normal", "combination")


def own_referral(own: object, conversation: object) -> Referral:
    """The referral that decides the client's own routine, massage and salon treatment (pure).

    Args:
        own: The ``own_referral`` slot: the strongest referral about the client's scalp.
        conversation: The ``referral`` slot, which counts another person's red flags too.

    Returns:
        ``own`` once it is known; before it ever was (a conversation older than the slot),
        the conversation's referral, which is the careful side.
    """
    return Referral.parse(conversation) if own is None else Referral.parse(own)

"""Scalp self-massage: parse the user's habit, set a limit, check the habit.

Pure Python (no Rasa, no spaCy). The content comes from the seeds via
docs/content-rules.md:

* Daily self-massage for scalp health: fingertips or a silicone massager,
  gentle pressure (the skin moves slightly; no soreness, heat or pain is
  chased), 5-10 minutes, at most once a day (seed 002, seed 003).
* Shorter and gentler when a nutrient deficiency is suspected, shedding is heavy
  or the scalp is sensitive: "an enhancement, not a rescue" (seed 003 §4).
* Paused while a dermatologist or urgent referral stands: no massage on inflamed
  or broken skin until a professional says so (DESIGN "Referral").
* Excess (seed 003 §3): aggressive rubbing, chasing soreness, massaging until
  heat or pain, several sessions a day, sessions of 15-20 minutes or longer,
  massaging harder when shedding or anxiety rises.
* The salon's 20-minute add-on and 45-minute head-only sessions (seed 000) are
  professional relaxation sessions, not daily self-massage.

Every limit carries a ``context`` phrase saying which situation it is for.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalpcare.contract import Referral
from scalpcare.massage_habits import WAKING_HOURS, MassageHabit, parse_habit

__all__ = [
    "DRIFT_SIGNS",
    "PROFESSIONAL_SESSION_NOTE",
    "REASON_TEXT",
    "SALON_ADD_ON_MINUTES",
    "SALON_HEAD_ONLY_MINUTES",
    "SELF_CHECK_QUESTIONS",
    "WAKING_HOURS",
    "MassageAssessment",
    "MassageHabit",
    "MassageLimit",
    "assess",
    "limit_for",
    "parse_habit",
]

#: Salon add-on head massage, minimum minutes (seed 000).
SALON_ADD_ON_MINUTES = 20
#: Salon dedicated head-only session, minutes (seed 000).
SALON_HEAD_ONLY_MINUTES = 45

PROFESSIONAL_SESSION_NOTE = (
    f"The salon's head massage - at least {SALON_ADD_ON_MINUTES} minutes as an add-on to "
    f"body work, {SALON_HEAD_ONLY_MINUTES} minutes for a dedicated head-only session - is a "
    "professional relaxation session of slow strokes and sustained pressure. It is a "
    "different thing from daily self-massage for scalp health, which stays at 5-10 minutes, "
    "at most once a day, and gentle."
)

#: Seed 003 §5: questions to ask yourself.
SELF_CHECK_QUESTIONS: tuple[str, ...] = (
    "After massage, does my scalp feel calmer or more sensitive?",
    "If I stop for a few days, does my condition significantly worsen?",
    "Am I using massage to support recovery, or to fight anxiety?",
)

#: Seed 003 §5: signs that massage has drifted away from its intended role.
DRIFT_SIGNS: tuple[str, ...] = (
    "It has become a mandatory task.",
    "You feel uneasy skipping it.",
    "It keeps escalating in intensity.",
)

#: Plain-language explanation of each assessment reason code.
REASON_TEXT: dict[str, str] = {
    "massage_paused": "Massage is paused while a referral stands: no massage on inflamed or "
    "broken skin until a professional says it is fine.",
    "too_many_sessions": "More sessions a day than the limit: several sessions a day is more "
    "stimulation than the scalp needs.",
    "too_long": "Sessions longer than the limit: 15-20 minutes or more is excessive for "
    "self-massage.",
    "too_hard": "Pressing or rubbing hard: the skin should only move slightly under the "
    "fingertips.",
    "chasing_sensation": "Massaging until it burns, stings, feels hot or sore: heat, pain and "
    "soreness are signs to stop, not goals.",
    "escalating": "Massaging harder or more when shedding or anxiety rises: massage is an "
    "enhancement, not a rescue.",
    "nails": "Using nails: they scratch and damage the skin; use fingertips.",
    "derma_roller": "Using a derma roller or microneedling at home: it breaks the skin; not "
    "part of a gentle scalp routine.",
}


@dataclass(frozen=True)
class MassageLimit:
    """A personal self-massage limit and the context it applies to.

    Attributes:
        max_minutes: Longest session (0 = paused).
        max_sessions_per_day: Most sessions a day (0 = paused).
        intensity: ``gentle``, ``very light`` or ``paused``.
        context: A short phrase naming the situation the limit is for.
        reasons: Codes of what made the limit stricter than the default.
    """

    max_minutes: float
    max_sessions_per_day: float
    intensity: str
    context: str
    reasons: tuple[str, ...] = ()

    @property
    def paused(self) -> bool:
        """True when self-massage should stop for now."""
        return self.max_minutes == 0 or self.max_sessions_per_day == 0


@dataclass(frozen=True)
class MassageAssessment:
    """The habit checked against a limit.

    Attributes:
        overuse: The habit exceeds the limit (contract slot ``massage_overuse``).
        reasons: Reason codes (keys of :data:`REASON_TEXT`), most important first.
        drifted: Seed 003 §5 drift signs were reported (mandatory task, unease
            when skipping, escalating intensity).
        professional_only: Only a salon session was described (not self-massage).
    """

    overuse: bool
    reasons: tuple[str, ...] = ()
    drifted: bool = False
    professional_only: bool = False

    @property
    def explanations(self) -> tuple[str, ...]:
        """Plain-language text for each reason."""
        return tuple(REASON_TEXT[r] for r in self.reasons)


# --------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------
def limit_for(
    referral: Referral | str | None,
    nutrient_deficiency: bool,
    heavy_shedding: bool,
    sensitive: bool,
) -> MassageLimit:
    """The self-massage limit for the user's situation.

    Args:
        referral: The strongest referral so far (enum or slot value).
        nutrient_deficiency: A nutrient deficiency is suspected.
        heavy_shedding: The user reports heavy shedding.
        sensitive: The scalp is sensitive.

    Returns:
        0 minutes / 0 sessions (paused) while a dermatologist or urgent referral
        stands; 5 minutes, once a day, very light with a suspected deficiency
        (or a doctor referral), heavy shedding or a sensitive scalp; otherwise
        5-10 minutes (max 10), once a day, gentle. ``context`` names the case.
    """
    # Referral.parse() stringifies its argument, which mangles enum members.
    level = referral if isinstance(referral, Referral) else Referral.parse(referral)
    if level.rank >= Referral.DERMATOLOGIST.rank:
        who = "urgent care" if level is Referral.URGENT else "a dermatologist"
        return MassageLimit(
            0.0,
            0.0,
            "paused",
            f"paused while the referral to {who} stands: no massage or exfoliation on "
            "inflamed or broken skin until a professional says it is fine",
            (f"{level.value}_referral",),
        )
    reasons: list[str] = []
    if nutrient_deficiency or level is Referral.DOCTOR:
        reasons.append("nutrient_deficiency")
    if heavy_shedding:
        reasons.append("heavy_shedding")
    if sensitive:
        reasons.append("sensitive_scalp")
    if reasons:
        why = {
            "nutrient_deficiency": "a nutrient deficiency is suspected",
            "heavy_shedding": "shedding is heavy",
            "sensitive_scalp": "the scalp is sensitive",
        }
        listed = " and ".join(why[r] for r in reasons)
        return MassageLimit(
            5.0,
            1.0,
            "very light",
            f"daily self-massage at home while {listed}: shorter and lighter, an "
            "enhancement, not a rescue",
            tuple(reasons),
        )
    return MassageLimit(
        10.0,
        1.0,
        "gentle",
        "daily self-massage at home for scalp health (5-10 minutes; not a salon "
        "relaxation session)",
    )


def assess(habit: MassageHabit, limit: MassageLimit) -> MassageAssessment:
    """Check a reported habit against a limit (seed 003 §3 misuse patterns).

    Args:
        habit: What the user does (see :func:`parse_habit`).
        limit: The limit from :func:`limit_for`.

    Returns:
        ``overuse`` with reason codes; salon sessions alone are not overuse.
    """
    drifted = bool(habit.drift_signs) or habit.escalates
    self_signals = (
        habit.hard_pressure
        or habit.chases_sensation
        or habit.escalates
        or habit.tool in ("nails", "derma_roller")
    )
    if habit.professional and not self_signals:
        return MassageAssessment(False, (), drifted, professional_only=True)
    reasons: list[str] = []
    if limit.paused:
        does_massage = (
            (habit.sessions_per_day or 0) > 0
            or (habit.minutes or 0) > 0
            or self_signals
            or bool(habit.tools)
        )
        if does_massage:
            reasons.append("massage_paused")
    else:
        eps = 1e-9
        if habit.sessions_per_day is not None and habit.sessions_per_day > (
            limit.max_sessions_per_day + eps
        ):
            reasons.append("too_many_sessions")
        if habit.minutes is not None and habit.minutes > limit.max_minutes + eps:
            reasons.append("too_long")
    if habit.hard_pressure:
        reasons.append("too_hard")
    if habit.chases_sensation:
        reasons.append("chasing_sensation")
    if habit.escalates:
        reasons.append("escalating")
    if "nails" in habit.tools:
        reasons.append("nails")
    if "derma_roller" in habit.tools:
        reasons.append("derma_roller")
    return MassageAssessment(bool(reasons), tuple(reasons), drifted)

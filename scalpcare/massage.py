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

Every limit carries a ``context`` phrase saying which situation it is for. What is said
(:func:`limits_reply`) is made of phrases worded by ``domain.yml`` (scalpcare/phrases.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scalpcare.contract import Referral
from scalpcare.massage_habits import (
    WAKING_HOURS,
    MassageHabit,
    names_massage_setting,
    parse_habit,
    proposes_only,
    reports_habit,
    tells_habit,
)
from scalpcare.phrases import AND, LIST_ITEM, Phrase, Value, chained, lines, phrase

__all__ = [
    "DRIFT_SIGNS",
    "GENTLE_TOOLS",
    "INTENSITY_WORDS",
    "PAUSED_NO_HABIT",
    "PROFESSIONAL_SESSION_NOTE",
    "REASON_TEXT",
    "SALON_ADD_ON_MINUTES",
    "SALON_HEAD_ONLY_MINUTES",
    "SALON_SESSIONS",
    "SELF_CHECK_INTRO",
    "SELF_CHECK_QUESTIONS",
    "TOOLS_NOTE",
    "WAKING_HOURS",
    "MassageAssessment",
    "MassageHabit",
    "MassageLimit",
    "assess",
    "limit_for",
    "limits_reply",
    "names_massage_setting",
    "parse_habit",
    "past_limit_note",
    "proposes_only",
    "tells_habit",
    "told_past_limit",
]

#: Salon add-on head massage, minimum minutes (seed 000).
SALON_ADD_ON_MINUTES = 20
#: Salon dedicated head-only session, minutes (seed 000).
SALON_HEAD_ONLY_MINUTES = 45

#: The salon's sessions are professional relaxation, not daily self-massage.
PROFESSIONAL_SESSION_NOTE = phrase(
    "utter_massage_professional_session",
    add_on=SALON_ADD_ON_MINUTES,
    head_only=SALON_HEAD_ONLY_MINUTES,
)
SALON_SESSIONS = phrase(
    "utter_massage_salon_sessions",
    add_on=SALON_ADD_ON_MINUTES,
    head_only=SALON_HEAD_ONLY_MINUTES,
)
SELF_CHECK_INTRO = phrase("utter_massage_self_check_intro")
PAUSED_NO_HABIT = phrase("utter_massage_paused")

#: Seed 003 §5: questions to ask yourself.
SELF_CHECK_QUESTIONS: tuple[Phrase, ...] = (
    phrase("utter_massage_self_check_calmer"),
    phrase("utter_massage_self_check_worsen"),
    phrase("utter_massage_self_check_anxiety"),
)

#: Seed 003 §5: signs that massage has drifted away from its intended role.
DRIFT_SIGNS: tuple[Phrase, ...] = (
    phrase("utter_massage_drift_mandatory"),
    phrase("utter_massage_drift_uneasy"),
    phrase("utter_massage_drift_escalating"),
)

#: Plain-language explanation of each assessment reason code.
REASON_TEXT: dict[str, Phrase] = {
    "massage_paused": phrase("utter_massage_reason_paused"),
    "too_many_sessions": phrase("utter_massage_reason_too_many_sessions"),
    "too_long": phrase("utter_massage_reason_too_long"),
    "too_hard": phrase("utter_massage_reason_too_hard"),
    "chasing_sensation": phrase("utter_massage_reason_chasing_sensation"),
    "escalating": phrase("utter_massage_reason_escalating"),
    "nails": phrase("utter_massage_reason_nails"),
    "derma_roller": phrase("utter_massage_reason_derma_roller"),
}
#: Each intensity in words ("{intensity} pressure").
INTENSITY_WORDS: dict[str, Phrase] = {
    "gentle": phrase("utter_massage_intensity_gentle"),
    "very light": phrase("utter_massage_intensity_very_light"),
    "paused": phrase("utter_massage_intensity_paused"),
}
#: What made a limit stricter, in words ("while {reasons}").
_WHY: dict[str, Phrase] = {
    "nutrient_deficiency": phrase("utter_massage_why_nutrient"),
    "heavy_shedding": phrase("utter_massage_why_shedding"),
    "sensitive_scalp": phrase("utter_massage_why_sensitive"),
}


@dataclass(frozen=True)
class MassageLimit:
    """A personal self-massage limit and the context it applies to.

    Attributes:
        max_minutes: Longest session (0 = paused).
        max_sessions_per_day: Most sessions a day (0 = paused).
        intensity: ``gentle``, ``very light`` or ``paused`` (:data:`INTENSITY_WORDS`).
        context: The situation the limit is for, in words (a phrase).
        reasons: Codes of what made the limit stricter than the default.
    """

    max_minutes: float
    max_sessions_per_day: float
    intensity: str
    context: Value
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
    def explanations(self) -> tuple[Phrase, ...]:
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
        context = (
            phrase("utter_massage_context_paused_urgent")
            if level is Referral.URGENT
            else phrase("utter_massage_context_paused_dermatologist")
        )
        return MassageLimit(0.0, 0.0, "paused", context, (f"{level.value}_referral",))
    reasons: list[str] = []
    if nutrient_deficiency or level is Referral.DOCTOR:
        reasons.append("nutrient_deficiency")
    if heavy_shedding:
        reasons.append("heavy_shedding")
    if sensitive:
        reasons.append("sensitive_scalp")
    if reasons:
        # "a deficiency is suspected and shedding is heavy and the scalp is sensitive"
        listed = chained([_WHY[reason] for reason in reasons], AND)
        context = phrase("utter_massage_context_lighter", reasons=listed)
        return MassageLimit(5.0, 1.0, "very light", context, tuple(reasons))
    return MassageLimit(10.0, 1.0, "gentle", phrase("utter_massage_context_gentle"))


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


def _item(text: Value) -> Phrase:
    return phrase(LIST_ITEM, item=text)


#: Tools that are fine for self-massage; which one matters less than the pressure.
GENTLE_TOOLS = frozenset(("fingertips", "silicone_massager", "electric_massager"))
TOOLS_NOTE = phrase("utter_massage_tools")


def limits_reply(
    limit: MassageLimit,
    assessment: MassageAssessment | None,
    repeat: bool = False,
    tools: tuple[str, ...] = (),
    changed: bool = False,
) -> Value:
    """The massage-limit reply: the limit with its context, problems, self-check.

    Args:
        limit: The personal limit.
        assessment: The user's habit checked against it, if they described one.
        repeat: The limits were given earlier in this conversation: say the limit in
            one line and leave out the salon note, the note on nutrition and the
            self-check already given (the long block is said once a conversation).
        changed: With ``repeat``, the limit differs from the one given before (the scalp
            turned out sensitive, shedding was mentioned): the one line says it changed
            and names the new context.
        tools: The tools the message names ("fingertips or a massager, which is it?"):
            when they are all gentle ones, a line says the tool matters less than the
            pressure (nails and rollers get their own warning from the assessment).

    Returns:
        A short, scannable message, one phrase per line.
    """
    said: list[Value] = []
    if limit.paused:
        said.append(PAUSED_NO_HABIT)
    else:
        span = f"5-{limit.max_minutes:g}" if limit.max_minutes > 5 else f"{limit.max_minutes:g}"
        name = "utter_massage_limit"
        if repeat:
            name = "utter_massage_limit_changed" if changed else "utter_massage_limit_again"
        said.append(
            phrase(
                name,
                span=span,
                sessions=limit.max_sessions_per_day,
                intensity=INTENSITY_WORDS[limit.intensity],
                context=limit.context,
            )
        )
        if not repeat:
            said.append(phrase("utter_massage_limit_context", context=limit.context))
            said.append(SALON_SESSIONS)
    if tools and set(tools) <= GENTLE_TOOLS and not limit.paused:
        said.append(TOOLS_NOTE)
    if assessment is not None and assessment.overuse:
        said.append(phrase("utter_massage_past_limit"))
        said += [_item(text) for text in assessment.explanations]
    elif assessment is not None and assessment.professional_only:
        said.append(PROFESSIONAL_SESSION_NOTE)
    elif assessment is not None and not limit.paused:
        said.append(phrase("utter_massage_within_limit"))
    if not limit.paused and not repeat:
        said.append(phrase("utter_massage_not_nutrition"))
        said.append(SELF_CHECK_INTRO)
        said += [_item(question) for question in SELF_CHECK_QUESTIONS]
    if assessment is not None and assessment.drifted:
        said.append(phrase("utter_massage_drifted"))
    return lines(said)


def told_past_limit(texts: Iterable[str | None], limit: MassageLimit) -> MassageAssessment | None:
    """The first self-massage habit told in ``texts`` that goes past ``limit`` (pure).

    A habit told inside an answer to the consultation ("its oily, i wash once a week. also i
    use a spiky massager every day for 25 min going hard") is the user's habit like one told
    on its own: a message naming the massage (or its tool or setting) with minutes or
    sessions, not a change proposed in a question. A salon session described is not
    self-massage.
    """
    for text in texts:
        if not text or proposes_only(text):
            continue
        if not (reports_habit(text) or (tells_habit(text) and names_massage_setting(text))):
            continue
        assessment = assess(parse_habit(text), limit)
        if assessment.overuse and not assessment.professional_only:
            return assessment
    return None


def past_limit_note(limit: MassageLimit, assessment: MassageAssessment) -> Value:
    """The limit in one line and what in the told habit goes past it."""
    span = f"5-{limit.max_minutes:g}" if limit.max_minutes > 5 else f"{limit.max_minutes:g}"
    said: list[Value] = [
        phrase(
            "utter_massage_limit",
            span=span,
            sessions=limit.max_sessions_per_day,
            intensity=INTENSITY_WORDS[limit.intensity],
        ),
        phrase("utter_massage_past_limit"),
    ]
    said += [_item(text) for text in assessment.explanations]
    return lines(said)

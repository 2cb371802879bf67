"""Rasa glue for the self-massage limits: the personal limit, the habit checked against it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import latest_screen
from actions.session import this_session
from scalpcare import consultation_parsing, contract, massage
from scalpcare.contract import Referral

SALON_SESSIONS = (
    f"The salon's {massage.SALON_ADD_ON_MINUTES}- and {massage.SALON_HEAD_ONLY_MINUTES}-minute "
    "head massages are professional relaxation sessions, a different thing from daily "
    "self-massage."
)
SELF_CHECK_INTRO = "A quick self-check, from time to time:"
PAUSED_NO_HABIT = (
    "Please pause scalp massage for now, at home and at the salon, until a professional "
    "says it is fine."
)


def limits_message(
    limit: massage.MassageLimit,
    assessment: massage.MassageAssessment | None,
    repeat: bool = False,
) -> str:
    """The massage-limit reply: the limit with its context, problems, self-check.

    Args:
        limit: The personal limit.
        assessment: The user's habit checked against it, if they described one.
        repeat: The same limit was given earlier in this conversation: say it in one
            line and leave out the salon note and the self-check already given.

    Returns:
        A short, scannable message.
    """
    lines: list[str] = []
    if limit.paused:
        lines.append(PAUSED_NO_HABIT)
    else:
        minutes = f"{limit.max_minutes:g}"
        span = f"5-{minutes}" if limit.max_minutes > 5 else minutes
        if repeat:
            lines.append(
                f"As before: {span} minutes, at most {limit.max_sessions_per_day:g} session a "
                f"day, {limit.intensity} pressure, for {limit.context}."
            )
        else:
            lines.append(
                f"Your limit: {span} minutes, at most {limit.max_sessions_per_day:g} session a "
                f"day, {limit.intensity} pressure (the skin moves slightly under your "
                "fingertips; no heat, soreness or pain)."
            )
            lines.append(f"This is for {limit.context}.")
            lines.append(SALON_SESSIONS)
    if assessment is not None and assessment.overuse:
        lines.append("What you describe goes past that:")
        lines += [f"- {text}" for text in assessment.explanations]
    elif assessment is not None and assessment.professional_only:
        lines.append(massage.PROFESSIONAL_SESSION_NOTE)
    elif assessment is not None and not limit.paused:
        lines.append("What you describe sounds within that limit.")
    if not limit.paused and not repeat:
        lines.append(
            "Massage eases tension and supports a calm scalp; it can't create nutrients "
            "or replace nutrition."
        )
        lines.append(SELF_CHECK_INTRO)
        lines += [f"- {q}" for q in massage.SELF_CHECK_QUESTIONS]
    if assessment is not None and assessment.drifted:
        lines.append(
            "If massage has become a must, feels uneasy to skip or keeps getting harder, "
            "it has drifted from its role: step back to the gentle version."
        )
    return "\n".join(lines)


def limits_given_before(tracker: Tracker) -> bool:
    """Were the massage limits already given in this session (the long block said once)?"""
    return any(
        event.get("event") == "action" and event.get("name") == "action_massage_limits"
        for event in this_session(tracker.events)
    )


class ActionMassageLimits(Action):
    """Give a personal self-massage limit and check the user's habit against it."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_massage_limits"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Fill the massage contract slots and send the limit with its context."""
        text = tracker.latest_message.get("text") or ""
        habit = massage.parse_habit(text)
        concerns = tracker.get_slot(contract.CONCERNS) or []
        said = consultation_parsing.parse(text).concerns
        heavy_shedding = (
            "shedding" in concerns
            or "shedding" in said
            or bool(latest_screen(tracker).nutrient_deficiency and habit.escalates)
        )
        limit = massage.limit_for(
            Referral.parse(tracker.get_slot(contract.REFERRAL)),
            bool(tracker.get_slot(contract.NUTRIENT_DEFICIENCY_SUSPECTED)),
            heavy_shedding,
            bool(tracker.get_slot(contract.SENSITIVE_SCALP)),
        )
        assessment = massage.assess(habit, limit) if habit.mentioned else None
        repeat = limits_given_before(tracker) and (
            tracker.get_slot(contract.MASSAGE_MAX_MINUTES),
            tracker.get_slot(contract.MASSAGE_MAX_SESSIONS_PER_DAY),
        ) == (limit.max_minutes, limit.max_sessions_per_day)
        dispatcher.utter_message(text=limits_message(limit, assessment, repeat))
        return [
            SlotSet(contract.MASSAGE_MAX_MINUTES, limit.max_minutes),
            SlotSet(contract.MASSAGE_MAX_SESSIONS_PER_DAY, limit.max_sessions_per_day),
            # Once a reported habit went past the limit, a later question ("can I go
            # longer with a tool?") does not make it fine: it stays true this conversation.
            SlotSet(
                contract.MASSAGE_OVERUSE,
                bool(assessment and assessment.overuse)
                or tracker.get_slot(contract.MASSAGE_OVERUSE) is True,
            ),
        ]

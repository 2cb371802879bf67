"""Rasa glue for safety: triage on every turn, the appointment summary, massage limits."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import contract, massage, referral, salon_actions, triage
from actions.contract import Referral

SUMMARY_OFFERED = "summary_offered"
YES_NO_SUMMARY = [
    {"title": "Yes, a summary please", "payload": "/affirm"},
    {"title": "No thanks", "payload": "/deny"},
]
NO_SUMMARY_YET = (
    "I don't have anything to summarise yet. Tell me what you've noticed on your scalp, "
    "for how long, and what you've tried."
)
NO_SUMMARY = "No problem. I hope the appointment goes well; I'm here if you have questions."
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


def latest_screen(tracker: Tracker) -> triage.ScreenResult:
    """Screen the latest user message (the NLU component's result when present)."""
    message = tracker.latest_message
    return triage.screen_parsed(message, message.get("text"))


def user_texts(tracker: Tracker) -> list[str]:
    """Every user message of the conversation (since the last restart), oldest first."""
    return [
        str(e.get("text"))
        for e in tracker.events
        if e.get("event") == "user" and e.get("text") and not str(e["text"]).startswith("/")
    ]


class ActionTriage(Action):
    """Answer a red flag first: raise the referral and say who to see."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_triage"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Set the contract slots and send the referral before any other advice."""
        result = latest_screen(tracker)
        previous = Referral.parse(tracker.get_slot(contract.REFERRAL))
        level = contract.strongest(previous, result.level)
        events: list[EventType] = [SlotSet(contract.REFERRAL, level.value)]
        if result.nutrient_deficiency:
            events.append(SlotSet(contract.NUTRIENT_DEFICIENCY_SUSPECTED, True))
        if result.level is Referral.NONE:
            return events
        described = [f.text for f in result.flags if f.level is result.level]
        nutrient_words = [f.text for f in result.flags if f.level is Referral.DOCTOR]
        text = referral.triage_reply(result.level, described, previous, nutrient_words)
        offer_summary = (
            result.level is Referral.DERMATOLOGIST and previous.rank < Referral.DERMATOLOGIST.rank
        )
        dispatcher.utter_message(text=text, buttons=YES_NO_SUMMARY if offer_summary else [])
        if result.level.rank > previous.rank:
            await salon_actions.record_referral(
                tracker, result.level.value, list(result.conditions)
            )
        if level.rank >= Referral.DERMATOLOGIST.rank:
            # Massage is paused and no routine is given while this referral stands.
            events += [
                SlotSet(contract.MASSAGE_MAX_MINUTES, 0.0),
                SlotSet(contract.MASSAGE_MAX_SESSIONS_PER_DAY, 0.0),
            ]
            if tracker.active_loop.get("name"):
                events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        events.append(SlotSet(SUMMARY_OFFERED, offer_summary))
        return events


class ActionReferralSummary(Action):
    """Write a short summary to take to the dermatologist or doctor."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_referral_summary"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Quote the user's own words: what, how long, what they tried."""
        messages = user_texts(tracker)
        findings = [
            flag.text
            for text in messages
            for flag in triage.screen(text).flags
            if flag.level is not Referral.NONE
        ]
        level = Referral.parse(tracker.get_slot(contract.REFERRAL))
        if not findings and not messages:
            dispatcher.utter_message(text=NO_SUMMARY_YET)
        else:
            summary = referral.build_summary(messages, findings, level)
            dispatcher.utter_message(text=summary.render())
        return [SlotSet(SUMMARY_OFFERED, False)]


class ActionDeclineSummary(Action):
    """Accept a "no" to the summary offer."""

    def name(self) -> str:
        """Return the action's name."""
        return "action_decline_summary"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Say so and forget the offer."""
        dispatcher.utter_message(text=NO_SUMMARY)
        return [SlotSet(SUMMARY_OFFERED, False)]


def limits_message(
    limit: massage.MassageLimit,
    assessment: massage.MassageAssessment | None,
) -> str:
    """The massage-limit reply: the limit with its context, problems, self-check.

    Args:
        limit: The personal limit.
        assessment: The user's habit checked against it, if they described one.

    Returns:
        A short, scannable message.
    """
    lines: list[str] = []
    if limit.paused:
        lines.append(PAUSED_NO_HABIT)
    else:
        minutes = f"{limit.max_minutes:g}"
        span = f"5-{minutes}" if limit.max_minutes > 5 else minutes
        lines.append(
            f"Your limit: {span} minutes, at most {limit.max_sessions_per_day:g} session a day, "
            f"{limit.intensity} pressure (the skin moves slightly under your fingertips; "
            "no heat, soreness or pain)."
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
    if not limit.paused:
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
        heavy_shedding = "shedding" in concerns or bool(
            latest_screen(tracker).nutrient_deficiency and habit.escalates
        )
        limit = massage.limit_for(
            Referral.parse(tracker.get_slot(contract.REFERRAL)),
            bool(tracker.get_slot(contract.NUTRIENT_DEFICIENCY_SUSPECTED)),
            heavy_shedding,
            bool(tracker.get_slot(contract.SENSITIVE_SCALP)),
        )
        assessment = massage.assess(habit, limit) if habit.mentioned else None
        dispatcher.utter_message(text=limits_message(limit, assessment))
        return [
            SlotSet(contract.MASSAGE_MAX_MINUTES, limit.max_minutes),
            SlotSet(contract.MASSAGE_MAX_SESSIONS_PER_DAY, limit.max_sessions_per_day),
            SlotSet(contract.MASSAGE_OVERUSE, bool(assessment and assessment.overuse)),
        ]

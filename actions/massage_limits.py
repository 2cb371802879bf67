"""Rasa glue for the self-massage limits: the personal limit, the habit checked against it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import say
from actions.safety import latest_screen
from actions.session import this_session
from scalpcare import consultation_parsing, contract, massage, situations

#: The self-check's opening line (tests look for it).
SELF_CHECK_INTRO = massage.SELF_CHECK_INTRO


def limits_given_before(tracker: Tracker) -> bool:
    """Were the massage limits already given in this session (the long block said once)?"""
    return any(
        event.get("event") == "action" and event.get("name") == "action_massage_limits"
        for event in this_session(tracker.events)
    )


def habit_told_before(tracker: Tracker) -> bool:
    """Did a message the limits answered earlier in this session tell the user's habit?"""
    text = None
    for event in this_session(tracker.events):
        if event.get("event") == "user":
            text = event.get("text")
        elif event.get("event") == "action" and event.get("name") == "action_massage_limits":
            if massage.tells_habit(text):
                return True
            text = None
    return False


def unanswered_messages(events: list[dict[str, Any]]) -> list[str]:
    """The user's messages in these events that the massage limits did not answer.

    A habit told inside a consultation answer ("oily, i wash weekly. also i use a spiky
    massager every day for 25 min") was taken by the form, not checked against the limit.
    """
    texts: list[str] = []
    pending: str | None = None
    for event in events:
        if event.get("event") == "user":
            if pending:
                texts.append(pending)
            pending = event.get("text") or None
        elif event.get("event") == "action" and event.get("name") == "action_massage_limits":
            pending = None
    if pending:
        texts.append(pending)
    return texts


def habit_told_earlier(tracker: Tracker) -> str | None:
    """The latest message before this one that told the user's habit, in this session.

    "is that too much?" or "how hard should i press then?" carry no habit of their own:
    they ask about the one told before ("i do 45 minutes every day because the salon
    does 45"), answered or not.
    """
    users = 0
    for event in reversed(this_session(tracker.events)):
        if event.get("event") == "user":
            users += 1
            if users >= 2 and massage.tells_habit(event.get("text")):
                return str(event.get("text"))
    return None


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
        answered = situations.answered(tracker.get_slot(contract.SITUATIONS_ANSWERED))
        if situations.oncology_first(answered=answered):
            # During (or after) chemotherapy the oncology team decides about massage.
            dispatcher.utter_message(response=situations.CHEMO_AGAIN_RESPONSE)
            return []
        habit = massage.parse_habit(text)
        # sore or tender after massaging: the scalp is more sensitive afterwards (seed 003)
        sore_after = habit.sore_after
        if not habit.mentioned:
            # "is that too much?": checked against the habit told before, in context
            earlier = habit_told_earlier(tracker)
            habit = massage.parse_habit(earlier) if earlier else habit
        concerns = tracker.get_slot(contract.CONCERNS) or []
        # What this message says counts with what the consultation knows: "my scalp is
        # super sensitive... how long can I massage?" gets the sensitive scalp's limit.
        said = consultation_parsing.parse(text)
        heavy_shedding = (
            "shedding" in concerns
            or "shedding" in said.concerns
            or bool(latest_screen(tracker).nutrient_deficiency and habit.escalates)
        )
        sensitive = bool(tracker.get_slot(contract.SENSITIVE_SCALP)) or said.sensitive is True

        def limit_for(sensitive: bool) -> massage.MassageLimit:
            return massage.limit_for(
                # The client's own referral: another person's red flag leaves their limit.
                contract.own_referral(
                    tracker.get_slot(contract.OWN_REFERRAL), tracker.get_slot(contract.REFERRAL)
                ),
                bool(tracker.get_slot(contract.NUTRIENT_DEFICIENCY_SUSPECTED)),
                heavy_shedding,
                sensitive,
            )

        limit = limit_for(sensitive)
        # Sore after a massage within the limit: the scalp is more sensitive afterwards, so
        # the sensitive scalp's limit. After one past it (too long, too hard) the excess is
        # what the answer names, and the limit stays.
        sore_after = (
            sore_after
            and not sensitive
            and not (habit.mentioned and massage.assess(habit, limit).overuse)
        )
        if sore_after:
            sensitive = True
            limit = limit_for(sensitive)
        # A question about a gentle tool ("how about with a silicone brush?") tells no
        # habit: nothing to call within (or past) the limit; nails and rollers are warned.
        asks_tool = habit.tools_only and set(habit.tools) <= massage.GENTLE_TOOLS
        assessment = massage.assess(habit, limit) if habit.mentioned and not asks_tool else None
        # The long block (context, salon sessions, self-check) is said once a conversation;
        # later answers say the limit in one line, and whether it changed.
        repeat = limits_given_before(tracker)
        changed = repeat and (
            tracker.get_slot(contract.MASSAGE_MAX_MINUTES),
            tracker.get_slot(contract.MASSAGE_MAX_SESSIONS_PER_DAY),
        ) != (limit.max_minutes, limit.max_sessions_per_day)
        # A tool asked about, not a habit told ("fingertips or a massager, which is it?").
        told = habit.minutes is not None or habit.sessions_per_day is not None
        asked_tools = () if told else habit.tools
        reply = massage.limits_reply(limit, assessment, repeat, asked_tools, changed)
        # a habit of its own, proposed in a question (not "is that too much?" about the told one)
        proposed = (
            massage.parse_habit(text).mentioned
            and massage.proposes_only(text)
            and habit_told_before(tracker)
        )
        say(dispatcher, reply, domain, tracker)
        events: list[EventType] = [
            SlotSet(contract.MASSAGE_MAX_MINUTES, limit.max_minutes),
            SlotSet(contract.MASSAGE_MAX_SESSIONS_PER_DAY, limit.max_sessions_per_day),
            # Once a reported habit went past the limit, a later question ("can I go
            # longer with a tool?") does not make it fine: it stays true this conversation.
            # A change only proposed after the client told their habit ("could i add another
            # round at night?") is answered against the limit, but the told habit stands.
            SlotSet(
                contract.MASSAGE_OVERUSE,
                bool(assessment and assessment.overuse and not proposed)
                or tracker.get_slot(contract.MASSAGE_OVERUSE) is True,
            ),
        ]
        if (said.sensitive is True or sore_after) and tracker.get_slot(
            contract.SENSITIVE_SCALP
        ) is not True:
            # Said once, it holds: a later "how many times a week?" keeps the gentle limit,
            # and the consultation does not ask it again.
            events.append(SlotSet(contract.SENSITIVE_SCALP, True))
        return events

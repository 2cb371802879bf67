"""The two-stage fallback: offer the likeliest topics, ask to rephrase, then give up politely.

Rasa's default fallback actions are overridden here (they are listed under
``actions`` in the domain) so that the texts and buttons fit the salon, and so
that no response exists in the domain that no rule or story uses.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import worded
from scalpcare.contract import TWO_STAGE_FALLBACK
from scalpcare.other_languages import detect_language
from scalpcare.phrases import phrase
from scalpcare.situations import mostly_non_latin

# What each intent means to a client, as a button title (the response in domain.yml
# that words it). Intents missing here
# (affirm, deny, nlu_fallback...) are never offered: "Did you mean 'yes'?" helps nobody.
# Nor is the FAQ: the button's payload ("/faq") carries no question, so the FAQ
# answer would have nothing to answer; asking to rephrase does better.
TOPIC_TITLES: dict[str, str] = {
    "greet": "utter_topic_greet",
    "goodbye": "utter_topic_goodbye",
    "thank": "utter_topic_thank",
    "bot_challenge": "utter_topic_bot_challenge",
    "help": "utter_topic_help",
    "restart": "utter_topic_restart",
    "start_consultation": "utter_topic_start_consultation",
    "describe_scalp": "utter_topic_describe_scalp",
    "ask_massage_limits": "utter_topic_ask_massage_limits",
}
#: The last button's title (its payload: out of scope).
SOMETHING_ELSE = "utter_topic_something_else"

MAX_TOPICS = 3
MIN_CONFIDENCE = 0.05
SOMETHING_ELSE_PAYLOAD = "/out_of_scope"


def leave_fallback(tracker: Tracker) -> list[EventType]:
    """End the two-stage fallback when triage or a special situation has answered.

    Left active, it would put the message back to be answered again (and again).
    """
    return [ActiveLoop(None)] if tracker.active_loop_name == TWO_STAGE_FALLBACK else []


#: Replies by their names in domain.yml.
ENGLISH_ONLY = "utter_english_only"
NOT_SURE_WITH_TOPICS = "utter_not_sure_with_topics"
NOT_SURE = "utter_not_sure"
ASK_REPHRASE = "utter_ask_rephrase"
GIVE_UP = "utter_give_up"
ABOUT_SOMEONE = "utter_about_someone"

_HIS = r"son|boy|lad|dad|father|husband|boyfriend|grandad|grandpa|grandfather|brother|uncle"
_HER = r"daughter|girl|mum|mom|mother|wife|girlfriend|grandma|grandmother|gran|nan|sister|aunt"
_THEIR = r"kid|child|baby|toddler|teen|teenager|partner|friend|client|little one"
#: Whom a message is about, said before what is going on: "its about my little boy, he's 4",
#: "asking for my mum", "question for my husband", "on behalf of my daughter".
_ABOUT_SOMEONE = re.compile(
    r"\b(?:about|for|on behalf of|regarding|re)\s+(?:my|our)\s+"
    r"(?:(?:little|baby|young|eldest|oldest|youngest|teenage|elderly|old|\d+\s*(?:yo|y/o|"
    r"yr old|year old|month old))\s+)*"
    rf"(?:(?P<his>{_HIS})|(?P<her>{_HER})|(?P<their>{_THEIR}))(?P<plural>s)?\b",
    re.IGNORECASE,
)
#: Longer messages say more than whom they are about: the fallback's topics fit them.
_ABOUT_SOMEONE_MAX = 80


def about_someone(text: str) -> str:
    """The pronoun for whom a message only says it is about ("his", "her", "their"), else ""."""
    if len(text) > _ABOUT_SOMEONE_MAX:
        return ""
    match = _ABOUT_SOMEONE.search(text)
    if not match:
        return ""
    if match.group("plural"):
        return "their"
    return next(name for name in ("his", "her", "their") if match.group(name))


def previous_user_text(events: list[dict[str, Any]]) -> str:
    """The text of the user's message before the latest one ("" when there is none)."""
    users = 0
    for event in reversed(events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return str(event.get("text") or "")
    return ""


def in_other_language(text: str, previous: str = "") -> bool:
    """Is a message not understood one in another language (pure)?

    Its script or its words say so, or it comes right after a message in another
    language: the conversation is in it ("obrigada", "merci beaucoup" are too short to
    tell on their own).
    """

    def foreign(message: str) -> bool:
        return mostly_non_latin(message) or detect_language(message) is not None

    return foreign(text) or (bool(previous) and foreign(previous))


def likeliest_topics(
    intent_ranking: list[dict[str, Any]],
    titles: dict[str, str] = TOPIC_TITLES,
    limit: int = MAX_TOPICS,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[tuple[str, str]]:
    """Pick the topics worth offering from NLU's intent ranking.

    Args:
        intent_ranking: NLU's ranking, best first, as in ``latest_message``.
        titles: Each intent that may be offered, with its button title (or the title's
            response name).
        limit: How many topics to offer at most.
        min_confidence: Intents below this confidence are not offered.

    Returns:
        ``(intent, title)`` pairs, likeliest first, without duplicates.
    """
    topics: list[tuple[str, str]] = []
    for entry in intent_ranking:
        name = entry.get("name")
        # Retrieval intents rank as "faq"; a full name "faq/x" falls back to its base.
        base = str(name).split("/")[0] if name else ""
        if base not in titles or any(base == t[0] for t in topics):
            continue
        if float(entry.get("confidence") or 0.0) < min_confidence:
            continue
        topics.append((base, titles[base]))
        if len(topics) >= limit:
            break
    return topics


class ActionDefaultAskAffirmation(Action):
    """Ask which topic the user meant, with the likeliest ones as buttons."""

    def name(self) -> str:
        """Return the action's name (overrides Rasa's default)."""
        return "action_default_ask_affirmation"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Offer up to three topics plus "something else"."""
        text = tracker.latest_message.get("text") or ""
        ranking = tracker.latest_message.get("intent_ranking") or []
        topics = likeliest_topics(ranking)
        buttons = [
            {"title": worded(phrase(title), domain, tracker), "payload": f"/{intent}"}
            for intent, title in topics
        ]
        buttons.append(
            {
                "title": worded(phrase(SOMETHING_ELSE), domain, tracker),
                "payload": SOMETHING_ELSE_PAYLOAD,
            }
        )
        if in_other_language(text, previous_user_text(list(tracker.events))):
            message = ENGLISH_ONLY
        elif whose := about_someone(text):
            # Not a topic to pick: ask what is going on with that person's scalp.
            dispatcher.utter_message(response=ABOUT_SOMEONE, whose=whose)
            return []
        elif topics:
            message = NOT_SURE_WITH_TOPICS
        else:
            message = NOT_SURE
        dispatcher.utter_message(response=message, buttons=buttons)
        return []


class ActionDefaultAskRephrase(Action):
    """Ask the user to say it another way (second stage of the fallback)."""

    def name(self) -> str:
        """Return the action's name (overrides Rasa's default)."""
        return "action_default_ask_rephrase"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Send the rephrase request; English-only note for other scripts."""
        text = tracker.latest_message.get("text") or ""
        foreign = in_other_language(text, previous_user_text(list(tracker.events)))
        dispatcher.utter_message(response=ENGLISH_ONLY if foreign else ASK_REPHRASE)
        return []


#: The fallback's own steps: a user message followed by one of these was not understood.
FALLBACK_STEPS = frozenset(
    (
        "action_two_stage_fallback",
        "action_default_ask_affirmation",
        "action_default_ask_rephrase",
        "action_default_fallback",
    )
)


def first_miss(events: list[dict[str, Any]]) -> bool:
    """Is the latest message the first one in a row not understood (pure)?

    It is when no message came before it (a first message the policies cannot place,
    "hiya its about my little boy, he's 4", must not hear "I still can't work out...")
    or when the one before was answered, not met by the fallback: Rasa gives up after two
    messages in a row whose intent is ``nlu_fallback``, even when the first was answered
    by triage or a special situation ("is 10000 mcg biotin too much?").
    """
    users = 0
    actions: list[str] = []
    for event in reversed(events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return bool(actions) and not FALLBACK_STEPS & set(actions)
        elif users == 1 and event.get("event") == "action":
            name = str(event.get("name") or "")
            if name and name != "action_listen":
                actions.append(name)
    return users <= 1


class ActionDefaultFallback(Action):
    """Give up politely and forget the message that could not be understood.

    Unless it is the first message not understood (the first message of all, or the one
    before was answered): then the likeliest topics are offered, as the fallback's first
    stage does.
    """

    def name(self) -> str:
        """Return the action's name (overrides Rasa's default)."""
        return "action_default_fallback"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Say what the assistant can do and revert the user's last message."""
        if first_miss(list(tracker.events)):
            await ActionDefaultAskAffirmation().run(dispatcher, tracker, domain)
        else:
            dispatcher.utter_message(response=GIVE_UP)
        # Like Rasa's own default: the message that was not understood must not
        # steer later predictions.
        return [UserUtteranceReverted()]

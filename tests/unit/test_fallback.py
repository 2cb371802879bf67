"""The two-stage fallback: topic choice, language note, and the actions' events."""

from __future__ import annotations

import pytest
from rasa_sdk.events import UserUtteranceReverted

from actions import fallback
from actions.fallback import (
    ActionDefaultAskAffirmation,
    ActionDefaultAskRephrase,
    ActionDefaultFallback,
    likeliest_topics,
    mostly_non_latin,
)
from tests.replies import reply


def rank(*pairs: tuple[str, float]) -> list[dict[str, object]]:
    return [{"name": name, "confidence": conf} for name, conf in pairs]


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ([], []),
        (rank(("nlu_fallback", 0.9)), []),
        (rank(("help", 0.4), ("greet", 0.3)), ["help", "greet"]),
        (
            rank(("help", 0.4), ("greet", 0.3), ("thank", 0.2), ("goodbye", 0.1)),
            ["help", "greet", "thank"],
        ),
        (rank(("help", 0.4), ("greet", 0.01)), ["help"]),
        (rank(("out_of_scope", 0.5), ("help", 0.3)), ["help"]),
        (rank(("nlu_fallback", 0.6), ("bot_challenge", 0.3)), ["bot_challenge"]),
        (rank(("help", 0.4), ("help", 0.3)), ["help"]),
        (rank(("restart", 0.2), ("goodbye", None)), ["restart"]),  # type: ignore[arg-type]
    ],
)
def test_likeliest_topics(ranking: list[dict[str, object]], expected: list[str]) -> None:
    topics = likeliest_topics(ranking)  # type: ignore[arg-type]
    assert [intent for intent, _ in topics] == expected
    assert all(title == fallback.TOPIC_TITLES[intent] for intent, title in topics)


def test_the_faq_is_never_offered_as_a_button() -> None:
    # A "/faq" payload has no question in it for the response selector to answer.
    assert likeliest_topics(rank(("faq/what_is", 0.6), ("help", 0.2))) == [
        ("help", fallback.TOPIC_TITLES["help"])
    ]


def test_retrieval_intents_fall_back_to_their_base_name() -> None:
    titles = {"faq": "A question about scalp care"}
    assert likeliest_topics(rank(("faq/what_is", 0.5)), titles=titles) == [
        ("faq", "A question about scalp care")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", False),
        ("my scalp is itchy", False),
        ("mi cuero cabelludo pica mucho", False),  # Latin script: NLU decides
        ("头皮很痒", True),
        ("кожа головы чешется", True),
        ("😀😀😀", False),
        ("12345 !!!", False),
        ("فروة رأسي تحكني", True),
        ("scalp 痒", False),
    ],
)
def test_mostly_non_latin(text: str, expected: bool) -> None:
    assert mostly_non_latin(text) is expected


async def test_ask_affirmation_offers_topics_and_something_else(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker("wat can u even do", intent_ranking=rank(("help", 0.45), ("greet", 0.2)))
    events = await ActionDefaultAskAffirmation().run(dispatcher, tracker, domain)
    assert events == []
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["text"] == reply(fallback.NOT_SURE_WITH_TOPICS)
    assert message["buttons"] == [
        {"title": "What can you help with?", "payload": "/help"},
        {"title": "Just saying hello", "payload": "/greet"},
        {"title": "Something else", "payload": "/out_of_scope"},
    ]


async def test_ask_affirmation_without_topics(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("qwpoeiruty", intent_ranking=rank(("nlu_fallback", 0.9)))
    await ActionDefaultAskAffirmation().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == reply(fallback.NOT_SURE)
    assert dispatcher.messages[0]["buttons"] == [
        {"title": "Something else", "payload": "/out_of_scope"}
    ]


async def test_ask_affirmation_other_script_gets_english_note(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker("头皮很痒怎么办", intent_ranking=rank(("greet", 0.3)))
    await ActionDefaultAskAffirmation().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == reply(fallback.ENGLISH_ONLY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("blorp zing", reply(fallback.ASK_REPHRASE)), ("кожа головы", reply(fallback.ENGLISH_ONLY))],
)
async def test_ask_rephrase(dispatcher, make_tracker, domain, text: str, expected: str) -> None:
    events = await ActionDefaultAskRephrase().run(dispatcher, make_tracker(text), domain)
    assert events == []
    assert [m["text"] for m in dispatcher.messages] == [expected]


async def test_default_fallback_gives_up_and_reverts(dispatcher, make_tracker, domain) -> None:
    history = [
        _action("action_listen"),
        _user("blorp"),
        _action("action_two_stage_fallback"),
        _action("action_listen"),
    ]
    events = await ActionDefaultFallback().run(
        dispatcher, make_tracker("???", history=history), domain
    )
    assert events == [UserUtteranceReverted()]
    assert [m["text"] for m in dispatcher.messages] == [reply(fallback.GIVE_UP)]


def test_every_offered_topic_is_an_intent_of_the_domain(domain) -> None:
    assert set(fallback.TOPIC_TITLES) <= set(domain["intents"])
    names = [*fallback.TOPIC_TITLES.values(), fallback.SOMETHING_ELSE]
    assert all(reply(name) and "{" not in reply(name) for name in names)


def test_overridden_default_actions_are_declared_in_the_domain(domain) -> None:
    for action in (
        ActionDefaultAskAffirmation(),
        ActionDefaultAskRephrase(),
        ActionDefaultFallback(),
    ):
        assert action.name() in domain["actions"]


def _user(text: str, intent: str = "nlu_fallback") -> dict[str, object]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _action(name: str) -> dict[str, object]:
    return {"event": "action", "name": name}


async def test_the_first_message_not_understood_gets_topics_not_the_give_up(
    dispatcher, make_tracker, domain
) -> None:
    """A fallback-intent message answered by a special situation is no first miss."""
    history = [
        _action("action_listen"),
        _user("is 10000 mcg biotin too much?"),
        _action("action_special_situation"),
        _action("action_listen"),
    ]
    tracker = make_tracker("what about eggs then", history=history)
    events = await ActionDefaultFallback().run(dispatcher, tracker, domain)
    assert events == [UserUtteranceReverted()]
    assert dispatcher.messages[0]["text"] in (
        reply(fallback.NOT_SURE),
        reply(fallback.NOT_SURE_WITH_TOPICS),
    )


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # the message before was answered: the latest is the first miss
        ([_user("a"), _action("action_special_situation"), _action("action_listen")], True),
        # the message before met the fallback: give up
        ([_user("a"), _action("action_two_stage_fallback"), _action("action_listen")], False),
        ([_user("a"), _action("action_default_ask_affirmation"), _action("action_listen")], False),
        # the first message of the conversation ("hiya its about my little boy, he's 4")
        ([_action("action_session_start"), _action("action_listen")], True),
        ([], True),
    ],
)
def test_first_miss(events: list[dict[str, object]], expected: bool) -> None:
    assert fallback.first_miss([*events, _user("b")]) is expected


@pytest.mark.parametrize(
    ("text", "previous", "expected"),
    [
        ("头皮很痒怎么办", "", True),
        ("vcs fazem tratamento de couro cabeludo? quanto custa?", "", True),
        # Too short to tell alone, right after a message in another language.
        ("obrigada", "boa tarde, minha cabeça coça demais e o cabelo ta caindo", True),
        ("merci beaucoup", "Bonjour, je perds mes cheveux depuis deux ans, que faire ?", True),
        ("obrigada", "", False),
        # English after English, or after the client switched to English.
        ("blorp zing", "what is a scalp facial", False),
        ("blorp zing", "", False),
    ],
)
def test_in_other_language(text: str, previous: str, expected: bool) -> None:
    assert fallback.in_other_language(text, previous) is expected


def test_previous_user_text() -> None:
    events = [_user("hola, tengo caspa"), _action("action_special_situation"), _user("gracias")]
    assert fallback.previous_user_text(events) == "hola, tengo caspa"
    assert fallback.previous_user_text([_user("hi")]) == ""


async def test_a_short_message_after_one_in_another_language_gets_the_english_note(
    dispatcher, make_tracker, domain
) -> None:
    """'obrigada' alone cannot be told from English; after Portuguese it is Portuguese."""
    history = [
        _action("action_listen"),
        _user("boa tarde, minha cabeça coça demais e o cabelo ta caindo, quanto custa?"),
        _action("action_special_situation"),
        _action("action_listen"),
    ]
    tracker = make_tracker("obrigada", history=history)
    await ActionDefaultFallback().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == reply(fallback.ENGLISH_ONLY)


@pytest.mark.parametrize(
    ("text", "whose"),
    [
        ("hiya its about my little boy, he's 4", "his"),
        ("asking for my mum", "her"),
        ("question for my husband", "his"),
        ("hi, this is on behalf of my 7 year old daughter", "her"),
        ("its for our toddler", "their"),
        ("its about my kids", "their"),
        ("about my boys", "their"),
        # more than whom it is about, or nobody named
        ("hi", ""),
        ("what about my routine", ""),
        (
            "im asking for my mum because she has a weird rash that came up after the "
            "new shampoo and she wont see anyone",
            "",
        ),
    ],
)
def test_about_someone(text: str, whose: str) -> None:
    assert fallback.about_someone(text) == whose


async def test_a_message_only_saying_whom_it_is_about_asks_what_is_going_on(
    dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker("its about my little boy, he's 4", intent_ranking=rank(("greet", 0.3)))
    events = await ActionDefaultAskAffirmation().run(dispatcher, tracker, domain)
    assert events == []
    assert dispatcher.messages[0]["text"] == reply(fallback.ABOUT_SOMEONE, whose="his")
    assert not dispatcher.messages[0]["buttons"]

"""Stop and skip as commands, and the same words used about something else (a table)."""

from __future__ import annotations

import pytest

from scalpcare.commands import Command, asks_why, prefers_other_contact, read_command

STOP, SKIP = Command.STOP, Command.SKIP

CASES = [
    # Requests to stop the conversation (the intent's own examples and more).
    ("stop", STOP),
    ("STOP!!", STOP),
    ("stop please", STOP),
    ("ok stop", STOP),
    ("never mind", STOP),
    ("nvm", STOP),
    ("cancel the consultation", STOP),
    ("forget it", STOP),
    ("i'll do this later", STOP),
    ("stop asking me questions", STOP),
    ("too many questions, stop", STOP),
    ("i don't want to do this anymore", STOP),
    ("let's stop here", STOP),
    # Another way to reach the salon, instead of going on here.
    ("fine, I'll telephone instead", STOP),
    ("never mind, i'll just ring the salon instead", STOP),
    ("i'd rather call", STOP),
    ("I'll pop in instead", STOP),
    ("i'll email you instead", STOP),
    # ... but not a question or a report about calling.
    ("should I call my doctor?", None),
    ("can I call the salon to book?", None),
    ("I called the salon yesterday", None),
    ("can we stop?", STOP),
    ("quit", STOP),
    ("/stop", STOP),
    # Skipping the question asked.
    ("skip", SKIP),
    ("skip this one please", SKIP),
    ("can we skip this question", SKIP),
    ("pass", SKIP),
    ("next question", SKIP),
    ("rather not say", SKIP),
    ("I'd rather not answer that", SKIP),
    ("i don't want to answer that", SKIP),
    # What is skipped, and what is said after it, in other words.
    ("id rather not answer that one", SKIP),
    ("I'd rather not say tbh", SKIP),
    ("i dont really want to answer this question", SKIP),
    ("can we skip this too", SKIP),
    ("can i skip that bit", SKIP),
    ("skip the question if that's ok", SKIP),
    ("prefer not to say, if you don't mind", SKIP),
    ("i'd rather not say how often i wash lol, skip", SKIP),
    ("pass on this one", SKIP),
    ("i'll pass on that question", SKIP),
    ("next one please", SKIP),
    ("don't want to say what products i use", SKIP),
    # Going on with the question asked.
    ("ok carry on", Command.CONTINUE),
    ("let's continue", Command.CONTINUE),
    ("yes please go on", Command.CONTINUE),
    ("ok back to the questions", Command.CONTINUE),
    ("where were we?", Command.CONTINUE),
    ("ok im back, lets continue", Command.CONTINUE),
    ("I'm back", Command.CONTINUE),
    ("im back now", Command.CONTINUE),
    ("can we pick it up where we left off", Command.CONTINUE),
    ("ok pick up where we left off", Command.CONTINUE),
    ("lets carry on where we stopped", Command.CONTINUE),
    # "back" about something else is not a request to carry on.
    ("my itch is back", None),
    ("im back to washing every day", None),
    ("i don't want to carry on", STOP),
    ("i'd rather not continue", None),
    ("should i carry on massaging?", None),
    # The words used about something else: nothing ends.
    ("I feel anxious if I skip it", None),
    ("so should I stop the diet?", None),
    ("should I stop washing every day?", None),
    ("I stopped using dry shampoo last month", None),
    ("can I skip conditioner?", None),
    ("do I need to stop colouring my hair", None),
    ("what happens when I stop massaging", None),
    ("I get headaches whenever I skip a wash", None),
    ("my hair won't stop falling out", None),
    ("", None),
    ("/affirm", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_read_command(text: str, expected: Command | None) -> None:
    """Each message is a stop, a skip, or neither."""
    assert read_command(text) is expected


WHY_CASES = [
    ("why do you need that?", True),
    ("why?", True),
    ("what for?", True),
    ("why does that matter", True),
    ("whats that got to do with anything", True),
    ("what does that have to do with my scalp", True),
    ("why would you need to know that", True),
    ("what do you need that for", True),
    # The questions as a whole, and a word after that changes nothing.
    ("why so many questions lol", True),
    ("why all these questions?", True),
    ("what's with all the questions", True),
    ("how come you're asking me that", True),
    ("why are you asking", True),
    ("is that really necessary?", True),
    ("do you really need to know that", True),
    ("what difference does it make", True),
    ("why do you need that tho", True),
    ("hmm why does it matter", True),
    ("whats the point of this question", True),
    ("is that important?", True),
    ("does it really matter?", True),
    ("is it important to wash every day", False),
    ("does it matter if i use dry shampoo", False),
    ("what's the point?", True),
    ("how is that relevant?", True),
    ("how's that relevant", True),
    ("what is the point of a scalp facial", False),
    ("how does it help with flakes", False),
    # Real questions about the scalp are not.
    ("why is my scalp oily?", False),
    ("why do my roots get greasy so fast", False),
    ("why do i need a clarifying shampoo", False),
    ("why are my questions about dandruff never answered online", False),
    ("is that serum really necessary for an oily scalp", False),
    ("do you really need a scrub for buildup", False),
    ("yes", False),
    ("", False),
]


@pytest.mark.parametrize(("text", "expected"), WHY_CASES)
def test_asks_why(text: str, expected: bool) -> None:
    """A question about the question asked, or not."""
    assert asks_why(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fine, I'll telephone instead", True),
        ("never mind, i'll just ring the salon instead", True),
        ("i'd rather call", True),
        ("I'll pop in instead, thanks", True),
        ("i'll email you instead", True),
        # a question or a report about calling, or a time that says "later"
        ("should I call my doctor?", False),
        ("can I call the salon to book?", False),
        ("I called the salon yesterday", False),
        ("saturday later in the day", False),
        ("", False),
    ],
)
def test_prefers_other_contact(text: str, expected: bool) -> None:
    assert prefers_other_contact(text) is expected

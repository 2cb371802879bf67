"""Replies as named phrases: the core decides what to say, ``domain.yml`` words it.

The core never writes a sentence for a client. It returns a :class:`Phrase`: the name of
a response in ``domain.yml`` and the values to fill in, which may be phrases themselves
(a sign's plain words inside a referral) or :class:`Joined` lists of them (the steps of
a routine, one per line). Whoever sends the reply renders it with :func:`render` and a
``lookup`` from a response's name to its text: the action server's looks in the domain
Rasa sends with every call (actions/replies.py), so staff can reword, vary and
translate every reply in ``domain.yml`` alone.

A response's text fills ``{name}`` placeholders as Rasa's own responses do
(``rasa.core.nlg.interpolator``); a value never has its own braces read, so a client's
quoted words cannot inject anything.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

#: What a placeholder can be filled with.
Value = Union[str, int, float, "Phrase", "Joined", "Capitalised"]
#: From a response's name to the text of one of its variations.
Lookup = Callable[[str], str]

_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
#: The responses that join and list phrases: "and", "or", "- {item}".
AND = "utter_word_and"
OR = "utter_word_or"
LIST_ITEM = "utter_list_item"


@dataclass(frozen=True)
class Phrase:
    """A response of the domain, by name, with the values for its placeholders."""

    name: str
    values: tuple[tuple[str, Value], ...] = ()

    def get(self, key: str) -> Value | None:
        """The value given for ``key`` (for tests and for composing replies)."""
        return dict(self.values).get(key)


@dataclass(frozen=True)
class Joined:
    """Values written one after the other.

    Attributes:
        parts: The values, in order (empty ones are left out).
        separator: Between two parts (a space, a new line, "; ").
        last: Between the last two parts, when it differs (the response for "and").
    """

    parts: tuple[Value, ...]
    separator: str = " "
    last: Value | None = None


@dataclass(frozen=True)
class Capitalised:
    """A value whose first letter is written as a capital (a sentence's start)."""

    value: Value


def phrase(name: str, /, **values: Value) -> Phrase:
    """The response ``name`` with ``values`` for its placeholders."""
    return Phrase(name, tuple(values.items()))


def joined(parts: Iterable[Value], separator: str = " ", last: Value | None = None) -> Joined:
    """``parts`` written one after the other (see :class:`Joined`)."""
    return Joined(tuple(parts), separator, last)


def lines(parts: Iterable[Value]) -> Joined:
    """``parts``, one per line."""
    return Joined(tuple(parts), "\n")


def and_list(values: Sequence[Value], empty: Value) -> Value:
    """``values`` as a list ("a, b and c"), the only one itself, or ``empty`` if none."""
    if len(values) <= 1:
        return values[0] if values else empty
    return joined(values, ", ", last=phrase(AND))


def chained(values: Sequence[Value], word: str) -> Value:
    """``values`` each joined to the next by the response ``word``: "a or b or c"."""
    linked: list[Value] = []
    for value in values:
        linked += [phrase(word), value] if linked else [value]
    return joined(linked)


def usable_variations(
    variations: Sequence[Mapping[str, Any]], channel: str | None = None
) -> list[Mapping[str, Any]]:
    """A response's variations to choose from, as Rasa's response generator does (pure).

    Those with a text; the ones written for ``channel`` (``channel:``) when there are any,
    else those written for no channel.
    """
    with_text = [v for v in variations if v.get("text") is not None]
    own = [v for v in with_text if channel and v.get("channel") == channel]
    return own or [v for v in with_text if not v.get("channel")]


def pick_text(
    name: str,
    sources: Iterable[Mapping[str, Sequence[Mapping[str, Any]]]],
    channel: str | None = None,
) -> str:
    """The text of one usable variation of response ``name``, from the first source with one.

    ``sources``: responses by name, in the order to try (the running domain, then
    ``domain.yml``). A variation is picked at random, as Rasa does.

    Raises:
        KeyError: No source has a usable variation.
    """
    for responses in sources:
        usable = usable_variations(responses.get(name) or [], channel)
        if usable:
            return str(random.choice(usable)["text"])
    raise KeyError(f"domain.yml has no response {name!r}")


def render(value: Value, lookup: Lookup) -> str:
    """The text of ``value``, with every phrase worded by ``lookup``.

    Args:
        value: A phrase, a joined list, a capitalised value, or plain text / a number
            (a client's own words, a count).
        lookup: From a response's name to its text.

    Returns:
        The text a client reads.
    """
    if isinstance(value, Phrase):
        filled = {key: render(item, lookup) for key, item in value.values}
        return fill(lookup(value.name), filled)
    if isinstance(value, Joined):
        texts = [text for text in (render(part, lookup) for part in value.parts) if text]
        if value.last is not None and len(texts) > 1:
            last = render(value.last, lookup)
            head = value.separator.join(texts[:-1])
            return f"{head} {last} {texts[-1]}"
        return value.separator.join(texts)
    if isinstance(value, Capitalised):
        text = render(value.value, lookup)
        return text[:1].upper() + text[1:]
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``{name}`` it has a value for filled in (one pass).

    A placeholder without a value is left as it is, so a missing value shows in a test
    rather than raising in a conversation.
    """
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def names(value: Value) -> list[str]:
    """Every response ``value`` uses, in the order written (for tests and checks)."""
    if isinstance(value, Phrase):
        found = [value.name]
        for _, item in value.values:
            found += names(item)
        return found
    if isinstance(value, Joined):
        found = []
        for part in value.parts:
            found += names(part)
        return found + (names(value.last) if value.last is not None else [])
    if isinstance(value, Capitalised):
        return names(value.value)
    return []

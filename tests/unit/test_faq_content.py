"""Checks on the FAQ content (data/nlu/faq.yml and data/responses/faq.yml).

The ResponseSelector needs every `faq/<topic>` to have examples and an
`utter_faq/<topic>` answer; the answers must follow docs/content-rules.md's content
rules (no brands, no cure or growth promises, no diagnosis).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.content_rules import BRAND_PATTERNS, BRANDS

ROOT = Path(__file__).resolve().parents[2]
NLU_FILE = ROOT / "data" / "nlu" / "faq.yml"
RESPONSES_FILE = ROOT / "data" / "responses" / "faq.yml"

MIN_TOPICS = 18
MIN_EXAMPLES = 12
#: No topic should dominate the response selector's training (at most 2.5x the smallest).
MAX_EXAMPLES = 30

# Topics the salon asked the FAQ to cover. "How long should I massage?"
# is not an FAQ topic: it is personal, so the intent `ask_massage_limits` answers
# it with the user's own limit and its context (actions/safety.py).
REQUIRED_TOPICS = {
    "what_is_scalp_facial",
    "physical_vs_chemical_exfoliant",
    "salicylic_acid",
    "fruit_enzymes",
    "hyaluronic_acid",
    "peptides",
    "tea_tree_peppermint",
    "vitamin_e",
    "jojoba_squalane",
    "how_often_scalp_facial",
    "how_long_results",
    "massage_can_do",
    "massage_cannot_do",
    "salon_vs_home",
    "clarifying_shampoo",
    "face_scrub_on_scalp",
    "cool_water_rinse",
    "dry_shampoo_buildup",
    "scalp_facial_hair_loss",
    "dandruff_or_condition",
}

BANNED_IN_RESPONSES = [
    *BRAND_PATTERNS,
    r"\bcur(?:e|es|ed|ing)\b",
    r"guarantee",
    r"regrow",
    r"diagnos",
    r"prescri",
    r"miracle",
    r"supplement",
    r"minoxidil",
    r"finasteride",
    r"\bgrows\b",
    r"\bthicker\b",
]
# Red-flag words belong to triage, not to FAQ training examples (regexes,
# matched from a word start: "bleed" also catches "bleeding").


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), path
    return data


def _examples(block: str) -> list[str]:
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    assert all(line.startswith("- ") for line in lines), lines
    return [ANNOTATION.sub(r"\1", line[2:].strip()) for line in lines]


#: Inline entity annotations, ``[text](entity)`` or ``[text]{"entity": ...}``.
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@pytest.fixture(scope="module")
def nlu() -> dict[str, list[str]]:
    data = _load(NLU_FILE)
    assert str(data["version"]) == "3.1"
    topics: dict[str, list[str]] = {}
    for entry in data["nlu"]:
        intent = entry["intent"]
        assert intent.startswith("faq/"), intent
        topic = intent.split("/", 1)[1]
        assert topic not in topics, f"{topic} listed twice"
        topics[topic] = _examples(entry["examples"])
    return topics


@pytest.fixture(scope="module")
def responses() -> dict[str, list[str]]:
    data = _load(RESPONSES_FILE)
    assert str(data["version"]) == "3.1"
    answers: dict[str, list[str]] = {}
    for name, variants in data["responses"].items():
        assert name.startswith("utter_faq/"), name
        assert isinstance(variants, list) and variants, name
        answers[name.split("/", 1)[1]] = [variant["text"] for variant in variants]
    return answers


def test_every_topic_has_a_response_and_vice_versa(
    nlu: dict[str, list[str]], responses: dict[str, list[str]]
) -> None:
    assert set(nlu) == set(responses)


def test_enough_topics_and_the_required_ones(nlu: dict[str, list[str]]) -> None:
    assert len(nlu) >= MIN_TOPICS
    assert set(nlu) >= REQUIRED_TOPICS, REQUIRED_TOPICS - set(nlu)


def test_topic_names_are_identifiers(nlu: dict[str, list[str]]) -> None:
    for topic in nlu:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", topic), topic


def test_examples_per_topic(nlu: dict[str, list[str]]) -> None:
    for topic, examples in nlu.items():
        assert MIN_EXAMPLES <= len(examples) <= MAX_EXAMPLES, (topic, len(examples))


def _key(example: str) -> str:
    """Normalise an example so near-identical copies count as duplicates."""
    return re.sub(r"[^a-z0-9 ]", "", example.lower()).strip()


def test_no_duplicate_examples_within_or_across_topics(nlu: dict[str, list[str]]) -> None:
    seen: dict[str, str] = {}
    for topic, examples in nlu.items():
        for example in examples:
            key = _key(example)
            assert key, (topic, example)
            assert key not in seen, f"{example!r} in {topic} and {seen[key]}"
            seen[key] = topic


def test_examples_are_varied(nlu: dict[str, list[str]]) -> None:
    # Realistic phrasing: short and long, questions and statements.
    for topic, examples in nlu.items():
        lengths = [len(e.split()) for e in examples]
        assert min(lengths) <= 5, topic
        assert max(lengths) >= 7, topic
        assert any("?" in e for e in examples), topic
        assert any("?" not in e for e in examples), topic


def test_examples_are_not_red_flag_statements(nlu: dict[str, list[str]]) -> None:
    # A question about a condition is not a referral: the real screener agrees,
    # so no FAQ example would send its asker to a doctor.
    from scalpcare.triage import screen

    for topic, examples in nlu.items():
        for example in examples:
            assert not screen(example).has_red_flag, (topic, example)


def test_no_brands_in_examples(nlu: dict[str, list[str]]) -> None:
    for topic, examples in nlu.items():
        for example in examples:
            assert not [b for b in BRANDS if b in example.lower()], (topic, example)


def test_no_banned_words_in_responses(responses: dict[str, list[str]]) -> None:
    for topic, texts in responses.items():
        for text in texts:
            lowered = text.lower()
            hits = [p for p in BANNED_IN_RESPONSES if re.search(p, lowered)]
            assert not hits, (topic, hits)


def test_responses_are_short(responses: dict[str, list[str]]) -> None:
    for topic, texts in responses.items():
        for text in texts:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
            assert 2 <= len(sentences) <= 4, (topic, sentences)
            assert len(text) <= 520, (topic, len(text))
            assert "\n" not in text.strip(), topic  # folded into one paragraph


# Seed-faithfulness: (topic, phrases that must all appear in the answer).
FAITHFUL = [
    ("massage_cannot_do", ["can't create nutrients", "replace nutrition", "not a rescue"]),
    ("massage_cannot_do", ["doctor"]),
    ("massage_can_do", ["tension", "not a fix"]),
    ("salon_vs_home", ["20 minutes", "45"]),
    ("clarifying_shampoo", ["sulfate-free", "over-washing", "oilier"]),
    ("face_scrub_on_scalp", ["scalp-specific", "salicylic acid", "fruit enzymes"]),
    ("physical_vs_chemical_exfoliant", ["sensitive", "fingertips", "never every day"]),
    ("how_often_scalp_facial", ["once a week", "never exfoliate daily"]),
    ("how_long_results", ["gradual", "series", "weeks"]),
    ("scalp_facial_hair_loss", ["not a treatment", "dermatologist"]),
    ("dandruff_or_condition", ["can't tell", "dermatologist", "no scrubs or massage"]),
    ("tea_tree_peppermint", ["patch-test", "peppermint"]),
    ("jojoba_squalane", ["without clogging"]),
    ("hyaluronic_acid", ["hydrat"]),
    ("vitamin_e", ["antioxidant"]),
    ("peptides", ["scalp health", "not a hair-growth fix"]),
    ("cool_water_rinse", ["cool water"]),
    ("dry_shampoo_buildup", ["clarifying", "rinsed thoroughly"]),
]


@pytest.mark.parametrize(("topic", "phrases"), FAITHFUL)
def test_answers_are_faithful_to_the_seeds(
    responses: dict[str, list[str]], topic: str, phrases: list[str]
) -> None:
    for text in responses[topic]:
        for phrase in phrases:
            assert phrase.lower() in text.lower(), (topic, phrase)

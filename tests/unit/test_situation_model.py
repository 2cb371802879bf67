"""The learned situation reader and its NLU component (real encoder, real Rasa messages)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.shared.nlu.training_data.message import Message

from addons.nlu.situation_classifier import (
    PROPERTY,
    SituationClassifier,
    fingerprint,
    load_items,
    train_model,
)
from scalpcare import situation_model
from scalpcare.situations import Situation, from_parse

ROOT = Path(__file__).resolve().parents[2]
ENCODER = ROOT / "build" / "minilm"


def test_combine_orders_and_adds_distress_to_a_crisis() -> None:
    """Either reader's finding counts, in answering order; a crisis is distress too."""
    got = situation_model.combine([Situation.MEDICINE], [Situation.CRISIS, Situation.CHEMO])
    assert got == (Situation.CRISIS, Situation.DISTRESS, Situation.CHEMO, Situation.MEDICINE)
    assert situation_model.combine([], []) == ()


def test_the_models_crisis_counts_as_distress() -> None:
    """A crisis answer (the emergency number first) needs the rules' wording."""
    from addons.nlu.situation_classifier import model_finding

    heads = ["crisis", "distress", "lice"]
    model = situation_model.SituationModel(
        heads, np.zeros((1, 3), dtype=np.float32), np.zeros(3, dtype=np.float32)
    )
    probs = {"crisis": 0.9, "distress": 0.2, "lice": 0.7}
    assert model_finding(model, probs, "my hair") == [Situation.DISTRESS, Situation.LICE]
    # Distress is about hair and scalp changes: "anxious if I skip it" (massage) is not.
    assert model_finding(model, probs, "I feel anxious if I skip it") == [Situation.LICE]
    # Getting ready for an appointment is not being under care already.
    under_care = situation_model.SituationModel(
        ["under_care"], np.zeros((1, 1), dtype=np.float32), np.zeros(1, dtype=np.float32)
    )
    ready = "could you write down what i should tell the dermatologist?"
    assert model_finding(under_care, {"under_care": 0.9}, ready) == []
    seen = "my dermatologist gave me a foam"
    assert model_finding(under_care, {"under_care": 0.9}, seen) == [Situation.UNDER_CARE]
    # "my scalp got so angry" is irritation said as a mood, not the person's feelings.
    assert model_finding(model, probs, "my scalp got so angry after the scrub") == [Situation.LICE]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i went at it every day and my scalp got so angry", True),
        ("angry red scalp after washing too much", True),
        ("my skin is really upset after the new shampoo", True),
        ("i'm so angry about my hair falling out", False),
        ("my thinning hair is making me so upset", False),
        ("my scalp situation makes me so upset", False),
        ("this scalp thing and i'm so upset", False),
        ("", False),
    ],
)
def test_a_mood_said_of_the_scalp(text: str, expected: bool) -> None:
    from scalpcare.situations import mood_of_the_scalp

    assert mood_of_the_scalp(text) is expected


def test_from_parse_prefers_the_components_finding() -> None:
    """The parse data's list wins; without one the rules read the text."""
    assert from_parse({PROPERTY: ["lice"]}, "hello") == (Situation.LICE,)
    assert from_parse({PROPERTY: []}, "i think my son has lice") == ()
    assert from_parse({}, "i think my son has lice") == (Situation.LICE,)
    assert from_parse(None, None) == ()


def test_the_training_files_are_labelled_and_sourced() -> None:
    """Every training line has a text, known kinds and its source address."""
    items = load_items()
    assert len(items) >= 150
    known = {*situation_model.HEADS, "lab_result"}
    for item in items:
        assert str(item["text"]).strip()
        assert set(item["kinds"]) <= known, item
        assert str(item["source"]).startswith("http"), item


def test_the_held_out_side_shares_no_source_with_training() -> None:
    """The held-out split is by source: no page is on both sides."""
    import json

    heldout = ROOT / "tests" / "data" / "situations" / "heldout.jsonl"
    held = {json.loads(line)["source"] for line in heldout.read_text().splitlines() if line}
    assert held and not held & {item["source"] for item in load_items()}


def test_fingerprint_follows_the_training_files(tmp_path: Path) -> None:
    """A changed training file changes the fingerprint (Rasa then retrains)."""
    (tmp_path / "a.jsonl").write_text('{"text": "x", "kinds": [], "source": "http://a"}\n')
    before = fingerprint(tmp_path)
    (tmp_path / "a.jsonl").write_text('{"text": "y", "kinds": [], "source": "http://a"}\n')
    assert fingerprint(tmp_path) != before


@pytest.fixture(scope="module")
def trained() -> situation_model.SituationModel:
    """The model trained on the real training files with the real encoder."""
    if not (ENCODER / "config.json").exists() and not any(ENCODER.glob("*")):
        pytest.skip("needs the sentence encoder (make install)")
    from addons.nlu.red_flags import encode

    items = load_items()
    plain = ["hi", "how much is a scalp facial", "my scalp is oily", "book me in for friday"]
    vectors = encode([str(i["text"]) for i in items] + plain, str(ENCODER))
    nlu = [(text, vectors[text]) for text in plain]
    return train_model(items, vectors, nlu, SituationClassifier.get_default_config())


def test_the_trained_model_reads_its_own_examples(trained) -> None:
    """Trained as rasa train does, it finds most of its own training examples' kinds."""
    from addons.nlu.red_flags import encode

    items = [i for i in load_items() if i["kinds"]][:60]
    vectors = encode([str(i["text"]) for i in items], str(ENCODER))
    hits = sum(
        bool(
            {s.value for s in trained.found(trained.probabilities(t, vectors[t]))} & set(i["kinds"])
        )
        for i in items
        for t in [str(i["text"])]
    )
    assert hits >= 0.9 * len(items)


def test_stored_and_loaded_model_agree(trained) -> None:
    """The stored arrays and meta rebuild a model with the same probabilities."""
    again = situation_model.SituationModel.from_stored(trained.arrays(), trained.meta())
    vector = np.zeros(trained.dense_size)
    assert again.probabilities("is it lice?", vector) == trained.probabilities(
        "is it lice?", vector
    )


def test_component_adds_the_property_with_and_without_a_model(trained) -> None:
    """Rules alone without a model; the model's finding added to the rules' with one."""
    rules_only = SituationClassifier()
    [message] = rules_only.process([Message(data={"text": "i'm 20 weeks pregnant, is henna ok"})])
    assert message.get(PROPERTY) == ["pregnancy"]
    [command] = rules_only.process([Message(data={"text": "/affirm"})])
    assert command.get(PROPERTY) == []
    with_model = SituationClassifier(model=trained)
    [plain] = with_model.process([Message(data={"text": "hola, tengo caspa"})])
    assert plain.get(PROPERTY) == ["other_language"]

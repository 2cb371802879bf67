"""Every response in the real domain survives Rasa's slot filling unchanged and quietly."""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rasa.core.nlg.interpolator import interpolate

from console.context import STAFF_SAYS_VARIABLES

PAYLOAD = re.compile(r"^/[a-z_]+(\{.*\})?$")
ROOT = Path(__file__).resolve().parents[2]
ACTIONS = ROOT / "actions"
#: Where replies are built from phrases (scalpcare/phrases.py): the core, the actions,
#: the server's own replies, the salon's profile.
PHRASE_SOURCES = (ROOT / "scalpcare", ACTIONS, ROOT / "addons" / "server", ROOT / "salon")


def action_variables() -> set[str]:
    """The variables the actions pass with a named reply (``utter_message(response=...)``)."""
    names: set[str] = set()
    for path in ACTIONS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            # A reply built as a dict first ({"response": ..., "salon": ...}, then
            # utter_message(**answer)): its other keys are variables too.
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if "response" in keys:
                    names.update(str(k) for k in keys if k != "response")
                continue
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            keywords = {keyword.arg for keyword in node.keywords}
            if node.func.attr == "utter_message" and "response" in keywords:
                names.update(k for k in keywords if k not in {"response", "buttons", "text"})
    return names


def phrase_variables() -> set[str]:
    """The placeholders the code fills in phrases (``phrase("utter_...", name=...)``)."""
    names: set[str] = set()
    for folder in PHRASE_SOURCES:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if called == "phrase":
                    names.update(k.arg for k in node.keywords if k.arg)
    return names


def _responses(domain: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, variation)
        for name, variations in domain["responses"].items()
        for variation in variations
    ]


def test_no_response_logs_an_interpolation_error(domain, capsys) -> None:
    """A `{...}` that is neither a slot nor a variable an action passes makes Rasa log
    every slot's value; none may do that."""
    assert {"days", "who", "what", "name", "service", "times", "note"} <= action_variables()
    variables = [
        *domain["slots"],
        *action_variables(),
        *phrase_variables(),
        *STAFF_SAYS_VARIABLES,  # utter_staff_says, filled by the staff console
    ]
    slots = {name: f"<{name}>" for name in variables}
    for _name, variation in _responses(domain):
        interpolate(copy.deepcopy(variation), slots)
    output = capsys.readouterr()
    assert "interpolator" not in output.out + output.err


@pytest.mark.parametrize("with_slots", [False, True])
def test_button_payloads_are_intents_with_json_entities(domain, with_slots: bool) -> None:
    slots = {name: f"<{name}>" for name in domain["slots"]} if with_slots else {}
    seen = 0
    for name, variation in _responses(domain):
        for button in interpolate(copy.deepcopy(variation), slots).get("buttons") or []:
            payload = button["payload"]
            match = PAYLOAD.match(payload)
            assert match, (name, payload)
            if match.group(1):
                assert isinstance(json.loads(match.group(1)), dict), (name, payload)
                seen += 1
    assert seen >= 7

"""Replies live in the domain: the actions name them, staff can reword them.

Every fixed reply is a response in ``domain.yml`` that an action sends by name
(``dispatcher.utter_message(response=..., variable=...)``), so its wording can change,
vary and be translated without touching Python. Read from the source: no sentence
meant for a client is written in ``actions/``. The replies still composed in Python
from the core's parts (the routine, the referral, the massage limits, the appointment
summary, a correction note, the fallback's topic buttons) are listed in
``COMPOSED``; each one that moves to the domain leaves the list.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import booking, consultation, fallback, massage_limits, safety, salon_actions, session
from tests.replies import reply

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = sorted((ROOT / "actions").glob("*.py"))
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf8"))
#: A sentence meant for a client: words, a space, and an ending a reply would have.
SENTENCE = re.compile(r"[A-Za-z]{2,}.* .*[A-Za-z)\"'][.?!:]\s*$|[.?!] [A-Z]", re.S)
#: Replies still composed in Python: (file, function) pairs whose sentences are allowed.
COMPOSED = {
    ("consultation.py", "correction_note"),
    ("massage_limits.py", "limits_message"),
    ("massage_limits.py", "<module>"),  # SALON_SESSIONS, SELF_CHECK_INTRO, PAUSED_NO_HABIT
    ("fallback.py", "<module>"),  # TOPIC_TITLES, the fallback's button titles
    ("booking.py", "<module>"),  # SERVICE_TITLES, named inside the booking replies
    ("salon_actions.py", "alert_handoff"),  # a note for staff on the handoff, not a reply
}


def sentences_in(path: Path) -> list[tuple[str, str]]:
    """(function, text) for every string literal that reads like a reply."""
    tree = ast.parse(path.read_text(encoding="utf8"))
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, function: str, docstring: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            scope = function
            child_doc = docstring
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scope = child.name if function == "<module>" else function
                body = child.body
                first = body[0] if body else None
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    child_doc = first.value
            if isinstance(child, ast.Call) and _is_log_call(child):
                continue  # log lines are for staff, not clients
            if isinstance(child, ast.keyword) and child.arg in {"description", "help"}:
                continue  # a command line's help text
            if (
                isinstance(child, ast.Constant)
                and isinstance(child.value, str)
                and child is not docstring
                and child is not child_doc
                and SENTENCE.search(child.value)
            ):
                found.append((scope, child.value))
            visit(child, scope, child_doc)

    module_doc = None
    if tree.body and isinstance(tree.body[0], ast.Expr):
        module_doc = tree.body[0].value
    visit(tree, "<module>", module_doc)
    return found


def _is_log_call(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in {
        "debug",
        "info",
        "warning",
        "error",
        "exception",
        "critical",
    }


def test_the_reader_finds_a_reply_and_skips_docstrings_and_logs(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A module docstring. It has sentences."""\n'
        "def run():\n"
        '    """Say hello. Twice."""\n'
        '    logger.warning("Could not store it. Retrying.")\n'
        '    dispatcher.utter_message(text="Thanks, I have saved it.")\n',
        encoding="utf8",
    )
    assert sentences_in(sample) == [("run", "Thanks, I have saved it.")]


@pytest.mark.parametrize("path", ACTIONS, ids=lambda path: path.name)
def test_no_reply_is_written_in_the_actions(path: Path) -> None:
    written = [
        (function, text)
        for function, text in sentences_in(path)
        if (path.name, function) not in COMPOSED
    ]
    assert not written


def _response_names() -> set[str]:
    names: set[str] = set()
    for module in (salon_actions, booking, session, safety, massage_limits, fallback, consultation):
        for value in vars(module).values():
            if isinstance(value, str) and value.startswith("utter_"):
                names.add(value)
    names.update(consultation.EXPLANATIONS.values())
    return names


@pytest.mark.parametrize("name", sorted(_response_names()))
def test_every_reply_an_action_names_is_in_the_domain(name: str) -> None:
    variations: list[dict[str, Any]] = DOMAIN["responses"][name]
    assert variations and all(variation.get("text") for variation in variations)


def test_a_reply_is_rendered_with_its_variables() -> None:
    text = reply(booking.BOOKING_DONE, name="Ana", service="a scalp facial", times="Fri")
    assert text.startswith("Thanks, Ana! I've sent your request for a scalp facial (Fri)")
    assert "{" not in reply(salon_actions.CONSENT_QUESTION, days=30)

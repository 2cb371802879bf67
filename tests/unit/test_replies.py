"""Replies live in the domain: the code names them, staff can reword them.

Every reply is a response in ``domain.yml``. An action sends a whole reply by name
(``dispatcher.utter_message(response=..., variable=...)``); a reply built from what the
client said (the routine, a referral, the summary, the massage limits, a correction
note, the server's own replies) is made of named phrases (``scalpcare/phrases.py``)
worded from the domain (docs/replies.md). Read from the source: no sentence meant for a
client is written in ``actions/``, ``scalpcare/`` or ``addons/server/``, and every
response the code names is in the domain.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import booking, salon_actions
from tests.replies import reply

ROOT = Path(__file__).resolve().parents[2]
#: Where a client's reply could be written: the actions, the core, the server's parts,
#: the salon's profile (the rest of salon/ writes for staff).
SOURCES = sorted(
    [
        *(ROOT / "actions").glob("*.py"),
        *(ROOT / "scalpcare").rglob("*.py"),
        *(ROOT / "addons" / "server").glob("*.py"),
        ROOT / "salon" / "profile.py",
    ]
)
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf8"))
#: A sentence meant for a client: words, a space, and an ending a reply would have.
SENTENCE = re.compile(r"[A-Za-z]{2,}.* .*[A-Za-z)\"'][.?!:]\s*$|[.?!] [A-Z]", re.S)
#: A regular expression's source, not a sentence.
PATTERN = re.compile(r"\(\?:|\\b|\\s")
#: Strings that read like sentences but nobody reads as a reply: (file, function).
NOT_REPLIES = {
    ("salon_actions.py", "alert_handoff"),  # a label for staff on the handoff
    ("screen.py", "warm_up"),  # a text screened once to warm the matcher up
    ("serve.py", "validate_action_result"),  # added to Rasa's error for the log
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
            if isinstance(child, ast.Raise):
                continue  # an error for a developer or the log
            if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
                continue  # a docstring (also an attribute's, after its assignment)
            if isinstance(child, ast.keyword) and child.arg in {"description", "help"}:
                continue  # a command line's help text
            if (
                isinstance(child, ast.Constant)
                and isinstance(child.value, str)
                and child is not docstring
                and child is not child_doc
                and SENTENCE.search(child.value)
                and not PATTERN.search(child.value)
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


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_reply_is_written_in_python(path: Path) -> None:
    written = [
        (function, text)
        for function, text in sentences_in(path)
        if (path.name, function) not in NOT_REPLIES
    ]
    assert not written


def test_the_reader_skips_errors_patterns_and_attribute_docstrings(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "LIMIT = 3\n"
        '"""How many there may be. At most three."""\n'
        'WORDS = re.compile(r"\\bdo i need (?:to take )?(?:a |an )?")\n'
        "def check(x):\n"
        '    raise ValueError(f"Unknown value: {x}. Use another one.")\n',
        encoding="utf8",
    )
    assert sentences_in(sample) == []


def _named_in_code() -> set[str]:
    """Every response name written in full in the sources (``"utter_..."`` literals)."""
    names: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and re.fullmatch(r"utter_[a-z0-9_]*[a-z0-9]", value):
                names.add(value)
    #: Not responses: Rasa's retrieval action for the FAQ, and a key of the parse data.
    return names - {"utter_faq", "utter_action"}


def test_the_code_names_many_phrases() -> None:
    # The routine, the referral and the massage limits alone name over a hundred.
    assert len(_named_in_code()) > 200


@pytest.mark.parametrize("name", sorted(_named_in_code()))
def test_every_response_the_code_names_is_in_the_domain(name: str) -> None:
    variations: list[dict[str, Any]] = DOMAIN["responses"][name]
    assert variations and all(variation.get("text") is not None for variation in variations)


def test_a_reply_is_rendered_with_its_variables() -> None:
    text = reply(booking.BOOKING_DONE, name="Ana", service="a scalp facial", times="Fri")
    assert text.startswith("Thanks, Ana! I've sent your request for a scalp facial (Fri)")
    assert "{" not in reply(salon_actions.CONSENT_QUESTION, days=30)


def test_without_a_domain_from_rasa_the_wording_comes_from_domain_yml() -> None:
    """Rasa sends no domain with ``enable_selective_domain``: domain.yml still words it."""
    from actions.replies import domain_lookup

    lookup = domain_lookup({})
    assert lookup("utter_word_and") == reply("utter_word_and")
    with pytest.raises(KeyError):
        lookup("utter_no_such_phrase")

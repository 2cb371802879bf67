"""Which package may import which (docs/architecture.md, "Packages").

- ``scalpcare`` (the core) imports no framework and nothing else of the project: its
  decisions can be read, tested and reused without Rasa, rasa-sdk or a database.
- ``salon`` (the salon's database and staff tools) may use the core, never Rasa's
  packages or the assistant's glue.
- ``actions`` (rasa-sdk glue) and ``addons`` (parts of the Rasa server) never import
  each other: the action server and the Rasa server are separate processes.
- ``console`` (the staff console) reaches clients through Rasa's HTTP API only: it uses
  ``salon`` and the core, never Rasa's packages or the assistant's glue.
- What a trained model holds (``addons.nlu``, ``addons.policies``) never imports the
  server's parts (``addons.server``), so changing those needs no retraining.

Read from the source (every import statement, also inside functions), and checked once
more by importing the core in a fresh interpreter and looking at what got loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("scalpcare", "salon", "actions", "addons", "console")
#: Top-level packages each project package must not import.
FORBIDDEN = {
    "scalpcare": {
        *("rasa", "rasa_sdk", "sqlalchemy", "alembic"),
        *("salon", "actions", "addons", "console"),
    },
    "salon": {"rasa", "rasa_sdk", "actions", "addons", "console"},
    "actions": {"rasa", "addons", "console"},
    "addons": {"rasa_sdk", "actions", "console"},
    "console": {"rasa", "rasa_sdk", "actions", "addons"},
}


def imported_packages(path: Path) -> set[str]:
    """The top-level names every import statement of a file reaches."""
    tree = ast.parse(path.read_text(encoding="utf8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import rasa.shared.core\nfrom sqlalchemy import orm\nfrom . import sibling\n"
        "def later():\n    import actions.safety\n",
        encoding="utf8",
    )
    assert imported_packages(sample) == {"rasa", "sqlalchemy", "actions"}


@pytest.mark.parametrize("package", PROJECT)
def test_each_package_keeps_to_its_side(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, package
    crossings = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in files
    }
    assert not {path: names for path, names in crossings.items() if names}


def imported_modules(path: Path) -> set[str]:
    """The full dotted names of the modules a file imports from."""
    tree = ast.parse(path.read_text(encoding="utf8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("part", ["nlu", "policies"])
def test_what_a_model_holds_never_needs_the_server(part: str) -> None:
    crossings = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if name.startswith("addons.server")
        )
        for path in sorted((ROOT / "addons" / part).glob("*.py"))
    }
    assert not {path: names for path, names in crossings.items() if names}


def _core_modules_read_by(paths: list[Path]) -> set[str]:
    """The scalpcare modules ``paths`` import, and the ones those import, as files."""
    seen: set[str] = set()
    todo = list(paths)
    while todo:
        for name in imported_modules(todo.pop()):
            if not name.startswith("scalpcare."):
                continue
            # "scalpcare.triage.ScreenResult" names a module's attribute: its module.
            for candidate in (name, name.rsplit(".", 1)[0]):
                base = ROOT / candidate.replace(".", "/")
                files = [f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()]
                for file in files:
                    if str(file) not in seen:
                        seen.add(str(file))
                        todo.append(file)
                if files:
                    break
    return {str(Path(file).relative_to(ROOT)) for file in seen}


def test_the_makefile_retrains_on_every_core_module_the_model_reads() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf8")
    line = next(text for text in makefile.splitlines() if text.startswith("MODEL_CORE :="))
    patterns = [
        word.removeprefix("$(wildcard").rstrip(")")
        for word in line.split(":=", 1)[1].split()
        if word != "$(wildcard"
    ]
    model_parts = sorted([*ROOT.glob("addons/nlu/*.py"), *ROOT.glob("addons/policies/*.py")])
    read = _core_modules_read_by(model_parts)
    missing = [module for module in sorted(read) if not any(fnmatch(module, p) for p in patterns)]
    assert read and not missing, missing


def test_the_core_loads_without_any_framework() -> None:
    code = (
        "import sys, pkgutil, importlib, scalpcare\n"
        "for module in pkgutil.iter_modules(scalpcare.__path__):\n"
        "    importlib.import_module('scalpcare.' + module.name)\n"
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not set(loaded) & FORBIDDEN["scalpcare"]

"""The demo page server's settings (scripts/serve_web.py), as a table."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.e2e.conftest import ROOT

spec = importlib.util.spec_from_file_location("serve_web", ROOT / "scripts" / "serve_web.py")
assert spec is not None and spec.loader is not None
serve_web = importlib.util.module_from_spec(spec)
sys.modules["serve_web"] = serve_web
spec.loader.exec_module(serve_web)


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("", 7.0),
        ("30", 30.0),
        ("0", 0.0),
        ("0.5", 0.5),
        ("-1", 7.0),
        ("a week", 7.0),
        (" 14 ", 14.0),
    ],
)
def test_widget_history_days(value: str, days: float) -> None:
    assert serve_web.history_days(value) == days

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


def test_the_page_shows_the_salons_profile_escaped() -> None:
    from salon.profile import SalonProfile, Service

    template = (ROOT / "web" / "src" / "index.html").read_text(encoding="utf8")
    salon = SalonProfile(
        name="Kim & Co <Hair>",
        address="1 High St",
        opening_hours="Mon-Fri 9-5",
        phone="0100",
        services=(Service("scalp_facial", "Scalp <b>facial</b>", 50, "£60"),),
    )
    page = serve_web.render_page(template, salon)
    assert "{{" not in page
    assert "<title>Kim &amp; Co &lt;Hair&gt;</title>" in page
    assert "<h3>Scalp &lt;b&gt;facial&lt;/b&gt;</h3><p>50 minutes, £60</p>" in page
    assert "1 High St · Mon-Fri 9-5 · 0100" in page
    assert "Fernhill" not in page  # no salon's text is left in the template

"""The committed widget bundle: local files only, text never as markup, up to date."""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"


def test_the_page_loads_nothing_from_elsewhere() -> None:
    page = (DIST / "index.html").read_text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "widget.js" in sources and "config.js" in sources and "widget.css" in sources
    assert not [s for s in sources if re.match(r"(https?:)?//", s)], sources
    for name in ("widget.js", "widget.css", "salon.css"):
        assert (DIST / name).stat().st_size > 0


def test_the_widget_never_writes_markup() -> None:
    source = (WEB / "src" / "widget.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in source
    assert "innerHTML" not in (DIST / "widget.js").read_text()


@pytest.mark.skipif(
    shutil.which("node") is None or not (WEB / "node_modules").exists(),
    reason="needs Node.js and `make web` (npm ci) to rebuild the bundle",
)
def test_web_dist_is_what_the_sources_build(tmp_path: Path) -> None:
    subprocess.run(
        ["node", str(WEB / "build.mjs")],
        cwd=WEB,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "WIDGET_OUT": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(p.name for p in DIST.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, DIST, built, shallow=False)
    assert not mismatch and not errors, f"web/dist is stale ({mismatch}): run `make web`"

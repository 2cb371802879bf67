"""The staff console run for real (``python -m console.app``) for the integration tests."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.test_console_http import Browser
from tests.mail import free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def running_console(folder: Path, url: str, rasa_port: int | None = None) -> Iterator[Browser]:
    """The console on the salon database ``url`` (transcripts in ``folder``); staff "sam"
    logged in. ``rasa_port``: where Rasa's API is said to answer (None: not configured).
    """
    console_port = free_port()
    env = {
        **os.environ,
        "SALON_DB_URL": url,
        "TRACKER_DB_URL": f"sqlite:///{folder / 'tracker.db'}",
    }
    if rasa_port is not None:
        env["RASA_URL"] = f"http://127.0.0.1:{rasa_port}"
        env["RASA_API_TOKEN"] = "token-for-the-test"
    console = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "console.app", "--port", str(console_port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{console_port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/staff/health", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the console did not start"
                time.sleep(0.3)
        staff = Browser(base)
        assert staff.login("sam") == 302
        yield staff
    finally:
        console.terminate()
        console.wait(timeout=30)

"""Hardening of the running assistant's HTTP side: CORS limited to the salon's page,
a request-size cap, and nothing personal (or secret) in the logs at INFO."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, Assistant

pytestmark = pytest.mark.e2e


def _get(assistant: Assistant, path: str, origin: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(assistant.url(path), headers={"Origin": origin})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}


def _preflight(assistant: Assistant, path: str, origin: str) -> dict[str, str]:
    request = urllib.request.Request(
        assistant.base_url + path,
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            headers = response.headers
    except urllib.error.HTTPError as error:  # a refused preflight may carry a 4xx
        headers = error.headers
    return {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize("path", ["/status", "/version"])
def test_cors_allows_the_salon_page(assistant: Assistant, path: str) -> None:
    """The configured page gets its origin back; browsers may read the answer."""
    status, headers = _get(assistant, path, assistant.web_url)
    assert status == 200
    assert headers.get("access-control-allow-origin") == assistant.web_url


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:1", "null"])
def test_cors_refuses_other_sites(assistant: Assistant, origin: str) -> None:
    """Any other site gets no CORS grant, so a browser will not hand it the answer."""
    status, headers = _get(assistant, "/status", origin)
    assert status == 200  # the server answers; the browser withholds it from the page
    assert "access-control-allow-origin" not in headers
    preflight = _preflight(assistant, "/webhooks/rest/webhook", origin)
    assert preflight.get("access-control-allow-origin") not in (origin, "*")


def test_preflight_for_the_salon_page(assistant: Assistant) -> None:
    """The page's own preflight for a JSON POST is granted."""
    headers = _preflight(assistant, "/webhooks/rest/webhook", assistant.web_url)
    assert headers.get("access-control-allow-origin") == assistant.web_url


def test_oversized_request_is_refused_and_the_server_goes_on(assistant: Assistant) -> None:
    """A 3 MB body gets a clear 413 at once; the same sender is answered right after."""
    sender = f"rest:big-{uuid.uuid4().hex[:10]}"
    body = json.dumps({"sender": sender, "message": "a" * 3_000_000}).encode()
    request = urllib.request.Request(
        assistant.url("/webhooks/rest/webhook"),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413
    assert "size limit" in refused.value.read().decode().lower()
    replies = assistant.say(sender, "hi")
    assert replies and all(r.get("text") for r in replies)


def test_logs_hold_nothing_personal(assistant: Assistant) -> None:
    """After a consultation and a booking with contact details, neither the Rasa log nor
    the action server's log holds the client's words, name, email, phone or the API token."""
    sender = f"rest:logs-{uuid.uuid4().hex[:10]}"
    marker = uuid.uuid4().hex[:8]
    name = f"Zelda Quux{marker}"
    email = f"zelda.{marker}@example.com"
    phone = "+44 7700 900" + str(int(marker, 16) % 1000).zfill(3)
    private = f"my scalp itches since the divorce {marker}"
    assistant.say(sender, private)
    assistant.say(sender, "i'd like to book a 45 minute head massage")
    assistant.say(sender, "saturday morning")
    assistant.say(sender, name)
    assistant.say(sender, f"{email} or {phone}")
    assistant.say(sender, "yes")
    stored = json.dumps(assistant.tracker(sender)["events"])
    assert marker in stored  # the conversation itself holds them (it is the record)
    assert assistant.log_path is not None
    logs = {
        "rasa": Path(assistant.log_path).read_text(errors="replace"),
        "actions": (ROOT / "logs" / "actions.log").read_text(errors="replace"),
    }
    for which, text in logs.items():
        for secret in (marker, email, phone, "divorce", assistant.api_token):
            assert secret not in text, f"{secret!r} is in the {which} log"

"""The staff console through the salon page's server (:WEB_PORT/staff/), with the real assistant.

Logins, sessions, CSRF and the failed-login limit; a handoff answered from the console
reaches the client's conversation and is handed back; a booking confirmed from the
console tells the client; a client's markup is shown as text; an erased conversation
sends nothing. Accounts are made with the command line, as staff would.
"""

from __future__ import annotations

import functools
import http.client
import http.cookiejar
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from console.context import from_staff
from tests.e2e.conftest import ROOT, Assistant

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FromAddress(urllib.request.HTTPHandler):
    """Connect from another loopback address (127.0.0.2...): another visitor's machine."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def http_open(self, req):
        return self.do_open(
            functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), req
        )


@dataclass
class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    #: The loopback address it connects from; None: the system's choice (127.0.0.1).
    source: str | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()]
        if self.source:
            handlers.append(FromAddress(self.source))
        opener = urllib.request.build_opener(*handlers)
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        try:
            with opener.open(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf(self, path: str = "/staff/") -> str:
        _, _, page = self.request("GET", path)
        match = re.search(r'name="csrf" value="([^"]+)"', page)
        assert match, page[:500]
        return match.group(1)

    def login(self, username: str, password: str = PASSWORD) -> int:
        _, _, page = self.request("GET", "/staff/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', page)
        assert token
        status, _, _ = self.request(
            "POST",
            "/staff/login",
            {"login_csrf": token.group(1), "username": username, "password": password},
        )
        return status


def make_account(assistant: Assistant, username: str) -> None:
    created = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "-m",
            "console.accounts",
            "create",
            username,
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        cwd=ROOT,
        env={**os.environ, "SALON_DB_URL": f"sqlite:///{assistant.salon_database}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr


@pytest.fixture(scope="module")
def staff(assistant: Assistant) -> Browser:
    make_account(assistant, "sam")
    browser = Browser(assistant.web_url)
    assert browser.login("sam") == 302
    return browser


def _bot_texts(assistant: Assistant, sender: str) -> list[str]:
    return [e.get("text") or "" for e in assistant.tracker(sender)["events"] if e["event"] == "bot"]


def test_without_a_session_everything_is_closed(assistant: Assistant) -> None:
    anonymous = Browser(assistant.web_url)
    status, headers, _ = anonymous.request("GET", "/staff/")
    assert status == 302 and headers["Location"] == "/staff/login"
    assert anonymous.request("GET", "/staff/api/counts")[0] == 401
    assert anonymous.request("POST", "/staff/handoffs/1/reply", {"text": "hi"})[0] == 401
    assert anonymous.request("GET", "/staff/bookings/1")[0] == 302


def test_login_sets_a_private_cookie_and_forms_need_their_token(assistant: Assistant) -> None:
    make_account(assistant, "alex")
    browser = Browser(assistant.web_url)
    _, _, page = browser.request("GET", "/staff/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)
    status, headers, _ = browser.request(
        "POST", "/staff/login", {"login_csrf": token, "username": "alex", "password": PASSWORD}
    )
    assert status == 302
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http://localhost: Secure only over HTTPS
    assert browser.request("GET", "/staff/api/counts")[0] == 200
    # A forged form (no token, or another session's) is refused.
    assert browser.request("POST", "/staff/handoffs/1/close", {})[0] == 403
    assert browser.request("POST", "/staff/handoffs/1/close", {"csrf": "forged"})[0] == 403
    # Logged out, the session is gone.
    assert browser.request("POST", "/staff/logout", {"csrf": browser.csrf()})[0] == 302
    assert browser.request("GET", "/staff/api/counts")[0] == 401


def test_wrong_passwords_are_refused_then_limited(assistant: Assistant) -> None:
    make_account(assistant, "robin")
    browser = Browser(assistant.web_url)
    assert browser.login("robin", "wrong password!") == 401
    assert browser.login("nobody-at-all", "wrong password!") == 401
    for _ in range(4):
        browser.login("robin", "still wrong!!")
    assert browser.login("robin") == 429  # even the right password waits now


def test_a_handoff_is_answered_from_the_console_and_handed_back(
    assistant: Assistant, staff: Browser
) -> None:
    sender = f"rest:console-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "my scalp is itchy <script>alert(1)</script>")
    assistant.say(sender, "can i talk to a real person please")
    _, _, inbox = staff.request("GET", "/staff/")
    handoff_id = int(re.findall(r'href="/staff/handoffs/(\d+)"', inbox)[0])
    _, _, page = staff.request("GET", f"/staff/handoffs/{handoff_id}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    csrf = staff.csrf(f"/staff/handoffs/{handoff_id}")
    text = "Hi, this is Sam from the salon. How can I help?"
    status, _, _ = staff.request(
        "POST", f"/staff/handoffs/{handoff_id}/reply", {"csrf": csrf, "text": text}
    )
    assert status == 302
    assert from_staff("sam", text) in _bot_texts(assistant, sender)
    assert assistant.say(sender, "thanks sam") == []  # still with staff
    staff.request("POST", f"/staff/handoffs/{handoff_id}/handback", {"csrf": csrf})
    assert "automated assistant" in " ".join(
        r.get("text") or "" for r in assistant.say(sender, "are you a bot")
    )
    _, _, inbox = staff.request("GET", "/staff/")
    assert f'href="/staff/handoffs/{handoff_id}"' not in inbox


def test_the_failed_login_limit_counts_each_visitors_address(assistant: Assistant) -> None:
    """Behind the salon page's server, 20 wrong logins lock out that address only."""
    make_account(assistant, "casey")
    elsewhere = Browser(assistant.web_url, source="127.0.0.2")
    for n in range(20):
        assert elsewhere.login(f"guess{n}", "wrong password") == 401
    assert elsewhere.login("casey") == 429
    assert Browser(assistant.web_url).login("casey") == 302  # the front desk still gets in


def test_a_booking_confirmed_in_the_console_tells_the_client(
    assistant: Assistant, staff: Browser
) -> None:
    sender = f"rest:console-{uuid.uuid4().hex[:8]}"
    for text in (
        "i'd like to book a scalp facial",
        "saturday morning",
        "Jo Bloggs",
        "jo@example.com",
        "yes",
    ):
        assistant.say(sender, text)
    _, _, listing = staff.request("GET", "/staff/bookings")
    assert "jo@example.com" not in listing and "j***@example.com" in listing
    booking_id = int(re.findall(r'href="/staff/bookings/(\d+)"', listing)[0])
    _, _, page = staff.request("GET", f"/staff/bookings/{booking_id}")
    assert "jo@example.com" in page  # in full only on the booking itself
    message = "Your scalp facial is confirmed for Saturday at 10:00. See you then!"
    staff.request(
        "POST",
        f"/staff/bookings/{booking_id}/confirm",
        {"csrf": staff.csrf(f"/staff/bookings/{booking_id}"), "text": message},
    )
    assert from_staff("sam", message) in _bot_texts(assistant, sender)
    _, _, page = staff.request("GET", f"/staff/bookings/{booking_id}")
    assert "(confirmed)" in page and "delivered" in page
    assert "Confirmed · by " in page and "status confirmed" in page  # the history

    # The client moves it in the chat: staff see the new times, to confirm again.
    said = " ".join(
        r.get("text") or ""
        for r in assistant.say(sender, "can we move my booking to friday at 2pm?")
    )
    assert "asked the salon to move your request" in said
    _, _, page = staff.request("GET", f"/staff/bookings/{booking_id}")
    assert "(requested)" in page and "The client asked for other times · by client" in page
    assert "“friday at 2pm”" in page

    # A suggested answer still holding its WHEN is not sent.
    status, _, answer = staff.request(
        "POST",
        f"/staff/bookings/{booking_id}/confirm",
        {"csrf": staff.csrf(f"/staff/bookings/{booking_id}"), "text": "See you WHEN."},
    )
    assert status == 400 and "Replace WHEN" in answer

    # Staff propose another time; the client's answer in the chat reaches the request.
    staff.request(
        "POST",
        f"/staff/bookings/{booking_id}/propose",
        {
            "csrf": staff.csrf(f"/staff/bookings/{booking_id}"),
            "text": "We're full on Friday. Would Monday at 5pm suit you? Just reply here.",
        },
    )
    said = " ".join(
        r.get("text") or "" for r in assistant.say(sender, "monday at 5 is perfect, thank you")
    )
    assert "passed that on to the salon team" in said
    _, _, page = staff.request("GET", f"/staff/bookings/{booking_id}")
    assert "The client answered · by client" in page
    assert "monday at 5 is perfect, thank you" in page


def test_a_reply_to_an_erased_conversation_sends_nothing(
    assistant: Assistant, staff: Browser
) -> None:
    sender = f"rest:console-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "a person please")
    _, _, inbox = staff.request("GET", "/staff/")
    handoff_id = int(re.findall(r'href="/staff/handoffs/(\d+)"', inbox)[0])
    csrf = staff.csrf(f"/staff/handoffs/{handoff_id}")
    forgot = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "-m",
            "salon.staff",
            "--salon-db",
            f"sqlite:///{assistant.salon_database}",
            "--tracker-db",
            f"sqlite:///{assistant.database}",
            "forget",
            sender,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert forgot.returncode == 0, forgot.stderr
    status, _, page = staff.request(
        "POST", f"/staff/handoffs/{handoff_id}/reply", {"csrf": csrf, "text": "hello?"}
    )
    assert status == 404 and "Nothing was sent" in page
    assert _bot_texts(assistant, sender) == []


def test_referrals_conversations_erasure_and_the_report(
    assistant: Assistant, staff: Browser
) -> None:
    sender = f"rest:console-{uuid.uuid4().hex[:8]}"
    # A client who consents to notes, then describes a red flag: a named referral.
    assistant.say(sender, "oily scalp, flakes, not sensitive, i wash daily")
    assistant.say(sender, "yes")
    assistant.say(sender, "i have silvery scaly plaques behind my ears <b>bold</b>")
    _, _, page = staff.request("GET", "/staff/referrals?level=dermatologist")
    assert sender in page
    status, _, page = staff.request("GET", "/staff/referrals?from=2026-13-01")
    assert status == 400 and "not a valid date" in page and sender not in page
    status, _, page = staff.request("GET", "/staff/referrals?from=2026-12-31&to=2026-12-01")
    assert status == 400 and "The last day (2026-12-01) is before the first day" in page
    _, _, found = staff.request("GET", f"/staff/conversations?sender={sender[5:]}")
    assert sender in found
    status, _, transcript = staff.request(
        "GET", f"/staff/conversation?sender={urllib.parse.quote(sender)}"
    )
    assert status == 200 and "&lt;b&gt;bold&lt;/b&gt;" in transcript
    today = datetime.now(timezone.utc).date().isoformat()
    status, headers, report = staff.request("GET", f"/staff/report?from={today}&to={today}")
    assert status == 200 and "report</h1>" in report
    assert "unsafe-inline" in headers["Content-Security-Policy"]
    csrf = staff.csrf("/staff/conversations")
    status, _, refused = staff.request(
        "POST", "/staff/conversation/erase", {"csrf": csrf, "sender": sender}
    )
    assert status == 400 and "Nothing erased" in refused  # not without the tick
    assert _bot_texts(assistant, sender)
    status, _, done = staff.request(
        "POST", "/staff/conversation/erase", {"csrf": csrf, "sender": sender, "confirm": "yes"}
    )
    assert status == 200 and "Client erased" in done
    assert _bot_texts(assistant, sender) == []
    assert sender not in staff.request("GET", "/staff/referrals")[2]
    assert (
        staff.request("GET", f"/staff/conversation?sender={urllib.parse.quote(sender)}")[0] == 404
    )

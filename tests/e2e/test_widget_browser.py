"""The salon page and its chat widget in a real, headless Chromium.

Drives Debian's /usr/bin/chromium (`make chromium` installs it) with Playwright
against the real assistant started by scripts/run.sh (page, Rasa, action server).
Screenshots go to results/screenshots/.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from salon.profile import profile
from tests.e2e.conftest import ROOT, Assistant, free_port

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "results" / "screenshots"
REPLY_TIMEOUT_MS = 90_000
SERVICES = ["Scalp facial", "20-min head massage add-on", "45-min head-only massage"]
XSS = '<img src=x onerror="window.__xss = 1">'

if not Path(CHROMIUM).exists():
    pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (make test does it)", pytrace=False)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Chromium's sandbox does not run as root (CI runs as root).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


def open_chat(page: Page, url: str) -> None:
    """Open the page and the chat panel with the keyboard; wait for the session."""
    page.goto(url)
    launcher = page.get_by_role("button", name="Chat with our scalp-care assistant")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    page.wait_for_function(
        "() => (JSON.parse(localStorage.getItem('scalp-care-chat') || '{}').sessionId)",
        timeout=REPLY_TIMEOUT_MS,
    )


def session_id(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('scalp-care-chat')).sessionId"))


def wait_for_replies(page: Page, before: int) -> list[str]:
    bot = page.locator(".sc-bot")
    expect(bot).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    page.wait_for_timeout(2500)  # the bot may send several messages in a row
    return bot.all_inner_texts()[before:]


def say(page: Page, text: str) -> list[str]:
    """Type a message, press Enter; return the bot's new messages."""
    before = page.locator(".sc-bot").count()
    # Record whether the typing indicator showed, however fast the reply comes.
    page.evaluate(
        """() => {
          window.__typingSeen = false;
          const typing = document.querySelector('.sc-typing');
          new MutationObserver(() => { if (!typing.hidden) window.__typingSeen = true; })
            .observe(typing, {attributes: true});
        }"""
    )
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")
    replies = wait_for_replies(page, before)
    assert page.evaluate("window.__typingSeen"), "no typing indicator while waiting"
    expect(page.locator(".sc-typing")).to_be_hidden()
    return replies


def user_texts(assistant: Assistant, token: str) -> list[str]:
    """The user's messages of the conversation the widget's token names (web:<random>)."""
    conversation = "web:" + token.split(".")[0]
    return [e["text"] for e in assistant.tracker(conversation)["events"] if e["event"] == "user"]


def test_a_conversation_in_the_browser_survives_a_reload(
    assistant: Assistant, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[Any] = []
    page.on("pageerror", lambda error: errors.append(error))
    open_chat(page, assistant.web_url)
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")

    replies = say(page, "hi")
    assert any("scalp-care assistant" in reply for reply in replies), replies

    replies = say(page, "what is a scalp facial")
    assert any("A scalp facial is skincare for your scalp" in r for r in replies), replies

    # Text is never markup: the user's message is shown as typed, nothing runs.
    say(page, XSS)
    expect(page.locator(".sc-user .sc-text").last).to_have_text(XSS)
    assert page.locator(".sc-log img").count() == 0
    assert page.evaluate("window.__xss") is None

    # Buttons become quick replies; clicking one sends its payload and shows its title.
    say(page, "can i book an appointment")
    quick_replies = page.locator(".sc-quick-reply")
    expect(quick_replies).to_have_text(SERVICES)
    page.keyboard.press("Shift+Tab")  # from the input back to the last choice
    expect(quick_replies.last).to_be_focused()
    before = page.locator(".sc-bot").count()
    quick_replies.nth(1).click()
    expect(page.locator(".sc-user .sc-text").last).to_have_text(SERVICES[1])
    expect(quick_replies).to_have_count(0)
    wait_for_replies(page, before)
    sender = session_id(page)
    assert user_texts(assistant, sender)[-1] == (
        '/request_booking{"service": "head_massage_add_on_20"}'
    )

    history = page.locator(".sc-message").all_inner_texts()
    page.reload()
    expect(page.get_by_label("Your message")).to_be_visible()
    expect(page.locator(".sc-message")).to_have_text(history)
    assert session_id(page) == sender
    page.wait_for_function(
        "() => document.querySelector('.sc-status').hidden", timeout=REPLY_TIMEOUT_MS
    )

    # The booking form goes on in the same tracker: it asked for days and times.
    say(page, "saturday morning")
    tracker = assistant.tracker("web:" + sender.split(".")[0])
    assert tracker["slots"]["booking_service"] == "head_massage_add_on_20"
    assert tracker["slots"]["booking_times"] == "saturday morning"
    assert tracker["latest_input_channel"] == "socketio"
    assert user_texts(assistant, sender)[:2] == ["hi", "what is a scalp facial"]
    assert XSS in user_texts(assistant, sender)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget.png"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "widget-360.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for part in (".sc-panel", ".sc-input", ".sc-send", ".sc-restart", ".sc-close"):
        box = page.locator(part).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, part
    assert errors == []
    context.close()


def test_bot_text_and_button_titles_are_never_markup(
    assistant: Assistant, browser: Browser
) -> None:
    # Closed: the widget renders its stored history without connecting (a connection
    # would be given a new conversation for this made-up id, and the history cleared).
    stored = {
        "sessionId": "xss-check",
        "open": False,
        "messages": [
            {
                "from": "bot",
                "text": '<img src=x onerror="window.__xss = 2"> <b>bold</b>',
                "at": now_ms(),
            },
            {
                "from": "bot",
                "text": "Pick one",
                "active": True,
                "quickReplies": [{"title": "<i>choice</i>", "payload": "/greet"}],
                "at": now_ms(),
            },
        ],
    }
    context = browser.new_context()
    page = context.new_page()
    page.goto(assistant.web_url)
    page.evaluate("state => localStorage.setItem('scalp-care-chat', state)", json.dumps(stored))
    page.reload()
    expect(page.locator(".sc-bot .sc-text").first).to_have_text(
        '<img src=x onerror="window.__xss = 2"> <b>bold</b>'
    )
    expect(page.locator(".sc-quick-reply")).to_have_text(["<i>choice</i>"])
    assert page.locator(".sc-log img, .sc-log b, .sc-log i").count() == 0
    assert page.evaluate("window.__xss") is None
    context.close()


def now_ms(days_ago: float = 0) -> int:
    return int((time.time() - days_ago * 86400) * 1000)


def stored_messages(page: Page) -> list[str]:
    return list(
        page.evaluate(
            "(JSON.parse(localStorage.getItem('scalp-care-chat') || '{}').messages || [])"
            ".map(m => m.text)"
        )
    )


def test_the_browser_keeps_the_history_for_a_set_number_of_days(
    assistant: Assistant, browser: Browser
) -> None:
    """WIDGET_HISTORY_DAYS (7 here): older messages, and undated ones, are not shown or kept."""
    stored = {
        "sessionId": "expiry-check",
        "open": False,
        "messages": [
            {"from": "user", "text": "eight days ago", "at": now_ms(days_ago=8)},
            {"from": "user", "text": "undated, from an older widget"},
            {"from": "user", "text": "six days ago", "at": now_ms(days_ago=6)},
        ],
    }
    context = browser.new_context()
    page = context.new_page()
    page.goto(assistant.web_url)
    assert page.evaluate("window.SCALP_CARE.historyDays") == 7
    # The page itself is the salon's profile (salon.yml), not text in the code.
    salon = profile()
    assert page.title() == salon.name
    expect(page.locator(".services h3")).to_have_text([s.name for s in salon.services])
    page.evaluate("state => localStorage.setItem('scalp-care-chat', state)", json.dumps(stored))
    page.reload()
    expect(page.locator(".sc-message .sc-text")).to_have_text(["six days ago"])
    context.close()


def test_forget_me_in_the_chat_clears_the_browsers_history(
    assistant: Assistant, browser: Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_chat(page, assistant.web_url)
    say(page, "my scalp is oily and itchy")
    say(page, "forget me")
    assert any("oily" in text for text in stored_messages(page))
    page.get_by_role("button", name="Yes, delete everything").click()
    expect(page.locator(".sc-message")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(".sc-message")).to_have_text([re.compile("Done: I've deleted")])
    assert stored_messages(page) == [page.locator(".sc-message .sc-text").inner_text()]
    page.reload()
    expect(page.locator(".sc-message .sc-text")).to_have_text([re.compile("Done: I've deleted")])
    assert not any("oily" in text for text in stored_messages(page))
    context.close()


def test_staff_erasure_clears_the_history_on_the_next_visit(
    assistant: Assistant, browser: Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    open_chat(page, assistant.web_url)
    say(page, "my scalp is oily and itchy")
    token = session_id(page)
    page.close()  # the visitor leaves; staff erase them from the staff tools
    erased = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "-m",
            "salon.staff",
            "--salon-db",
            f"sqlite:///{assistant.salon_database}",
            "--tracker-db",
            f"sqlite:///{assistant.database}",
            "forget",
            "web:" + token.split(".")[0],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert erased.returncode == 0, erased.stderr
    page = context.new_page()
    # The chat was left open, so it reconnects at once: the stored history shows until the
    # server answers with a new id, then goes.
    page.goto(assistant.web_url)
    page.wait_for_function(
        f"() => JSON.parse(localStorage.getItem('scalp-care-chat')).sessionId !== {token!r}",
        timeout=REPLY_TIMEOUT_MS,
    )
    expect(page.locator(".sc-message")).to_have_count(0)
    assert stored_messages(page) == []
    context.close()


class Forwarder:
    """A TCP port that starts forwarding to Rasa only when asked: the server 'comes back'."""

    def __init__(self, target_port: int) -> None:
        self.port = free_port()
        self.target_port = target_port
        self.listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.listener = listener
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self.listener is not None
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.close()


def test_an_unreachable_server_is_said_plainly_and_the_widget_reconnects(
    assistant: Assistant, browser: Browser
) -> None:
    rasa_port = int(assistant.base_url.rsplit(":", 1)[1])
    forwarder = Forwarder(rasa_port)
    # The page's Content-Security-Policy only allows the configured Rasa; this
    # test points the widget at another port, so it bypasses the policy.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.route(
        "**/config.js",
        lambda route: route.fulfill(
            content_type="text/javascript",
            body=f'window.SCALP_CARE = {{"server": "http://127.0.0.1:{forwarder.port}"}};',
        ),
    )
    try:
        page.goto(assistant.web_url)
        page.get_by_role("button", name="Chat with our scalp-care assistant").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("can't reach the assistant", timeout=30_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "widget-unreachable.png"))

        forwarder.start()
        expect(alert).to_be_hidden(timeout=60_000)
        replies = say(page, "hi")
        assert any("scalp-care assistant" in reply for reply in replies), replies
    finally:
        forwarder.stop()
        context.close()


def test_staff_answer_a_client_from_the_console(assistant: Assistant, browser: Browser) -> None:
    """Receptionist and client side by side: a handoff arrives live, the reply reaches the
    widget, the conversation is handed back, and a confirmed booking reaches the client."""
    from tests.e2e.test_console_http import PASSWORD, make_account

    make_account(assistant, "reception")
    desk = browser.new_context().new_page()
    desk.goto(assistant.web_url + "/staff/")
    desk.get_by_label("User name").fill("reception")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    expect(desk.get_by_role("heading", name="Clients waiting for a person")).to_be_visible()
    links = desk.locator("a[href^='/staff/handoffs/']")
    before = links.count()

    client = browser.new_context().new_page()
    open_chat(client, assistant.web_url)
    say(client, "my scalp has been really dry lately")
    say(client, "can i talk to a real person please")
    # The open inbox shows the new request by itself.
    expect(links).to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
    links.first.click()
    expect(desk.locator("#transcript")).to_contain_text("my scalp has been really dry lately")
    desk.get_by_label("Reply to the client").fill("Hi, it's Jess at the salon. Let me help.")
    desk.get_by_role("button", name="Send").click()
    expect(client.locator(".sc-bot").last).to_have_text(
        re.compile("Reception at .+: Hi, it's Jess at the salon"), timeout=REPLY_TIMEOUT_MS
    )
    # While staff have it, the client is told a person will answer, with no typing dots.
    expect(client.locator(".sc-staff-note")).to_be_visible()
    client.get_by_label("Your message").fill("thanks jess, is it ok to oil my scalp?")
    client.keyboard.press("Enter")
    expect(client.locator(".sc-typing")).to_be_hidden()
    # The client's message shows in the console without a reload.
    expect(desk.locator("#transcript")).to_contain_text("thanks jess", timeout=REPLY_TIMEOUT_MS)
    desk.get_by_role("button", name="Hand back to the assistant").click()
    expect(desk.get_by_role("heading", name="Clients waiting for a person")).to_be_visible()
    expect(client.locator(".sc-bot").last).to_have_text(
        re.compile("You're back with the salon's automated assistant"), timeout=REPLY_TIMEOUT_MS
    )
    expect(client.locator(".sc-staff-note")).to_be_hidden()
    assert any("automated assistant" in r for r in say(client, "are you a bot?"))

    for text in (
        "i'd like to book a scalp facial",
        "saturday morning",
        "Jess Client",
        "jess.client@example.com",
        "yes",
    ):
        say(client, text)
    desk.get_by_role("link", name=re.compile("Bookings")).click()
    desk.locator("a[href^='/staff/bookings/']").first.click()
    expect(desk.get_by_text("jess.client@example.com")).to_be_visible()
    desk.get_by_label("Confirm").fill("Confirmed: your scalp facial, Saturday 10:00.")
    desk.get_by_role("button", name="Confirm and tell the client").click()
    expect(desk.get_by_role("heading", name=re.compile(r"\(confirmed\)"))).to_be_visible()
    # The client sees who at the salon wrote it (utter_staff_says), not "the assistant".
    expect(client.locator(".sc-bot").last).to_have_text(
        re.compile(r"Reception at .+: Confirmed: your scalp facial, Saturday 10:00\."),
        timeout=REPLY_TIMEOUT_MS,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desk.screenshot(path=str(SCREENSHOTS / "console-booking.png"))
    desk.context.close()
    client.context.close()


def test_a_new_conversation_is_not_left_waiting_for_staff(
    assistant: Assistant, browser: Browser
) -> None:
    """A stored "a person will reply" from an erased conversation goes with its id."""
    stored = {
        "sessionId": "erased-long-ago",
        "open": False,
        "waitingForStaff": True,
        "messages": [{"from": "bot", "text": "I've asked the team", "at": now_ms()}],
    }
    context = browser.new_context()
    page = context.new_page()
    page.goto(assistant.web_url)
    page.evaluate("state => localStorage.setItem('scalp-care-chat', state)", json.dumps(stored))
    page.reload()
    open_chat(page, assistant.web_url)
    page.wait_for_function(
        "() => JSON.parse(localStorage.getItem('scalp-care-chat')).sessionId !== 'erased-long-ago'",
        timeout=REPLY_TIMEOUT_MS,
    )
    expect(page.locator(".sc-staff-note")).to_be_hidden()
    expect(page.locator(".sc-message")).to_have_count(0)
    assert say(page, "hi")  # and the typing dots show again
    context.close()


def test_staff_erase_a_waiting_client_from_the_console_and_the_open_widget_clears(
    assistant: Assistant, browser: Browser
) -> None:
    """The Conversations page: the tick is needed, what is still open is listed, and a
    widget still open drops its history and its "a person will reply" note at once."""
    from tests.e2e.test_console_http import PASSWORD, make_account

    make_account(assistant, "frontdesk")
    client = browser.new_context().new_page()
    open_chat(client, assistant.web_url)
    say(client, "my scalp is really flaky and itchy")
    say(client, "can i talk to a real person please")
    expect(client.locator(".sc-staff-note")).to_be_visible()
    conversation = "web:" + session_id(client).split(".")[0]

    desk = browser.new_context().new_page()
    desk.goto(assistant.web_url + "/staff/")
    desk.get_by_label("User name").fill("frontdesk")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.goto(assistant.web_url + "/staff/conversation?sender=" + conversation)
    expect(desk.locator(".transcript")).to_contain_text("really flaky and itchy")
    expect(desk.get_by_text("This client still has")).to_contain_text("an open handoff")
    erase = desk.get_by_role("button", name="Erase this client")
    erase.click()  # not ticked: the browser does not send it
    expect(desk.get_by_role("heading", name=re.compile("Conversation"))).to_be_visible()
    desk.get_by_label("I understand this erases the client").check()
    erase.click()
    expect(desk.get_by_text("Client erased")).to_be_visible()

    expect(client.locator(".sc-bot").last).to_contain_text(
        "The salon has erased this conversation", timeout=REPLY_TIMEOUT_MS
    )
    expect(client.locator(".sc-staff-note")).to_be_hidden()
    expect(client.locator(".sc-message")).to_have_count(1)
    assert not any("flaky" in text for text in stored_messages(client))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    client.screenshot(path=str(SCREENSHOTS / "widget-erased-by-staff.png"))
    client.reload()  # and after a reload nothing of it comes back
    expect(client.locator(".sc-staff-note")).to_be_hidden()
    expect(client.get_by_text("really flaky and itchy")).to_have_count(0)
    assert not any("flaky" in text for text in stored_messages(client))
    desk.context.close()
    client.context.close()

"""The channel logic that needs no server: effective credentials, numbered choices."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from addons.server.choices import CHOICE_HINT, choice_payload, numbered_choices
from scripts.credentials import effective_credentials
from tests.replies import rendered

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = yaml.safe_load((ROOT / "credentials.yml").read_text())
BUTTONS = [
    {"title": "Scalp facial", "payload": '/request_booking{"service": "scalp_facial"}'},
    {"title": "20-min head massage add-on", "payload": "/add_on"},
    {"title": "45-min head-only massage", "payload": "/head_only"},
]

TELEGRAM = {
    "TELEGRAM_TOKEN": "123:abc",
    "TELEGRAM_BOT_NAME": "fernhill_bot",
    "TELEGRAM_WEBHOOK_URL": "https://salon.example/webhooks/telegram/webhook",
}


def test_without_variables_only_the_web_channels_are_on() -> None:
    enabled, missing = effective_credentials(TEMPLATE, {})
    assert list(enabled) == [
        "addons.server.channels.RestInput",
        "addons.server.channels.SocketIOInput",
    ]
    assert set(missing) == {
        "addons.server.messaging_apps.TelegramInput",
        "addons.server.messaging_apps.TwilioInput",
        "addons.server.messaging_apps.FacebookInput",
    }
    assert "TWILIO_AUTH_TOKEN" in missing["addons.server.messaging_apps.TwilioInput"]
    socketio = enabled["addons.server.channels.SocketIOInput"]
    assert socketio["session_persistence"] is True
    assert socketio["cors_allowed_origins"] == "http://localhost:8080"


def test_a_channel_is_on_only_with_all_its_variables() -> None:
    enabled, missing = effective_credentials(TEMPLATE, TELEGRAM)
    assert enabled["addons.server.messaging_apps.TelegramInput"] == {
        "access_token": "123:abc",
        "verify": "fernhill_bot",
        "webhook_url": "https://salon.example/webhooks/telegram/webhook",
        "api_url": "https://api.telegram.org",
        "secret_token": "",  # optional: derived from the bot token when unset
    }
    partial = {**TELEGRAM, "TELEGRAM_BOT_NAME": ""}
    enabled, missing = effective_credentials(TEMPLATE, partial)
    assert "addons.server.messaging_apps.TelegramInput" not in enabled
    assert missing["addons.server.messaging_apps.TelegramInput"] == ["TELEGRAM_BOT_NAME"]


def test_no_secret_is_committed_in_the_template() -> None:
    for channel, settings in TEMPLATE.items():
        for key, value in (settings or {}).items():
            if key in {"access_token", "auth_token", "secret", "page-access-token", "verify"}:
                assert str(value).startswith("${") and ":-" not in str(value), (channel, key)


def test_the_script_writes_a_private_file_rasa_can_read(tmp_path: Path) -> None:
    output = tmp_path / "credentials.yml"
    env = {"PATH": "/usr/bin:/bin", **TELEGRAM}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "credentials.py"),
            str(ROOT / "credentials.yml"),
            str(output),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Channel off: addons.server.messaging_apps.TwilioInput" in result.stderr
    assert output.stat().st_mode & 0o777 == 0o600
    # Rasa reads it (and expands nothing left in it).
    from rasa.shared.utils.io import read_config_file

    written = read_config_file(str(output))
    assert written["addons.server.messaging_apps.TelegramInput"]["access_token"] == "123:abc"
    assert "addons.server.messaging_apps.FacebookInput" not in written


def test_buttons_become_numbered_choices() -> None:
    text = numbered_choices("Which would you like?", BUTTONS)
    assert text.splitlines() == [
        "Which would you like?",
        "1. Scalp facial",
        "2. 20-min head massage add-on",
        "3. 45-min head-only massage",
        rendered(CHOICE_HINT),
    ]


def _conversation(*events: object) -> list[object]:
    return [ActionExecuted("action_listen"), *events]


def test_a_number_picks_the_choice_of_the_last_bot_message() -> None:
    events = _conversation(
        UserUttered("can i book an appointment"),
        BotUttered("Which would you like?", data={"buttons": BUTTONS}),
    )
    assert choice_payload("2", events) == "/add_on"
    assert choice_payload(" 1. ", events) == BUTTONS[0]["payload"]
    assert choice_payload("3)", events) == "/head_only"
    assert choice_payload("4", events) is None  # out of range: the text stays as it is
    assert choice_payload("0", events) is None
    assert choice_payload("2 please", events) is None
    assert choice_payload("twice a week", events) is None


def test_a_number_after_the_user_moved_on_is_just_text() -> None:
    events = _conversation(
        BotUttered("Which would you like?", data={"buttons": BUTTONS}),
        UserUttered("how often should I wash"),
        BotUttered("About twice a week."),
    )
    assert choice_payload("2", events) is None


def test_the_choices_of_a_later_message_win() -> None:
    later = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    events = _conversation(
        BotUttered("Which would you like?", data={"buttons": BUTTONS}),
        BotUttered("May we keep a note?", data={"buttons": later}),
    )
    assert choice_payload("2", events) == "/deny"

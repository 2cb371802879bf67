"""How a scheduled check-in is sent, per channel and time, as tables (no database, no network).

salon.schedule.route is the pure decision: on the client's channel, as the approved
WhatsApp template, or skipped, and why. salon.twilio_api.CheckinTemplate says which of
its settings are missing; salon.validation.mask_sender masks a conversation id for lists.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from salon import schedule
from salon.twilio_api import CheckinTemplate, TwilioError, whatsapp_address
from salon.validation import mask_sender

CREATED = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
NONE_MISSING: tuple[str, ...] = ()
SID_MISSING = ("TWILIO_CHECKIN_CONTENT_SID",)


@pytest.mark.parametrize(
    ("channel", "after", "missing", "how", "why"),
    [
        # Channels without a window: always on the client's channel.
        ("socketio", timedelta(days=7), SID_MISSING, "channel", "client's channel"),
        ("telegram", timedelta(days=7), SID_MISSING, "channel", "client's channel"),
        ("rest", timedelta(days=30), NONE_MISSING, "channel", "client's channel"),
        ("cmdline", timedelta(0), NONE_MISSING, "channel", "client's channel"),
        # WhatsApp within its 24 hours: a free-form message, template or not.
        ("twilio", timedelta(hours=2), SID_MISSING, "channel", "within WhatsApp's 24 hours"),
        ("twilio", timedelta(hours=23, minutes=59), NONE_MISSING, "channel", "within"),
        # Outside it: the template where configured, else skipped naming what is missing.
        ("twilio", timedelta(hours=24), NONE_MISSING, "template", "approved template"),
        ("twilio", timedelta(days=7), NONE_MISSING, "template", "approved template"),
        ("twilio", timedelta(days=7), SID_MISSING, "skipped", "set TWILIO_CHECKIN_CONTENT_SID"),
        (
            "twilio",
            timedelta(days=7),
            ("TWILIO_CHECKIN_CONTENT_SID", "TWILIO_AUTH_TOKEN"),
            "skipped",
            "set TWILIO_CHECKIN_CONTENT_SID, TWILIO_AUTH_TOKEN for the action server",
        ),
        # Messenger: within 24 hours sent; later skipped, template or not (no tag fits).
        ("facebook", timedelta(hours=3), NONE_MISSING, "channel", "within Messenger's 24 hours"),
        ("facebook", timedelta(days=7), NONE_MISSING, "skipped", "message tags"),
        ("facebook", timedelta(days=7), SID_MISSING, "skipped", "none of them allows a check-in"),
    ],
)
def test_how_a_check_in_goes(
    channel: str, after: timedelta, missing: tuple[str, ...], how: str, why: str
) -> None:
    decided = schedule.route(channel, CREATED, CREATED + after, missing)
    assert decided.how == how
    assert why in decided.why


def test_a_skipped_whatsapp_check_in_says_it_needs_the_template() -> None:
    decided = schedule.route("twilio", CREATED, CREATED + timedelta(days=7), SID_MISSING)
    assert "24 hours" in decided.why and "approved template" in decided.why


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        (
            {},
            (
                "TWILIO_CHECKIN_CONTENT_SID",
                "TWILIO_ACCOUNT_SID",
                "TWILIO_AUTH_TOKEN",
                "TWILIO_WHATSAPP_NUMBER",
            ),
        ),
        (
            {
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_WHATSAPP_NUMBER": "whatsapp:+14155238886",
            },
            ("TWILIO_CHECKIN_CONTENT_SID",),
        ),
        (
            {
                "TWILIO_CHECKIN_CONTENT_SID": " HX1 ",
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_WHATSAPP_NUMBER": "+14155238886",
            },
            (),
        ),
        (
            {
                "TWILIO_CHECKIN_CONTENT_SID": "HX1",
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_WHATSAPP_NUMBER": "+14155238886",
                "TWILIO_API_URL": "file:///etc",
            },
            ("TWILIO_API_URL",),
        ),
    ],
)
def test_which_template_settings_are_missing(env: dict[str, str], missing: tuple[str, ...]) -> None:
    assert CheckinTemplate.from_env(env).missing == missing


def test_template_settings_from_the_environment() -> None:
    template = CheckinTemplate.from_env(
        {
            "TWILIO_CHECKIN_CONTENT_SID": "HXabc",
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "secret",
            "TWILIO_WHATSAPP_NUMBER": "whatsapp:+14155238886",
            "TWILIO_API_URL": "http://127.0.0.1:9/",
        }
    )
    assert template.api_url == "http://127.0.0.1:9"
    assert "secret" not in repr(template)
    assert CheckinTemplate.from_env({}).api_url == "https://api.twilio.com"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("whatsapp:+447700900123", "whatsapp:+447700900123"),
        ("+447700900123", "whatsapp:+447700900123"),
        (" whatsapp:+14155238886 ", "whatsapp:+14155238886"),
    ],
)
def test_whatsapp_addresses(value: str, expected: str) -> None:
    assert whatsapp_address(value) == expected


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TwilioError(400, "Invalid ContentSid (error 21656)"), "Twilio refused the template"),
        (TwilioError(503, "Service unavailable"), "Twilio answered HTTP 503: Service unavailable"),
    ],
)
def test_twilio_errors_read_as_staff_read_them(error: TwilioError, expected: str) -> None:
    assert str(error).startswith(expected)


@pytest.mark.parametrize(
    ("sender", "masked"),
    [
        ("whatsapp:+447700900123", "whatsapp:***0123"),
        ("telegram:123456789", "telegram:***6789"),
        ("web:3f9a0c6b1d2e4f5a6b7c8d9e0f1a2b3c", "web:3f9a***"),
        ("messenger:2417730125643", "messenger:***5643"),
        ("rest:alice", "rest:***"),
        ("no-prefix-at-all", "no-p***"),
        ("", "-"),
        (None, "-"),
    ],
)
def test_mask_sender(sender: str | None, masked: str) -> None:
    assert mask_sender(sender) == masked

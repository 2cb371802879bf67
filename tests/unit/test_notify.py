"""Staff notification settings and wording as tables of cases (no database, no network)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from salon import notify
from salon.models import BookingRequest, HandoffRequest, Referral

AT = datetime(2026, 12, 6, 14, 3, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:2525", notify.SmtpTarget("127.0.0.1", 2525)),
        ("smtp://mail.example", notify.SmtpTarget("mail.example", 25)),
        ("smtp+starttls://mail.example", notify.SmtpTarget("mail.example", 587, "starttls")),
        (
            "smtps://desk%40salon:p%25ss@mail.example",
            notify.SmtpTarget("mail.example", 465, "ssl", "desk@salon", "p%ss"),
        ),
    ],
)
def test_smtp_urls(url: str, expected: notify.SmtpTarget) -> None:
    assert notify.parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example", "mail.example:25", "smtp://", "smtp://host:99999", ""]
)
def test_unusable_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(notify.NotifyConfigError):
        notify.parse_smtp_url(url)


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"SALON_SMTP_URL": "smtp://h"}, "set both"),
        ({"SALON_STAFF_EMAIL": "a@b.c"}, "set both"),
        ({"SALON_NOTIFY_WEBHOOK": "file:///etc/passwd"}, "http://"),
        ({"SALON_SMTP_URL": "ftp://h", "SALON_STAFF_EMAIL": "a@b.c"}, "smtp://"),
    ],
)
def test_half_configured_settings_are_refused(env: dict[str, str], error: str) -> None:
    with pytest.raises(notify.NotifyConfigError, match=error):
        notify.NotifySettings.from_env(env)


def test_settings_from_the_environment() -> None:
    settings = notify.NotifySettings.from_env(
        {
            "SALON_SMTP_URL": "smtp://h:2525",
            "SALON_STAFF_EMAIL": " desk@s.example, ,owner@s.example ",
            "SALON_NOTIFY_WEBHOOK": "https://chat.example/hook",
        }
    )
    assert settings.staff_emails == ("desk@s.example", "owner@s.example")
    assert settings.configured and settings.webhook_url == "https://chat.example/hook"
    assert "assistant" in settings.sender  # from the salon profile's name and e-mail
    assert not notify.NotifySettings.from_env({}).configured


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(0, 30), (1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (11, 3600)]
)
def test_backoff_doubles_up_to_an_hour(attempts: int, seconds: int) -> None:
    assert notify.backoff(attempts) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("channel", "shown"),
    [
        ("socketio", "website chat"),
        ("twilio", "WhatsApp"),
        ("custom", "custom"),
        (None, "an unknown"),
    ],
)
def test_channels_are_named_for_staff(channel: str | None, shown: str) -> None:
    handoff = HandoffRequest(id=7, channel=channel, sender_id="x", created_at=AT)
    note = notify.for_handoff(handoff)
    assert shown in note.body and "2026-12-06 14:03 UTC" in note.body
    assert (note.kind, note.handoff_id) == ("handoff", 7)


@pytest.mark.parametrize(
    ("status", "referral", "held"), [("requested", None, False), ("held", "urgent", True)]
)
def test_booking_wording(status: str, referral: str | None, held: bool) -> None:
    booking = BookingRequest(
        id=3,
        service="scalp_facial",
        status=status,
        referral=referral,
        preferred_times=None,
        name="Ann Lee",
        email="ann@example.com",
        created_at=AT,
    )
    note = notify.for_booking(booking)
    assert "Scalp facial (60 min)" in note.subject and "not given" in note.body
    assert ("held" in note.body) is held
    assert "Ann" not in note.body and "ann@" not in note.body


def test_a_changed_booking_names_the_new_times_and_no_contact() -> None:
    booking = BookingRequest(
        id=4,
        service="head_only_45",
        status="requested",
        preferred_times="monday after 5",
        name="Ann Lee",
        phone="07700900123",
        created_at=AT,
    )
    note = notify.for_booking_changed(booking)
    assert (note.kind, note.booking_id) == ("booking_changed", 4)
    assert "#4" in note.subject and "monday after 5" in note.body
    assert "Head-only massage session (45 min)" in note.body
    assert "Ann" not in note.body and "07700" not in note.body


@pytest.mark.parametrize(
    ("key", "name"),
    [("scalp_facial", "Scalp facial (60 min)"), ("not_in_profile", "not in profile")],
)
def test_staff_read_services_by_the_profiles_names(key: str, name: str) -> None:
    assert notify.service_name(key) == name


@pytest.mark.parametrize(("sender", "named"), [(None, "anonymous"), ("web-1", "consented")])
def test_urgent_referral_wording(sender: str | None, named: str) -> None:
    referral = Referral(id=9, level="urgent", sender_id=sender, conditions="fever", created_at=AT)
    note = notify.for_urgent_referral(referral)
    assert named in note.body and "fever" not in note.body and "web-1" not in note.body

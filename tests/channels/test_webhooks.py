"""Messaging apps end to end: real-format webhooks into the real assistant.

scripts/run.sh starts Rasa with the Telegram, Twilio (WhatsApp) and Messenger
channels switched on by their environment variables, pointed at a local stand-in
for the vendors' APIs (fake_vendors.py). The tests post what the vendor would post
and check what the vendor would receive back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from salon import db, schedule
from salon.models import ScheduledMessage, utcnow
from salon.profile import profile
from salon.rasa_api import RasaApi
from salon.repository import SalonRepository
from salon.twilio_api import CheckinTemplate
from tests.channels.fake_vendors import TELEGRAM_BOT, Call, FakeVendors, start_fake_vendors
from tests.e2e.conftest import Assistant, running_assistant
from tests.replies import reply

pytestmark = pytest.mark.e2e

TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-test-token"
TWILIO_NUMBER = "whatsapp:+14155238886"
TWILIO_PUBLIC_URL = "https://salon.example/webhooks/twilio/webhook"
FB_SECRET = "messenger-app-secret"
TELEGRAM_SECRET = "telegram-webhook-secret-1"
FB_TOKEN = "page-token"
BOOKING = "can i book an appointment"
SERVICES = ["Scalp facial", "20-min head massage add-on", "45-min head-only massage"]


@pytest.fixture(scope="module")
def vendors() -> Iterator[FakeVendors]:
    fake = start_fake_vendors()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="module")
def channels(tmp_path_factory: pytest.TempPathFactory, vendors: FakeVendors) -> Iterator[Assistant]:
    env = {
        "TELEGRAM_TOKEN": "123456:test-token",
        "TELEGRAM_BOT_NAME": TELEGRAM_BOT["username"],
        "TELEGRAM_WEBHOOK_URL": "https://salon.example/webhooks/telegram/webhook",
        "TELEGRAM_API_URL": f"{vendors.url}/telegram",
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_PUBLIC_URL,
        "TWILIO_API_URL": f"{vendors.url}/twilio",
        "FACEBOOK_VERIFY_TOKEN": "verify-me",
        "FACEBOOK_APP_SECRET": FB_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FB_TOKEN,
        "FACEBOOK_GRAPH_URL": f"{vendors.url}/facebook",
    }
    with running_assistant(tmp_path_factory.mktemp("channels"), extra_env=env) as assistant:
        yield assistant


def post(
    assistant: Assistant, path: str, body: bytes, content_type: str, headers: dict[str, str]
) -> tuple[int, str]:
    request = urllib.request.Request(
        assistant.base_url + path,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def tracker(assistant: Assistant, sender: str) -> dict[str, Any]:
    return assistant.request(
        "GET", f"/conversations/{urllib.parse.quote(sender, safe=':+')}/tracker"
    )


def user_texts(assistant: Assistant, sender: str) -> list[str]:
    return [e["text"] for e in tracker(assistant, sender)["events"] if e["event"] == "user"]


def since(vendors: FakeVendors, start: int, vendor: str, method: str) -> list[Call]:
    return [c for c in vendors.snapshot()[start:] if c.vendor == vendor and method in c.method]


# --- Telegram --------------------------------------------------------------------------


def telegram_update(chat_id: int, text: str | None = None, callback: str | None = None) -> bytes:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ana"}
    message = {
        "message_id": int(time.time() * 1000) % 1_000_000,
        "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
        "date": int(time.time()),
    }
    update: dict[str, Any] = {"update_id": int(time.time() * 1000) % 10_000_000}
    if callback is not None:
        message["from"] = TELEGRAM_BOT
        update["callback_query"] = {
            "id": str(uuid.uuid4().int)[:18],
            "from": user,
            "message": message,
            "chat_instance": "1",
            "data": callback,
        }
    else:
        update["message"] = {**message, "text": text}
    return json.dumps(update).encode()


def telegram_post(assistant: Assistant, body: bytes, secret: str | None) -> tuple[int, str]:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return post(assistant, "/webhooks/telegram/webhook", body, "application/json", headers)


def telegram_say(
    assistant: Assistant, vendors: FakeVendors, chat_id: int, **kwargs: str
) -> list[Call]:
    start = len(vendors.snapshot())
    status, body = telegram_post(assistant, telegram_update(chat_id, **kwargs), TELEGRAM_SECRET)
    assert (status, body) == (200, "success")
    return vendors.wait_for(lambda calls: bool(since(vendors, start, "telegram", "sendMessage")))[
        start:
    ]


def test_telegram_registers_its_webhook_and_answers(
    channels: Assistant, vendors: FakeVendors
) -> None:
    webhook = [c for c in vendors.snapshot() if c.method == "setWebhook"]
    assert webhook and webhook[0].data["url"] == "https://salon.example/webhooks/telegram/webhook"
    assert webhook[0].data["secret_token"] == TELEGRAM_SECRET

    chat_id = 5_000_000 + uuid.uuid4().int % 1_000_000
    calls = telegram_say(channels, vendors, chat_id, text="hi")
    sent = [c for c in calls if c.method == "sendMessage"]
    assert all(int(c.data["chat_id"]) == chat_id for c in sent)
    assert "scalp-care assistant" in " ".join(c.data["text"] for c in sent)

    calls = telegram_say(channels, vendors, chat_id, text=BOOKING)
    with_buttons = [c for c in calls if c.method == "sendMessage" and "reply_markup" in c.data]
    assert with_buttons, calls
    keyboard = json.loads(with_buttons[-1].data["reply_markup"])["inline_keyboard"]
    buttons = [button for row in keyboard for button in row]
    assert [b["text"] for b in buttons] == SERVICES

    # Pressing a button comes back as a callback query carrying the payload.
    telegram_say(channels, vendors, chat_id, callback=buttons[2]["callback_data"])
    texts = user_texts(channels, f"telegram:{chat_id}")
    assert texts[-1] == buttons[2]["callback_data"]
    assert tracker(channels, f"telegram:{chat_id}")["slots"]["booking_service"] == "head_only_45"


def test_telegram_refuses_a_forged_update(channels: Assistant, vendors: FakeVendors) -> None:
    """Without Telegram's secret token an update is refused: nothing said, nothing erased."""
    chat_id = 6_000_000 + uuid.uuid4().int % 1_000_000
    telegram_say(channels, vendors, chat_id, text="hi")
    start = len(vendors.snapshot())
    for secret in (None, "", "guessed-secret"):
        status, _ = telegram_post(channels, telegram_update(chat_id, text="forget me"), secret)
        assert status == 403
    # Rasa's own route that points the bot at another URL is not served.
    status, _ = post(channels, "/webhooks/telegram/set_webhook", b"", "text/plain", {})
    assert status == 404
    time.sleep(2)
    assert not since(vendors, start, "telegram", "sendMessage")
    assert user_texts(channels, f"telegram:{chat_id}") == ["hi"]


def test_a_telegram_photo_without_a_caption_is_asked_to_be_typed(
    channels: Assistant, vendors: FakeVendors
) -> None:
    """Rasa's channel drops a photo (no answer at all); the salon asks for a typed message."""
    chat_id = 7_000_000 + uuid.uuid4().int % 1_000_000
    update = json.loads(telegram_update(chat_id, text="x"))
    del update["message"]["text"]
    update["message"]["photo"] = [{"file_id": "p", "file_unique_id": "u", "width": 9, "height": 9}]
    start = len(vendors.snapshot())
    status, body = telegram_post(channels, json.dumps(update).encode(), TELEGRAM_SECRET)
    assert (status, body) == (200, "success")
    vendors.wait_for(lambda calls: bool(since(vendors, start, "telegram", "sendMessage")))
    sent = [c.data["text"] for c in since(vendors, start, "telegram", "sendMessage")]
    assert sent == [reply("utter_server_text_only")]


# --- WhatsApp through Twilio ----------------------------------------------------------------


def twilio_form(sender: str, text: str) -> dict[str, str]:
    return {
        "SmsMessageSid": "SM" + uuid.uuid4().hex,
        "NumMedia": "0",
        "ProfileName": "Ana",
        "SmsSid": "SM" + uuid.uuid4().hex,
        "WaId": sender.split("+")[-1],
        "SmsStatus": "received",
        "Body": text,
        "To": TWILIO_NUMBER,
        "NumSegments": "1",
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": TWILIO_SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def twilio_post(assistant: Assistant, form: dict[str, str], signature: str | None = None) -> int:
    if signature is None:
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_PUBLIC_URL, form)
    status, _ = post(
        assistant,
        "/webhooks/twilio/webhook",
        urllib.parse.urlencode(form).encode(),
        "application/x-www-form-urlencoded",
        {"X-Twilio-Signature": signature},
    )
    return status


def twilio_say(assistant: Assistant, vendors: FakeVendors, sender: str, text: str) -> list[str]:
    start = len(vendors.snapshot())
    assert twilio_post(assistant, twilio_form(sender, text)) == 204
    vendors.wait_for(lambda calls: bool(since(vendors, start, "twilio", "Messages.json")))
    sent = since(vendors, start, "twilio", "Messages.json")
    assert all(c.data["To"] == sender and c.data["From"] == TWILIO_NUMBER for c in sent)
    assert all(c.method == f"2010-04-01/Accounts/{TWILIO_SID}/Messages.json" for c in sent)
    return [c.data["Body"] for c in sent]


def test_a_whatsapp_voice_note_without_text_is_asked_to_be_typed(
    channels: Assistant, vendors: FakeVendors
) -> None:
    """Twilio sends a voice note or photo with an empty body: not "outside what I can help"."""
    sender = f"whatsapp:+4477008{uuid.uuid4().int % 100000:05d}"
    form = {**twilio_form(sender, ""), "NumMedia": "1", "MediaContentType0": "audio/ogg"}
    form["MediaUrl0"] = "https://api.twilio.example/media/1"
    start = len(vendors.snapshot())
    assert twilio_post(channels, form) == 204
    vendors.wait_for(lambda calls: bool(since(vendors, start, "twilio", "Messages.json")))
    sent = [c.data["Body"] for c in since(vendors, start, "twilio", "Messages.json")]
    assert sent == [reply("utter_server_text_only")]


def test_whatsapp_buttons_are_numbered_and_a_number_picks_one(
    channels: Assistant, vendors: FakeVendors
) -> None:
    sender = f"whatsapp:+4477009{uuid.uuid4().int % 100000:05d}"
    assert "scalp-care assistant" in " ".join(twilio_say(channels, vendors, sender, "hi"))

    bodies = twilio_say(channels, vendors, sender, BOOKING)
    lines = bodies[-1].splitlines()
    assert lines[-4:] == [
        f"1. {SERVICES[0]}",
        f"2. {SERVICES[1]}",
        f"3. {SERVICES[2]}",
        "Reply with the number of your choice.",
    ]

    twilio_say(channels, vendors, sender, "2")
    conversation = tracker(channels, sender)
    assert (
        user_texts(channels, sender)[-1] == '/request_booking{"service": "head_massage_add_on_20"}'
    )
    assert conversation["slots"]["booking_service"] == "head_massage_add_on_20"
    assert conversation["latest_input_channel"] == "twilio"


def test_whatsapp_refuses_a_request_without_twilios_signature(
    channels: Assistant, vendors: FakeVendors
) -> None:
    sender = f"whatsapp:+4477008{uuid.uuid4().int % 100000:05d}"
    start = len(vendors.snapshot())
    form = twilio_form(sender, "hi")
    assert twilio_post(channels, form, signature="") == 403
    wrong = RequestValidator("not-the-token").compute_signature(TWILIO_PUBLIC_URL, form)
    assert twilio_post(channels, form, signature=wrong) == 403
    # Signed for another URL: Twilio signs the public URL it posts to.
    elsewhere = RequestValidator(TWILIO_TOKEN).compute_signature("https://evil.example/", form)
    assert twilio_post(channels, form, signature=elsewhere) == 403
    time.sleep(3)
    assert not since(vendors, start, "twilio", "Messages.json")
    assert user_texts(channels, sender) == []


def test_a_late_whatsapp_check_in_is_recorded_in_the_conversation_and_sent_as_the_template(
    channels: Assistant, vendors: FakeVendors
) -> None:
    """Past the 24 hours: Rasa runs the check-in without sending it; Twilio gets the template.

    The client's latest channel is WhatsApp, so a ``trigger_intent`` with
    ``output_channel=latest`` would send the check-in as a free-form message, which
    WhatsApp refuses that late. salon.schedule.send_due is run here as the action server
    runs it, a week on, against the real Rasa and the stand-in for Twilio's API.
    """
    sender = f"whatsapp:+4477006{uuid.uuid4().int % 100000:05d}"
    twilio_say(channels, vendors, sender, "hi")
    week = timedelta(days=7)
    engine = db.make_engine(f"sqlite:///{channels.salon_database}")
    try:
        with db.session_scope(engine) as session:
            repo = SalonRepository(session)
            repo.give_consent("twilio", sender)
            message_id = repo.schedule_message(
                "twilio", sender, "EXTERNAL_routine_checkin", utcnow() + week
            ).id
        start = len(vendors.snapshot())
        content = "HX" + "5" * 32
        template = CheckinTemplate(
            content, TWILIO_SID, TWILIO_TOKEN, TWILIO_NUMBER, f"{vendors.url}/twilio"
        )
        rasa = RasaApi(channels.base_url, channels.api_token)
        schedule.send_due(engine, rasa, now=utcnow() + week, template=template)
        with db.session_scope(engine) as session:
            sent = session.get(ScheduledMessage, message_id)
            assert (sent.status, sent.last_error) == ("sent", None)
    finally:
        engine.dispose()
    time.sleep(2)  # anything Rasa's WhatsApp output would have sent has arrived by now
    to_client = [
        c for c in since(vendors, start, "twilio", "Messages.json") if c.data["To"] == sender
    ]
    # One message, the template: no free-form check-in through the channel.
    assert [(c.data.get("ContentSid"), c.data.get("Body")) for c in to_client] == [(content, None)]
    assert to_client[0].data["From"] == TWILIO_NUMBER
    assert json.loads(to_client[0].data["ContentVariables"]) == {"1": profile().name}
    # The conversation holds the check-in, so the client's answer is read as one.
    asked = [
        e
        for e in tracker(channels, sender)["events"]
        if e["event"] == "bot" and (e.get("metadata") or {}).get("utter_action") == "utter_checkin"
    ]
    assert len(asked) == 1


# --- Facebook Messenger ------------------------------------------------------------------------


def messenger_event(psid: str, text: str | None = None, quick_reply: str | None = None) -> bytes:
    message: dict[str, Any] = {"mid": "m_" + uuid.uuid4().hex, "text": text}
    if quick_reply is not None:
        message["quick_reply"] = {"payload": quick_reply}
    now = int(time.time() * 1000)
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": "PAGE_ID",
                    "time": now,
                    "messaging": [
                        {
                            "sender": {"id": psid},
                            "recipient": {"id": "PAGE_ID"},
                            "timestamp": now,
                            "message": message,
                        }
                    ],
                }
            ],
        }
    ).encode()


def messenger_post(
    assistant: Assistant, body: bytes, secret: str = FB_SECRET, algorithm: str = "sha1"
) -> tuple[int, str]:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
    header = "X-Hub-Signature-256" if algorithm == "sha256" else "X-Hub-Signature"
    return post(
        assistant,
        "/webhooks/facebook/webhook",
        body,
        "application/json",
        {header: f"{algorithm}={digest}"},
    )


def messenger_say(
    assistant: Assistant, vendors: FakeVendors, psid: str, algorithm: str = "sha1", **kwargs: str
) -> list[dict[str, Any]]:
    start = len(vendors.snapshot())
    event = messenger_event(psid, **kwargs)
    assert messenger_post(assistant, event, algorithm=algorithm) == (200, "success")
    calls = vendors.wait_for(
        lambda calls: any(
            c.vendor == "facebook" and c.data.get("sender_action") == "typing_off"
            for c in calls[start:]
        )
    )
    sent = [c for c in calls[start:] if c.vendor == "facebook" and "message" in c.data]
    assert all(c.method == "me/messages" and c.query["access_token"] == FB_TOKEN for c in sent)
    assert all(c.data["recipient"]["id"] == psid for c in sent)
    return [c.data["message"] for c in sent]


def test_messenger_verifies_signatures_and_sends_quick_replies(
    channels: Assistant, vendors: FakeVendors
) -> None:
    psid = str(7_000_000 + uuid.uuid4().int % 1_000_000)
    start = len(vendors.snapshot())
    assert messenger_post(channels, messenger_event(psid, text="hi"), secret="wrong")[0] == 403
    wrong_256 = messenger_post(
        channels, messenger_event(psid, text="hi"), secret="wrong", algorithm="sha256"
    )
    assert wrong_256[0] == 403
    unsigned = post(
        channels,
        "/webhooks/facebook/webhook",
        messenger_event(psid, text="hi"),
        "application/json",
        {},
    )
    assert unsigned[0] == 403
    time.sleep(2)
    assert not [c for c in vendors.snapshot()[start:] if c.vendor == "facebook"]

    messages = messenger_say(channels, vendors, psid, algorithm="sha256", text="hi")
    assert "scalp-care assistant" in " ".join(m.get("text", "") for m in messages)

    messages = messenger_say(channels, vendors, psid, text=BOOKING)
    last = messages[-1]
    # "20-min head massage add-on" is longer than the 20 characters Messenger shows,
    # so the choices are numbered in the text and the quick replies carry the numbers.
    assert last["text"].splitlines()[-4:-1] == [f"{n}. {s}" for n, s in enumerate(SERVICES, 1)]
    replies = last["quick_replies"]
    assert [r["title"] for r in replies] == ["1", "2", "3"]

    messenger_say(channels, vendors, psid, text="1", quick_reply=replies[0]["payload"])
    assert tracker(channels, f"messenger:{psid}")["slots"]["booking_service"] == "scalp_facial"


def test_messenger_answers_the_webhook_verification(channels: Assistant) -> None:
    query = "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=12345"
    with urllib.request.urlopen(f"{channels.base_url}/webhooks/facebook/webhook?{query}") as r:
        assert r.read() == b"12345"
    wrong = "hub.mode=subscribe&hub.verify_token=verify-you&hub.challenge=12345"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{channels.base_url}/webhooks/facebook/webhook?{wrong}")
    assert refused.value.code == 403


def test_the_log_names_the_channels_that_are_on(channels: Assistant) -> None:
    assert channels.log_path is not None
    log = Path(channels.log_path).read_text()
    on = ", ".join(
        (
            "addons.server.channels.RestInput",
            "addons.server.channels.SocketIOInput",
            "addons.server.messaging_apps.TelegramInput",
        )
    )
    assert f"Channels on: {on}" in log

"""Fuzz the running assistant over REST: random text, markup, emoji, other scripts, 100 KB.

Every message must get an HTTP 200 with well-formed replies, nothing may be lost from the
conversation, and the assistant must still answer normally afterwards.
"""

from __future__ import annotations

import json
import urllib.error
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addons.server.guards import DEFAULT_REQUEST_MAX_BYTES, TEXT_ONLY, has_text
from tests.replies import rendered

pytestmark = pytest.mark.e2e

#: The server's request limit when REQUEST_MAX_BYTES is unset (as in the tests).
REQUEST_MAX_BYTES = DEFAULT_REQUEST_MAX_BYTES

MARKUP = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "{{7*7}} ${jndi:ldap://x} %s%s%n",
    "'; DROP TABLE events; --",
    '{"text": "hi", "intent": "restart"}',
    "\u202e\u200b\u0000\ufeff",
]
WORLD = [
    "mi cuero cabelludo pica mucho",
    "Kopfhaut juckt seit Wochen",
    "頭皮がかゆいです",
    "فروة رأسي جافة",
    "кожа головы шелушится",
    "🧴💆‍♀️🔥🔥 scalp?? 😭",
]
messages = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=200),
    st.sampled_from(MARKUP + WORLD),
    st.builds(
        lambda piece, size: (piece * (size // max(1, len(piece)) + 1))[:size],
        st.sampled_from(["itchy flakes ", "😀", "<b>", "a"]),
        st.sampled_from([2_001, 20_000, 100_000]),
    ),
)


def _well_formed(replies: object) -> bool:
    return isinstance(replies, list) and all(
        isinstance(r, dict) and (isinstance(r.get("text"), str) or r.get("buttons") is not None)
        for r in replies
    )


@pytest.fixture(scope="module")
def conversation() -> dict[str, object]:
    return {"sender": f"rest:fuzz-{uuid.uuid4().hex[:10]}", "sent": []}


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(message=messages)
def test_any_message_gets_a_well_formed_answer(assistant, conversation, message: str) -> None:
    body = json.dumps({"sender": conversation["sender"], "message": message}).encode()
    if len(body) > REQUEST_MAX_BYTES:
        with pytest.raises(urllib.error.HTTPError) as refused:
            assistant.say(str(conversation["sender"]), message)
        assert refused.value.code == 413
        return
    replies = assistant.say(str(conversation["sender"]), message)
    assert _well_formed(replies)
    if not has_text(message):
        # Nothing to read: answered before Rasa with "please type it", and not stored
        # (addons/server/guards.answer_no_text), so an open question stays open.
        assert [r.get("text") for r in replies] == [rendered(TEXT_ONLY)]
        return
    sent = conversation["sent"]
    assert isinstance(sent, list)
    sent.append(message)


def test_nothing_was_lost_and_the_assistant_still_answers(assistant, conversation) -> None:
    """Every message with text is in the conversation (shortened ones by their beginning).

    Rasa's two-stage fallback rewinds a message it did not understand and records it
    again, so the tracker may hold a message twice; none may be missing. (A blank message
    carries nothing to keep: it is answered before Rasa, see above.)
    """
    sender = str(conversation["sender"])
    sent = conversation["sent"]
    assert isinstance(sent, list) and len(sent) >= 20  # hypothesis ran (up to 40 examples)
    events = assistant.request("GET", f"/conversations/{sender}/tracker?include_events=ALL")[
        "events"
    ]
    stored = [e.get("text") or "" for e in events if e["event"] == "user"]
    assert len(stored) >= len(sent)
    assert all(len(text) <= 2_500 for text in stored)
    for message in sent:
        # Rasa's UserMessage strips the text of whitespace at both ends ("\x1d" included).
        message = message.strip()
        if len(message) <= 2_000:
            assert message in stored
        else:
            assert any(text and message.startswith(text[:100]) for text in stored)
    assistant.say(sender, "/restart")
    replies = assistant.say(sender, "hi")
    assert "isn't medical advice" in replies[0]["text"]

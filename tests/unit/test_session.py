"""Starting over."""

from __future__ import annotations

from rasa_sdk.events import Restarted

from actions.session import RESTARTED, ActionRestart


async def test_restart_confirms_and_restarts(dispatcher, make_tracker, domain) -> None:
    tracker = make_tracker("start over", intent="restart", slots={"referral": "doctor"})
    events = await ActionRestart().run(dispatcher, tracker, domain)
    assert events == [Restarted()]
    assert [m["text"] for m in dispatcher.messages] == [RESTARTED]
    assert ActionRestart().name() in domain["actions"]

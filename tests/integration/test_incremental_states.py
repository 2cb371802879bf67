"""``addons.server.incremental_states``: the same dialogue states as Rasa, computed once per event.

Every tracker the project's rules and conversation tests produce (forms, slot
events, rule-only turns, loops, fallbacks) is grown one event at a time; after
each event, ``past_states`` of the incremental tracker must equal Rasa's
``Domain.states_for_tracker_history`` for every combination of arguments the
policies use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from addons.server import incremental_states
from addons.server.incremental_states import IncrementalStatesTracker, StatesMemo

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@functools.cache
def _story_trackers() -> list[DialogueStateTracker]:
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[
            str(ROOT / "data" / "rules"),
            *map(str, ROOT.glob("tests/test_*.yml")),
        ],
    )
    graph = importer.get_stories()
    return TrainingDataGenerator(
        graph, _domain(), remove_duplicates=False, augmentation_factor=0
    ).generate()


def _rule_only_data() -> dict[str, Any]:
    domain = _domain()
    return {
        "slots": ["requested_slot", *[s.name for s in domain.slots][:2]],
        "loops": domain.form_names,
    }


def _argument_sets() -> list[dict[str, Any]]:
    return [
        {},
        {"omit_unset_slots": True},
        {"ignore_rule_only_turns": True, "rule_only_data": _rule_only_data()},
        {"ignore_rule_only_turns": True, "rule_only_data": None},
        {"rule_only_data": _rule_only_data()},
    ]


def _grow_and_compare(events: list[Event], sender: str = "memo") -> None:
    """After each event, incremental states == Rasa's states, for every argument set."""
    domain = _domain()
    memo = StatesMemo()
    for length in range(1, len(events) + 1):
        tracker = IncrementalStatesTracker.from_events(sender, events[:length], domain.slots)
        tracker.states_memo = memo
        reference = DialogueStateTracker.from_events(sender, events[:length], domain.slots)
        assert tracker.applied_events() == reference.applied_events(), length
        for arguments in _argument_sets():
            expected = domain.states_for_tracker_history(reference, **arguments)
            # Twice: the second call is served from the memo.
            assert tracker.past_states(domain, **arguments) == expected, (length, arguments)
            assert tracker.past_states(domain, **arguments) == expected, (length, arguments)


def test_every_story_and_rule_tracker_prefix() -> None:
    trackers = _story_trackers()
    assert len(trackers) > 20
    for tracker in trackers:
        _grow_and_compare(list(tracker.events), sender=tracker.sender_id)


def _turn(text: str, intent: str, *actions: str) -> list[Event]:
    events: list[Event] = [UserUttered(text, intent={"name": intent, "confidence": 0.9})]
    for action in actions:
        events += [ActionExecuted(action), BotUttered(f"{action} says hi")]
    return [*events, ActionExecuted("action_listen")]


def _long_conversation() -> list[Event]:
    """Sessions, a form with slots, a fallback that reverts, a restart, many FAQ turns."""
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    events += _turn("hi", "greet", "utter_greet")
    events += [
        UserUttered("routine please", intent={"name": "start_consultation", "confidence": 0.9}),
        ActionExecuted("consultation_form"),
        ActiveLoop("consultation_form"),
        SlotSet("requested_slot", "concerns"),
        ActionExecuted("action_listen"),
        UserUttered("itchy", intent={"name": "describe_scalp", "confidence": 0.9}),
        ActionExecuted("consultation_form"),
        SlotSet("concerns", ["itch"]),
        SlotSet("requested_slot", "scalp_type"),
        ActionExecuted("action_listen"),
        UserUttered("banana", intent={"name": "nlu_fallback", "confidence": 0.3}),
        ActionExecuted("action_default_ask_affirmation"),
        ActionExecuted("action_listen"),
        UserUtteranceReverted(),
        UserUttered("oily", intent={"name": "describe_scalp", "confidence": 0.9}),
        ActionExecuted("consultation_form", hide_rule_turn=True),
        SlotSet("scalp_type", "oily"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("action_give_routine"),
        BotUttered("Your at-home scalp facial: ..."),
        ActionExecuted("action_listen"),
    ]
    for number in range(12):
        events += _turn(f"faq {number}", "faq", "utter_faq")
    events += _turn("start over", "restart", "action_restart")
    events += [Restarted(), ActionExecuted("action_listen")]
    for number in range(6):
        events += _turn(f"again {number}", "faq", "utter_faq")
    return events


def test_long_conversation_with_form_revert_and_restart() -> None:
    _grow_and_compare(_long_conversation())


def test_new_events_only_are_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    domain = _domain()
    events = _long_conversation()
    memo = StatesMemo()
    calls: list[int] = []
    original: Callable[..., None] = incremental_states.add_state

    def counting(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        original(*args, **kwargs)

    monkeypatch.setattr(incremental_states, "add_state", counting)
    tracker = IncrementalStatesTracker.from_events("memo", events[:-4], domain.slots)
    tracker.states_memo = memo
    tracker.past_states(domain)
    actions = sum(isinstance(event, ActionExecuted) for event in tracker.applied_events())
    assert len(calls) == actions + 1 > 10

    calls.clear()
    longer = IncrementalStatesTracker.from_events("memo", events, domain.slots)
    longer.states_memo = memo
    longer.past_states(domain)
    new_actions = sum(isinstance(event, ActionExecuted) for event in events[-4:])
    assert len(calls) == new_actions + 1  # the new actions and the final state only


def test_other_objects_or_domain_are_computed_from_scratch() -> None:
    domain = _domain()
    events = _long_conversation()
    memo = StatesMemo()
    tracker = IncrementalStatesTracker.from_events("memo", events, domain.slots)
    tracker.states_memo = memo
    expected = domain.states_for_tracker_history(tracker)
    assert tracker.past_states(domain) == expected

    # Equal but not identical events (e.g. read again from the database).
    copies = [Event.from_parameters(event.as_dict()) for event in events]
    other = IncrementalStatesTracker.from_events("memo", copies, domain.slots)
    other.states_memo = memo
    assert other.past_states(domain) == expected

    # Another domain object.
    other_domain = Domain.load(str(ROOT / "domain.yml"))
    assert tracker.past_states(other_domain) == other_domain.states_for_tracker_history(tracker)


def test_without_memo_and_copies_behave_like_rasa() -> None:
    domain = _domain()
    events = _long_conversation()
    tracker = IncrementalStatesTracker.from_events("memo", events, domain.slots)
    assert tracker.states_memo is None
    assert tracker.past_states(domain) == domain.states_for_tracker_history(tracker)
    tracker.states_memo = StatesMemo()
    copy = tracker.copy()
    assert type(copy) is DialogueStateTracker
    assert copy.past_states(domain) == tracker.past_states(domain)


def _snapshot(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a tracker holds, comparable with ==."""
    return {
        "type": type(tracker),
        "attributes": sorted(vars(tracker)),
        "events": list(tracker.events),
        "sender_id": tracker.sender_id,
        "sender_source": tracker.sender_source,
        "is_rule_tracker": tracker.is_rule_tracker,
        "max_event_history": tracker._max_event_history,
        "slots": {name: (type(slot), slot.value) for name, slot in tracker.slots.items()},
        "paused": tracker._paused,
        "followup_action": tracker.followup_action,
        "latest_action": tracker.latest_action,
        "latest_message": tracker.latest_message,
        "latest_bot_utterance": tracker.latest_bot_utterance,
        "active_loop": tracker.active_loop,
        "model_id": tracker.model_id,
        "assistant_id": tracker.assistant_id,
    }


def _assert_copies_like_rasa(tracker: IncrementalStatesTracker) -> None:
    mine, rasa = tracker.copy(), DialogueStateTracker.copy(tracker)
    assert _snapshot(mine) == _snapshot(rasa)
    # Independent of the original.
    assert all(mine.slots[name] is not slot for name, slot in tracker.slots.items())
    before = _snapshot(tracker)
    mine.update(SlotSet("referral", "doctor"))
    mine.update(ActionExecuted("utter_greet"))
    assert _snapshot(tracker) == before


def test_copy_equals_rasas_replay_on_every_prefix() -> None:
    domain = _domain()
    for story in [
        *_story_trackers(),
        DialogueStateTracker.from_events("long", _long_conversation()),
    ]:
        events = list(story.events)
        for length in range(1, len(events) + 1):
            tracker = IncrementalStatesTracker.from_events(
                story.sender_id, events[:length], domain.slots
            )
            tracker.model_id, tracker.assistant_id = "model", "assistant"
            _assert_copies_like_rasa(tracker)


def test_copy_after_the_processor_cleared_a_followup_action() -> None:
    domain = _domain()
    tracker = IncrementalStatesTracker.from_events(
        "followup", [*_turn("hi", "greet", "utter_greet")], domain.slots
    )
    from rasa.shared.core.events import FollowupAction

    tracker.update(FollowupAction("utter_greet"))
    assert tracker.followup_action == "utter_greet"
    tracker.clear_followup_action()  # as MessageProcessor does before running it
    _assert_copies_like_rasa(tracker)
    assert tracker.copy().followup_action == "utter_greet"  # what a replay gives
    tracker.update(SlotSet("referral", "doctor"))  # does not touch the follow-up
    _assert_copies_like_rasa(tracker)
    tracker.update(ActionExecuted("utter_greet"))  # clears it: as replayed again
    _assert_copies_like_rasa(tracker)
    assert tracker.copy().followup_action is None

    # A restart triggers the session start, which the processor clears and runs.
    tracker.update(Restarted())
    assert tracker.followup_action == "action_session_start"
    tracker.clear_followup_action()
    _assert_copies_like_rasa(tracker)


def test_trackers_with_max_event_history_are_copied_by_rasa() -> None:
    domain = _domain()
    tracker = IncrementalStatesTracker.from_events(
        "short", _long_conversation(), domain.slots, max_event_history=20
    )
    assert _snapshot(tracker.copy()) == _snapshot(DialogueStateTracker.copy(tracker))

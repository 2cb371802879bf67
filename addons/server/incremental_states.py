"""Dialogue states computed once per event, not once per event per prediction.

Every policy prediction asks the tracker for its ``past_states``: Rasa's
``Domain.states_for_tracker_history`` replays the whole conversation from its
first event and builds one state per action, so each prediction costs time in
proportion to the conversation's length (several predictions per message, for
every policy). On a long conversation that was most of the per-message cost
left once the tracker store stopped re-reading the conversation (``make bench``).

:class:`IncrementalStatesTracker` is a ``DialogueStateTracker`` whose
``past_states`` gives the very same states (same code path, per event) but
remembers, in a :class:`StatesMemo` shared by the trackers of one conversation,
the states already computed for the events it has seen. A later tracker of the
same conversation whose applied events start with exactly those event objects
(``ScalpCareTrackerStore`` rebuilds trackers from the same objects) only
computes the states of its new events, plus the state after the last event,
which is always recomputed. Anything else (a rewound history, e.g. after
``UserUtteranceReverted``, another domain or other arguments) is computed from
scratch, as Rasa does.

The loop body of :func:`add_state` follows ``states_for_tracker_history`` of
Rasa 3.6 line by line; ``tests/integration/test_incremental_states.py``
compares the two on every prefix of real conversations.
"""

from __future__ import annotations

import copy
import json
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker


@dataclass
class Progress:
    """What ``states_for_tracker_history`` carries from one action to the next."""

    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


@dataclass
class Prefix:
    """States computed for a prefix of a conversation's applied events."""

    domain: Domain
    running: DialogueStateTracker
    events: list[Event] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)


@dataclass
class AppliedPrefix:
    """``applied_events`` of a prefix of a conversation's events."""

    events: list[Event] = field(default_factory=list)
    applied: list[Event] = field(default_factory=list)
    loop_names: frozenset[str] = frozenset()


@dataclass
class StatesMemo:
    """What is known about one conversation's prefixes.

    ``prefixes`` holds one :class:`Prefix` per combination of ``past_states``
    arguments; ``applied`` the applied events of the events seen last.
    """

    prefixes: dict[tuple[Any, ...], Prefix] = field(default_factory=dict)
    applied: AppliedPrefix = field(default_factory=AppliedPrefix)


def add_state(
    domain: Domain,
    tracker: DialogueStateTracker,
    hide_rule_turn: bool,
    progress: Progress,
    states: list[State],
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> None:
    """One step of ``Domain.states_for_tracker_history`` (Rasa 3.6), for one prior tracker.

    Args:
        domain: The domain.
        tracker: The tracker before the action (or after the last event).
        hide_rule_turn: Whether the action's turn is hidden from ML policies.
        progress: Carried between steps; updated.
        states: The states so far; the new state is appended (if not hidden).
        omit_unset_slots: As in ``past_states``.
        ignore_rule_only_turns: As in ``past_states``.
        rule_only_data: As in ``past_states``.
    """
    if ignore_rule_only_turns:
        if not progress.turn_was_hidden:
            progress.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and tracker.latest_action_name != tracker.active_loop_name:
            progress.turn_was_hidden = hide_rule_turn
        if progress.turn_was_hidden:
            return

    state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)

    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if progress.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = cast(SubState, progress.last_ml_action_sub_state)

    states.append(domain._clean_state(state))


def _key(
    omit_unset_slots: bool, ignore_rule_only_turns: bool, rule_only_data: dict[str, Any] | None
) -> tuple[Any, ...]:
    data = json.dumps(rule_only_data, sort_keys=True, default=str)
    return (omit_unset_slots, ignore_rule_only_turns, data)


def _starts_with(events: Sequence[Event], prefix: Sequence[Event]) -> bool:
    """Whether ``events`` starts with the very objects of ``prefix``."""
    if len(prefix) > len(events):
        return False
    return all(mine is theirs for mine, theirs in zip(prefix, events, strict=False))


def _common_prefix(prefix: Prefix, applied: list[Event], domain: Domain) -> bool:
    return prefix.domain is domain and _starts_with(applied, prefix.events)


def _loop_names(events: Iterable[Event]) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def incremental_applied_events(tracker: DialogueStateTracker, memo: StatesMemo) -> list[Event]:
    """``tracker.applied_events()``, reusing and extending ``memo``.

    Rasa's rule (``DialogueStateTracker.applied_events``, 3.6) depends on the
    loop names of *all* events; the memo is extended only while the new events
    name no new loop, and recomputed by Rasa otherwise.

    Args:
        tracker: The conversation.
        memo: The conversation's memo (updated in place).

    Returns:
        A new list with the events that apply, as ``applied_events`` returns it.
    """
    events = list(tracker.events)
    known = memo.applied
    if _starts_with(events, known.events):
        new = events[len(known.events) :]
        if not (_loop_names(new) - known.loop_names):
            applied = list(known.applied)
            for event in new:
                _apply(tracker, event, known.loop_names, applied)
            memo.applied = AppliedPrefix(events, applied, known.loop_names)
            return list(applied)
    applied = DialogueStateTracker.applied_events(tracker)
    memo.applied = AppliedPrefix(events, list(applied), _loop_names(events))
    return applied


def _apply(
    tracker: DialogueStateTracker,
    event: Event,
    loop_names: frozenset[str],
    applied: list[Event],
) -> None:
    """One step of ``DialogueStateTracker.applied_events`` (Rasa 3.6)."""
    if isinstance(event, Restarted | SessionStarted):
        applied.clear()
    elif isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (
        isinstance(event, ActionExecuted)
        and event.action_name in loop_names
        and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
    ):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)


def incremental_past_states(
    tracker: DialogueStateTracker,
    memo: StatesMemo,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """``tracker.past_states(...)``, reusing and extending ``memo``.

    Args:
        tracker: The conversation.
        memo: The conversation's memo (extended in place).
        domain: The domain.
        omit_unset_slots: As in ``past_states``.
        ignore_rule_only_turns: As in ``past_states``.
        rule_only_data: As in ``past_states``.

    Returns:
        The same states as ``Domain.states_for_tracker_history``.
    """
    args = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    applied = tracker.applied_events()
    key = _key(*args)
    prefix = memo.prefixes.get(key)
    if prefix is None or not _common_prefix(prefix, applied, domain):
        prefix = Prefix(domain=domain, running=tracker.init_copy())
        memo.prefixes[key] = prefix

    running = prefix.running
    for event in applied[len(prefix.events) :]:
        if isinstance(event, ActionExecuted):
            add_state(domain, running, event.hide_rule_turn, prefix.progress, prefix.states, *args)
        running.update(event)
        prefix.events.append(event)

    # The state after the last event changes with the next event: never stored.
    states = list(prefix.states)
    progress = Progress(prefix.progress.last_ml_action_sub_state, prefix.progress.turn_was_hidden)
    add_state(domain, running, False, progress, states, *args)
    return states


#: ``IncrementalStatesTracker._replayed_followup`` when the tracker's state is
#: exactly what replaying its events gives.
_AS_REPLAYED = object()


class IncrementalStatesTracker(DialogueStateTracker):
    """A ``DialogueStateTracker`` that avoids replaying the conversation.

    * ``past_states`` and ``applied_events`` reuse the conversation's memo
      (``states_memo``); without one they are the base class's.
    * ``copy()`` (Rasa copies the tracker before *every* action it runs) copies
      the state instead of replaying every event into a new tracker. The result
      is what ``DialogueStateTracker.copy`` returns: a plain tracker in the
      state its events replay to, without ``model_id``, ``assistant_id`` and
      ``sender_source``. A tracker's state is a function of its events, with one
      exception in Rasa 3.6: the processor clears a follow-up action directly
      (``clear_followup_action``) before running it, which a replay would not
      do; the value a replay gives is remembered until an event sets or clears
      the follow-up action again. Trackers with ``max_event_history`` (whose
      replay starts from fewer events) are copied by the base class.
    """

    states_memo: StatesMemo | None = None
    _replayed_followup: Any = _AS_REPLAYED
    _applying = False
    _followup_touched = False

    # ------------------------------------------------ follow-up action bookkeeping
    def update(self, event: Event, domain: Domain | None = None) -> None:
        """Apply an event (as the base class), tracking the follow-up action.

        Args:
            event: The event.
            domain: The domain.
        """
        self._applying, self._followup_touched = True, False
        try:
            super().update(event, domain)
        finally:
            self._applying = False
        if self._followup_touched:
            # The event set, cleared or reset the follow-up action: the state
            # is again what a replay gives.
            self._replayed_followup = _AS_REPLAYED

    def _outside_event(self) -> None:
        if self._applying:
            self._followup_touched = True
        elif self._replayed_followup is _AS_REPLAYED:
            self._replayed_followup = self.followup_action

    def clear_followup_action(self) -> None:
        """Clear the follow-up action (remembering what a replay would give)."""
        self._outside_event()
        super().clear_followup_action()

    def trigger_followup_action(self, action: str) -> None:
        """Set the follow-up action (remembering what a replay would give).

        Args:
            action: The action's name.
        """
        self._outside_event()
        super().trigger_followup_action(action)

    def _reset(self) -> None:
        if self._applying:
            self._followup_touched = True
        super()._reset()

    # ------------------------------------------------------------------- copy
    def copy(self) -> DialogueStateTracker:
        """Return a duplicate of this tracker, as ``DialogueStateTracker.copy`` does.

        Returns:
            A plain ``DialogueStateTracker`` in the state its events replay to.
        """
        if self._max_event_history is not None or not isinstance(self.slots, dict):
            return super().copy()
        duplicate = DialogueStateTracker(
            self.sender_id or DEFAULT_SENDER_ID, None, is_rule_tracker=self.is_rule_tracker
        )
        duplicate.events = deque(self.events)
        duplicate.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
        duplicate._paused = self._paused
        duplicate.followup_action = (
            self.followup_action
            if self._replayed_followup is _AS_REPLAYED
            else self._replayed_followup
        )
        duplicate.latest_action = None if self.latest_action is None else dict(self.latest_action)
        duplicate.latest_message = self.latest_message
        duplicate.latest_bot_utterance = self.latest_bot_utterance
        duplicate.active_loop = copy.copy(self.active_loop)
        return duplicate

    def applied_events(self) -> list[Event]:
        """Return the events that apply (without reverted ones), reusing the memo.

        Returns:
            The same events as ``DialogueStateTracker.applied_events``.
        """
        if self.states_memo is None:
            return super().applied_events()
        return incremental_applied_events(self, self.states_memo)

    def past_states(
        self,
        domain: Domain,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        """Generate the past states of this tracker (see the module docstring).

        Args:
            domain: The domain.
            omit_unset_slots: If ``True`` do not include the initial values of slots.
            ignore_rule_only_turns: If ``True`` ignore turns that are present only in rules.
            rule_only_data: Slots and loops which only occur in rules but not in stories.

        Returns:
            A list of states.
        """
        if self.states_memo is None:
            return super().past_states(
                domain,
                omit_unset_slots=omit_unset_slots,
                ignore_rule_only_turns=ignore_rule_only_turns,
                rule_only_data=rule_only_data,
            )
        return incremental_past_states(
            self,
            self.states_memo,
            domain,
            omit_unset_slots=omit_unset_slots,
            ignore_rule_only_turns=ignore_rule_only_turns,
            rule_only_data=rule_only_data,
        )

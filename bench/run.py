"""Benchmark the assistant against the bot ``rasa init`` creates, in the same run.

``make bench`` (or ``.venv/bin/python bench/run.py``) does, for each bot:

* training time: ours with ``rasa train`` into a temporary folder (a fresh Rasa
  cache, so nothing is reused; ``models/`` is never touched), the reference bot
  with ``rasa init --no-prompt`` (which trains it);
* start-up time: process start until ``/status`` names a model, and the part of
  it after the Rasa process itself appeared (``model_load_s``);
* peak memory: summed RSS of the Rasa and action-server process trees;
* per-message latency (p50/p95/p99) and throughput over the REST channel for one
  user, 10 and 50 concurrent conversations;
* per-message latency at turn ~10 and turn ~150 of one long conversation.

Both bots use a SQL tracker store (SQLite in a temporary folder); ours runs with
its action server through ``scripts/run.sh``. Results go to
``bench/results/<timestamp>.json`` and are printed as a table with ours, the
reference and the ratio. The machine is shared and noisy: quote the ratios.

Options: ``--repeat N`` (medians over N runs of the serving measurements;
training is timed once), ``--quick`` or ``BENCH_QUICK=1`` (fewer messages and
no training of our bot: the existing ``models/scalp-care.tar.gz`` is served),
``--no-train`` (serve the existing model, keep the full message counts).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / os.environ.get("VENV", ".venv") / "bin"
RESULTS_DIR = ROOT / "bench" / "results"
MODEL = ROOT / "models" / "scalp-care.tar.gz"
START_TIMEOUT_S = 600
REQUEST_TIMEOUT_S = 300

# Our bot: short conversations as visitors have them. Greeting (the session start
# runs our custom action_session_start), FAQ questions, a consultation whose answers
# go through the form validation action and end in the routine, the massage limits
# action, a red flag (action_triage) and small talk.
OUR_CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    (
        "hi",
        "what even is a scalp facial?",
        "how long should I massage my scalp?",
        "I massage 3x a day for 20 mins",
        "thanks, bye",
    ),
    (
        "hello there",
        "can you recommend a routine?",
        "itchy and kinda flaky",
        "oily",
        "no, not really",
        "twice a week, I use dry shampoo",
        "no thanks",
    ),
    (
        "hey",
        "physical or chemical exfoliant?",
        "oily scalp, flakes, not sensitive, i wash daily",
        "no thanks",
        "how often should I do a scalp facial?",
    ),
    (
        "are you a bot?",
        "can massage make my hair grow?",
        "what does hyaluronic acid do for the scalp?",
        "salon or at home?",
    ),
    (
        "hiya",
        "silvery scales on my scalp for 3 months, tried a tar shampoo",
        "no thanks",
        "how long until I see results?",
    ),
)
# One long conversation: questions that never end it, pause it or restart it.
OUR_LONG_CYCLE: tuple[str, ...] = (
    "what even is a scalp facial?",
    "how long should I massage my scalp?",
    "I massage 3x a day for 20 mins",
    "are you a bot?",
    "how often should I do a scalp facial?",
    "physical or chemical exfoliant?",
    "thanks",
    "can massage make my hair grow?",
    "salon or at home?",
    "what does hyaluronic acid do for the scalp?",
)

# The reference bot (rasa init's "moodbot"), in its own style.
REF_CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("hello", "I am feeling great", "bye"),
    ("hi", "I am sad", "yes", "goodbye"),
    ("hey there", "very bad", "no", "are you a bot?"),
    ("good morning", "perfect", "are you a human?", "see you later"),
)
REF_LONG_CYCLE: tuple[str, ...] = (
    "hello",
    "I am sad",
    "yes",
    "are you a bot?",
    "I am great",
    "good evening",
    "very unhappy",
    "no",
)

#: Turn windows (1-based, inclusive): "turn 10" is the median of turns 6-15,
#: "turn 150" that of the last ten turns of the long conversation. The machine
#: is shared and its load changes within seconds, so the two windows are
#: measured interleaved: turns 6-15 of a fresh conversation alternate with the
#: last ten turns of the long one, message for message (same texts).
#: Environment variables that change how our server runs (docs/configuration.md),
#: recorded with each result.
SERVER_SETTINGS = (
    "NLU_PARSE_THREAD",
    "NLU_PARSE_WORKERS",
    "SENTENCE_ENCODER_THREADS",
    "TF_INTRA_OP_PARALLELISM_THREADS",
    "TF_INTER_OP_PARALLELISM_THREADS",
)
EARLY_WINDOW = (6, 15)
WINDOW = 10


@dataclass(frozen=True)
class Settings:
    """How much load each phase sends."""

    one_user_messages: int
    users_10_messages_each: int
    users_50_messages_each: int
    long_turns: int
    warmup_messages: int = 6

    @classmethod
    def for_mode(cls, quick: bool, long_turns: int | None = None) -> Settings:
        """Full (default) or quick settings; ``long_turns`` overrides the long conversation."""
        base = cls(20, 4, 2, 150) if quick else cls(60, 12, 6, 150)
        if long_turns is None:
            return base
        return cls(
            base.one_user_messages,
            base.users_10_messages_each,
            base.users_50_messages_each,
            long_turns,
        )


# --------------------------------------------------------------------------- helpers


def percentile(values: Sequence[float], pct: float) -> float:
    """Return the ``pct`` percentile of ``values`` with linear interpolation (numpy's default).

    Args:
        values: The sample; must not be empty.
        pct: Between 0 and 100.

    Returns:
        The interpolated percentile.
    """
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile {pct} is not between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * pct / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def latency_summary(latencies_s: Sequence[float]) -> dict[str, float | int]:
    """Summarise latencies given in seconds as p50/p95/p99/mean in milliseconds.

    Args:
        latencies_s: Per-message latencies in seconds.

    Returns:
        ``n``, ``p50_ms``, ``p95_ms``, ``p99_ms``, ``mean_ms``.
    """
    ms = [value * 1000 for value in latencies_s]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
    }


def window_median(latencies: Sequence[float], first: int, last: int) -> float:
    """Median of turns ``first``..``last`` (1-based, inclusive).

    Args:
        latencies: One value per turn, turn 1 first.
        first: First turn of the window.
        last: Last turn of the window.

    Returns:
        The median of that window.
    """
    if first < 1 or last > len(latencies) or first > last:
        raise ValueError(f"window {first}-{last} is outside 1-{len(latencies)}")
    return statistics.median(latencies[first - 1 : last])


def long_conversation_summary(
    latencies_s: Sequence[float], fresh_s: Sequence[float] | None = None
) -> dict[str, Any]:
    """Latency early and late in a conversation, and their ratio.

    Args:
        latencies_s: Per-turn latencies of the long conversation in seconds, turn 1 first.
        fresh_s: Per-turn latencies of the fresh conversation interleaved with the
            long one's last turns; its turns 6-15 are "turn 10". Without it, the
            long conversation's own turns 6-15 are used.

    Returns:
        ``turns``, the windows, ``early_ms``, ``late_ms``, ``late_over_early``,
        ``early_same_conversation_ms`` and every turn's latency in ms.
    """
    turns = len(latencies_s)
    early = EARLY_WINDOW if turns >= EARLY_WINDOW[1] else (1, min(turns, WINDOW))
    late = (max(1, turns - WINDOW + 1), turns)
    same_ms = window_median(latencies_s, *early) * 1000
    early_ms = same_ms
    if fresh_s is not None:
        fresh_early = EARLY_WINDOW if len(fresh_s) >= EARLY_WINDOW[1] else (1, len(fresh_s))
        early_ms = window_median(fresh_s, *fresh_early) * 1000
    late_ms = window_median(latencies_s, *late) * 1000
    return {
        "turns": turns,
        "early_window": list(early),
        "late_window": list(late),
        "interleaved": fresh_s is not None,
        "early_ms": round(early_ms, 1),
        "late_ms": round(late_ms, 1),
        "late_over_early": ratio(late_ms, early_ms),
        "early_same_conversation_ms": round(same_ms, 1),
        "latencies_ms": [round(value * 1000, 1) for value in latencies_s],
        "fresh_latencies_ms": [round(value * 1000, 1) for value in fresh_s or []],
    }


def cpu_summary(
    long_cpu_s: Sequence[float | None], fresh_cpu_s: Sequence[float | None]
) -> dict[str, Any]:
    """CPU time per message of the bot (Rasa + action server) in the same windows.

    Unlike latency, CPU time hardly depends on what else the machine runs.

    Args:
        long_cpu_s: Per-turn CPU seconds of the long conversation (None: unknown).
        fresh_cpu_s: Per-turn CPU seconds of the fresh conversation.

    Returns:
        ``early_cpu_ms`` (fresh turns 6-15), ``late_cpu_ms`` (last ten long turns)
        and ``cpu_late_over_early``; all None when CPU time could not be read.
    """
    if any(v is None for v in (*long_cpu_s, *fresh_cpu_s)) or len(long_cpu_s) < WINDOW:
        return {"early_cpu_ms": None, "late_cpu_ms": None, "cpu_late_over_early": None}
    long_values = [float(v or 0) for v in long_cpu_s]
    fresh_values = [float(v or 0) for v in fresh_cpu_s]
    fresh_early = EARLY_WINDOW if len(fresh_values) >= EARLY_WINDOW[1] else (1, len(fresh_values))
    early = window_median(fresh_values, *fresh_early) * 1000
    late = window_median(long_values, len(long_values) - WINDOW + 1, len(long_values)) * 1000
    return {
        "early_cpu_ms": round(early, 1),
        "late_cpu_ms": round(late, 1),
        "cpu_late_over_early": ratio(late, early),
    }


def long_conversation_plan(
    cycle: Sequence[str], turns: int
) -> tuple[list[str], list[tuple[str, str]]]:
    """Messages of the long conversation, and the interleaved (fresh, long) tail.

    The long conversation sends ``cycle`` round and round. Its first
    ``turns - WINDOW`` messages go alone; then turns ``EARLY_WINDOW[0]`` onward of
    a fresh conversation alternate with its last ``WINDOW`` turns, the same text
    for both in each pair. The fresh conversation's first turns are chosen so
    that it says the same things in the same order.

    Args:
        cycle: The messages, repeated.
        turns: Turns of the long conversation (at least ``WINDOW`` + the early window).

    Returns:
        (messages sent before the tail, including the fresh conversation's
        lead-in last), (fresh text, long text) pairs.
    """
    if turns < WINDOW + EARLY_WINDOW[1]:
        raise ValueError(f"the long conversation needs at least {WINDOW + EARLY_WINDOW[1]} turns")
    before = turns - WINDOW
    stream = list(itertools.islice(itertools.cycle(cycle), turns))
    lead_in = EARLY_WINDOW[0] - 1
    fresh = [cycle[(before - lead_in + j) % len(cycle)] for j in range(lead_in)]
    pairs = [(stream[before + k], stream[before + k]) for k in range(WINDOW)]
    return stream[:before] + fresh, pairs


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator`` rounded to 2 decimals, or None if either is missing or 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return round(numerator / denominator, 2)


def median_of(values: Sequence[Any]) -> Any:
    """Median of the numbers among ``values`` (None when there are none)."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    middle = statistics.median(numbers)
    if all(isinstance(v, int) for v in numbers) and float(middle).is_integer():
        return int(middle)  # counts stay counts
    return round(middle, 2)


def median_results(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Merge results of the same shape into one, taking the median of every number.

    Lists (e.g. per-turn latencies) are taken from the first run; keys missing
    in some runs are merged over the runs that have them.

    Args:
        runs: Result dictionaries of one bot, one per run.

    Returns:
        A dictionary of the same shape.
    """
    merged: dict[str, Any] = {}
    keys = list(dict.fromkeys(key for run in runs for key in run))
    for key in keys:
        values = [run[key] for run in runs if key in run]
        if all(isinstance(value, dict) for value in values):
            merged[key] = median_results(values)
        elif all(value is None or isinstance(value, int | float) for value in values):
            merged[key] = median_of(values)
        else:
            merged[key] = values[0]
    return merged


#: (label, path in a bot's result, unit, which direction is better)
TABLE_ROWS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("training", ("training_s",), "s"),
    ("start-up (process -> /status)", ("startup_s",), "s"),
    ("model load (Rasa process -> ready)", ("model_load_s",), "s"),
    ("peak RSS, Rasa + action server", ("peak_rss_mb", "total"), "MB"),
    ("1 user p50", ("users_1", "p50_ms"), "ms"),
    ("1 user p95", ("users_1", "p95_ms"), "ms"),
    ("1 user p99", ("users_1", "p99_ms"), "ms"),
    ("1 user throughput", ("users_1", "throughput_msg_s"), "msg/s"),
    ("10 users p50", ("users_10", "p50_ms"), "ms"),
    ("10 users p95", ("users_10", "p95_ms"), "ms"),
    ("10 users p99", ("users_10", "p99_ms"), "ms"),
    ("10 users throughput", ("users_10", "throughput_msg_s"), "msg/s"),
    ("50 users p50", ("users_50", "p50_ms"), "ms"),
    ("50 users p95", ("users_50", "p95_ms"), "ms"),
    ("50 users p99", ("users_50", "p99_ms"), "ms"),
    ("50 users throughput", ("users_50", "throughput_msg_s"), "msg/s"),
    ("turn 6-15 of a fresh conversation", ("long", "early_ms"), "ms"),
    ("turn 141-150 of the long conversation", ("long", "late_ms"), "ms"),
    ("turn ~150 / turn ~10 (interleaved)", ("long", "late_over_early"), "x"),
    ("CPU per message, fresh turns 6-15", ("long", "early_cpu_ms"), "ms"),
    ("CPU per message, turns 141-150", ("long", "late_cpu_ms"), "ms"),
    ("CPU turn ~150 / turn ~10", ("long", "cpu_late_over_early"), "x"),
    ("errors (non-200 or no reply)", ("errors",), ""),
)


def lookup(result: dict[str, Any] | None, path: Sequence[str]) -> Any:
    """Follow ``path`` through nested dictionaries; None where it breaks off."""
    value: Any = result
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def format_table(ours: dict[str, Any], reference: dict[str, Any] | None) -> str:
    """Render ours, the reference and ours/reference as a Markdown table.

    Args:
        ours: Our bot's (median) result.
        reference: The reference bot's (median) result, or None.

    Returns:
        The table, one row per metric in :data:`TABLE_ROWS`.
    """
    lines = [
        "| metric | ours | reference | ours / reference |",
        "|---|---:|---:|---:|",
    ]
    for label, path, unit in TABLE_ROWS:
        mine, theirs = lookup(ours, path), lookup(reference, path)
        name = f"{label} ({unit})" if unit else label
        relative = "" if unit in ("x", "") else _cell(ratio(mine, theirs))
        lines.append(f"| {name} | {_cell(mine)} | {_cell(theirs)} | {relative} |")
    return "\n".join(lines)


def check_targets(ours: dict[str, Any], reference: dict[str, Any] | None) -> dict[str, Any]:
    """The issue's targets (2 cores), each with the measured value and whether it is met.

    Args:
        ours: Our bot's (median) result.
        reference: The reference bot's (median) result, or None.

    Returns:
        One entry per target: ``value``, ``target`` and ``met`` (None when not measured).
    """

    def entry(value: Any, target: Any, met: Callable[[Any, Any], bool]) -> dict[str, Any]:
        ok = None if value is None or target is None else bool(met(value, target))
        return {"value": value, "target": target, "met": ok}

    return {
        "one_user_p95_ms_le_150": entry(
            lookup(ours, ("users_1", "p95_ms")), 150, lambda v, t: v <= t
        ),
        "throughput_10_ge_reference": entry(
            lookup(ours, ("users_10", "throughput_msg_s")),
            lookup(reference, ("users_10", "throughput_msg_s")),
            lambda v, t: v >= t,
        ),
        "turn150_over_turn10_le_1_3": entry(
            lookup(ours, ("long", "late_over_early")), 1.3, lambda v, t: v <= t
        ),
        "cpu_turn150_over_turn10_le_1_3": entry(
            lookup(ours, ("long", "cpu_late_over_early")), 1.3, lambda v, t: v <= t
        ),
        "model_load_s_le_30": entry(lookup(ours, ("model_load_s",)), 30, lambda v, t: v <= t),
    }


def format_targets(targets: dict[str, Any]) -> str:
    """One line per target: met / NOT met / not measured."""
    lines = []
    for name, entry in targets.items():
        state = {True: "met", False: "NOT met", None: "not measured"}[entry["met"]]
        lines.append(
            f"  {name}: {_cell(entry['value'])} (target {_cell(entry['target'])}): {state}"
        )
    return "\n".join(lines)


def message_stream(
    conversations: Sequence[Sequence[str]], offset: int
) -> Iterator[tuple[int, str]]:
    """Endless (conversation number, message) pairs, starting at conversation ``offset``.

    Each conversation of the script is sent under a new sender id, so the pairs
    tell the caller when to start one.
    """
    for number in itertools.count():
        script = conversations[(offset + number) % len(conversations)]
        for message in script:
            yield number, message


# ------------------------------------------------------------------ processes, memory


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def process_tree(root: int) -> list[tuple[int, str, int]]:
    """(pid, command line, RSS in bytes) of ``root`` and all its descendants."""
    try:
        import psutil
    except ImportError:
        psutil = None
    found: list[tuple[int, str, int]] = []
    if psutil is not None:
        try:
            parent = psutil.Process(root)
            for proc in [parent, *parent.children(recursive=True)]:
                try:
                    found.append((proc.pid, " ".join(proc.cmdline()), proc.memory_info().rss))
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
        except psutil.NoSuchProcess:
            pass
        return found
    children = _children_map()
    pending = [root]
    page = os.sysconf("SC_PAGE_SIZE")
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            cmdline = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
            resident = int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue
        found.append((pid, cmdline.decode(errors="replace").strip(), resident))
    return found


def role_of(cmdline: str) -> str | None:
    """'actions' for an action server, 'rasa' for a Rasa server, None for anything else."""
    program = Path(cmdline.split(" ", 1)[0]).name
    if program in ("bash", "sh", "dash", "env", "curl"):
        return None
    # `rasa run actions`, `python -m rasa_sdk` or the project's `python -m actions.server`.
    if re.search(r"rasa\s+run\s+actions|-m\s+(rasa_sdk|actions\.server)\b", cmdline):
        return "actions"
    # `rasa run` or the project's `python -m addons.server.serve run` (scripts/run.sh).
    if re.search(r"(rasa|-m\s+addons\.server\.serve)\s+run\b", cmdline):
        return "rasa"
    return None


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) a process has used so far, or None.

    Nanosecond resolution through ``clock_getcpuclockid`` where libc has it,
    else the 10-ms ticks of ``/proc/<pid>/stat``.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        clock = ctypes.c_int()
        if libc.clock_getcpuclockid(pid, ctypes.byref(clock)) == 0:
            return time.clock_gettime(clock.value)
    except (OSError, AttributeError):
        pass
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def tree_cpu_seconds(pids: Iterable[int]) -> float | None:
    """Summed CPU time of ``pids`` (None if any cannot be read)."""
    total = 0.0
    for pid in pids:
        value = process_cpu_seconds(pid)
        if value is None:
            return None
        total += value
    return total


@dataclass
class MemorySampler:
    """Samples the RSS of a process tree in a thread; remembers peaks and first sightings."""

    root: int
    interval_s: float = 0.2
    peak: dict[str, int] = field(default_factory=lambda: {"rasa": 0, "actions": 0, "total": 0})
    first_seen: dict[str, float] = field(default_factory=dict)
    pids: dict[str, set[int]] = field(default_factory=lambda: {"rasa": set(), "actions": set()})
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sampling."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (one last sample is taken first)."""
        self.sample()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def sample(self) -> None:
        """Take one sample."""
        now = time.monotonic()
        sums = {"rasa": 0, "actions": 0}
        for pid, cmdline, rss in process_tree(self.root):
            role = role_of(cmdline)
            if role is None:
                continue
            self.first_seen.setdefault(role, now)
            self.pids[role].add(pid)
            sums[role] += rss
        sums_total = sums["rasa"] + sums["actions"]
        for key, value in (*sums.items(), ("total", sums_total)):
            self.peak[key] = max(self.peak[key], value)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def peaks_mb(self) -> dict[str, float]:
        """Peak RSS per role and in total, in MB."""
        return {key: round(value / 2**20, 1) for key, value in self.peak.items()}


def http_json(url: str, timeout: float = 5) -> Any:
    """GET ``url`` and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


@dataclass
class RunningBot:
    """A started bot: its process group, memory sampler and measured start-up."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    sampler: MemorySampler
    log_path: Path
    startup_s: float
    model_load_s: float | None

    def stop(self) -> None:
        """Stop the whole process group (TERM, then KILL after 30 s)."""
        self.sampler.stop()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


#: The load comes from one address and sends faster than a person: no rate limits.
UNLIMITED = {
    "RATE_LIMIT_SENDER_BURST": "1000000",
    "RATE_LIMIT_SENDER_PER_MINUTE": "1000000",
    "RATE_LIMIT_ADDRESS_BURST": "1000000",
    "RATE_LIMIT_ADDRESS_PER_MINUTE": "1000000",
}


def start_bot(
    name: str,
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    port: int,
    log_path: Path,
    token: str = "",
) -> RunningBot:
    """Start ``command`` in its own process group and wait until ``/status`` names a model.

    Args:
        name: "ours" or "reference", for messages.
        command: What to run.
        cwd: Its working directory.
        env: Its environment.
        port: The Rasa port.
        log_path: Where its output goes.
        token: Its HTTP API token, if it has one.

    Returns:
        The running bot with its start-up times.
    """
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    sampler = MemorySampler(process.pid)
    sampler.start()
    bot = RunningBot(name, base_url, process, sampler, log_path, 0.0, None)
    while True:
        if process.poll() is not None:
            sampler.stop()
            raise RuntimeError(f"{name} exited during start-up; log: {log_path}")
        try:
            query = f"?token={token}" if token else ""
            if http_json(f"{base_url}/status{query}").get("model_file"):
                break
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            pass
        if time.monotonic() - started > START_TIMEOUT_S:
            bot.stop()
            raise RuntimeError(f"{name} not ready in {START_TIMEOUT_S}s; log: {log_path}")
        time.sleep(0.1)
    ready = time.monotonic()
    bot.startup_s = round(ready - started, 2)
    rasa_seen = sampler.first_seen.get("rasa")
    bot.model_load_s = None if rasa_seen is None else round(ready - rasa_seen, 2)
    return bot


def start_ours(workdir: Path, model: Path) -> RunningBot:
    """Start our assistant through scripts/run.sh (action server, SQL tracker store)."""
    rasa_port, action_port = free_port(), free_port()
    web_port = free_port()
    token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        **UNLIMITED,
        "RASA_API_TOKEN": token,
        "RASA_PORT": str(rasa_port),
        "ACTION_PORT": str(action_port),
        # scripts/run.sh also serves the demo page: a free port, its own files.
        "WEB_PORT": str(web_port),
        "CORS_ORIGINS": f"http://127.0.0.1:{web_port}",
        "CREDENTIALS_FILE": str(workdir / "credentials.yml"),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "REDIS_HOST": os.environ.get("REDIS_HOST", "127.0.0.1"),
        "REDIS_PORT": os.environ.get("REDIS_PORT", "6379"),
        "REDIS_DB": os.environ.get("REDIS_DB", "1"),
        "SALON_DB_URL": f"sqlite:///{workdir / 'salon.db'}",
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "MODEL": str(model),
    }
    return start_bot(
        "ours",
        [str(ROOT / "scripts" / "run.sh")],
        ROOT,
        env,
        rasa_port,
        workdir / "ours.log",
        token,
    )


def reference_has_actions(ref_dir: Path) -> bool:
    """Whether ``rasa init``'s actions.py defines an action (it ships commented out)."""
    actions = ref_dir / "actions" / "actions.py"
    return actions.exists() and re.search(r"^class \w+", actions.read_text(), re.M) is not None


def start_reference(workdir: Path, ref_dir: Path) -> RunningBot:
    """Start the reference bot with a SQL tracker store (and its action server, if any)."""
    rasa_port = free_port()
    endpoints = workdir / "ref-endpoints.yml"
    lines = [
        "tracker_store:",
        "  type: SQL",
        "  dialect: sqlite",
        f"  db: {workdir / 'ref-tracker.db'}",
    ]
    rasa = (
        f"{BIN / 'rasa'} run --enable-api --interface 127.0.0.1 --port {rasa_port} "
        f"--model {ref_dir / 'models'} --endpoints {endpoints}"
    )
    command = ["bash", "-c", f"exec {rasa}"]
    if reference_has_actions(ref_dir):
        action_port = free_port()
        lines += ["action_endpoint:", f"  url: http://127.0.0.1:{action_port}/webhook"]
        command = [
            "bash",
            "-c",
            f"{BIN / 'rasa'} run actions --port {action_port} & {rasa}; kill %1",
        ]
    endpoints.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    return start_bot("reference", command, ref_dir, env, rasa_port, workdir / "reference.log")


def timed_run(command: list[str], cwd: Path, env: dict[str, str], log_path: Path) -> float:
    """Run ``command`` to completion; return its wall time in seconds (raise if it fails)."""
    started = time.monotonic()
    with log_path.open("wb") as log:
        result = subprocess.run(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed; log: {log_path}")
    return round(time.monotonic() - started, 1)


def create_reference(workdir: Path) -> tuple[Path, float]:
    """``rasa init`` the reference bot into ``workdir/ref`` (it trains it); time it."""
    ref_dir = workdir / "ref"
    ref_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["RASA_CACHE_DIRECTORY"] = str(workdir / "ref-cache")
    seconds = timed_run(
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(ref_dir)],
        workdir,
        env,
        workdir / "ref-init.log",
    )
    if not list((ref_dir / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init trained no model; log: {workdir / 'ref-init.log'}")
    return ref_dir, seconds


def train_ours(workdir: Path) -> tuple[Path, float]:
    """Train our bot from scratch into ``workdir/models`` (fresh cache); time it."""
    out = workdir / "models"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env["RASA_CACHE_DIRECTORY"] = str(workdir / "ours-cache")
    command = [str(BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml"]
    command += ["--data", "data", "--out", str(out), "--fixed-model-name", "bench"]
    seconds = timed_run(command, ROOT, env, workdir / "ours-train.log")
    return out / "bench.tar.gz", seconds


# ---------------------------------------------------------------------------- load


@dataclass
class Client:
    """Posts messages to a bot's REST channel and keeps count of failures."""

    url: str
    session: Any
    errors: int = 0
    #: The bot's Rasa and action-server processes, whose CPU time ``say_costed`` reads.
    cpu_pids: tuple[int, ...] = ()

    async def say_costed(self, sender: str, message: str) -> tuple[float, float | None]:
        """Send one message; return its latency and the bot's CPU time for it, in seconds."""
        before = tree_cpu_seconds(self.cpu_pids) if self.cpu_pids else None
        latency = await self.say(sender, message)
        after = tree_cpu_seconds(self.cpu_pids) if before is not None else None
        return latency, None if after is None or before is None else after - before

    async def say(self, sender: str, message: str) -> float:
        """Send one message; return its latency in seconds."""
        started = time.perf_counter()
        try:
            async with self.session.post(
                self.url, json={"sender": sender, "message": message}
            ) as response:
                body = await response.json(content_type=None)
                if response.status != 200 or not isinstance(body, list):
                    self.errors += 1
        except Exception:  # any failure is counted; the run goes on
            self.errors += 1
        return time.perf_counter() - started


async def _user(
    client: Client, conversations: Sequence[Sequence[str]], offset: int, count: int, tag: str
) -> list[float]:
    latencies = []
    prefix = f"bench-{tag}-{uuid.uuid4().hex[:8]}"
    for number, message in itertools.islice(message_stream(conversations, offset), count):
        latencies.append(await client.say(f"{prefix}-{number}", message))
    return latencies


async def long_conversation(client: Client, cycle: Sequence[str], turns: int) -> dict[str, Any]:
    """The long conversation, its last turns interleaved with a fresh one's turns 6-15."""
    tag = uuid.uuid4().hex[:8]
    long_sender, fresh_sender = f"bench-long-{tag}", f"bench-fresh-{tag}"
    before, pairs = long_conversation_plan(cycle, turns)
    lead_in = EARLY_WINDOW[0] - 1
    long_turns = [await client.say_costed(long_sender, text) for text in before[:-lead_in]]
    fresh_turns = [await client.say_costed(fresh_sender, text) for text in before[-lead_in:]]
    for number, (fresh_text, long_text) in enumerate(pairs):
        # Alternate which goes first, so neither always follows the other.
        if number % 2:
            long_turns.append(await client.say_costed(long_sender, long_text))
            fresh_turns.append(await client.say_costed(fresh_sender, fresh_text))
        else:
            fresh_turns.append(await client.say_costed(fresh_sender, fresh_text))
            long_turns.append(await client.say_costed(long_sender, long_text))
    summary = long_conversation_summary([t[0] for t in long_turns], [t[0] for t in fresh_turns])
    summary.update(cpu_summary([t[1] for t in long_turns], [t[1] for t in fresh_turns]))
    return summary


async def measure_load(
    base_url: str,
    conversations: Sequence[Sequence[str]],
    long_cycle: Sequence[str],
    settings: Settings,
    cpu_pids: Sequence[int] = (),
) -> dict[str, Any]:
    """Run the warm-up, 1/10/50-user phases and the long conversation against one bot."""
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        client = Client(f"{base_url}/webhooks/rest/webhook", session, cpu_pids=tuple(cpu_pids))
        await _user(client, conversations, 0, settings.warmup_messages, "warmup")
        client.errors = 0
        results: dict[str, Any] = {}
        for users, each in (
            (1, settings.one_user_messages),
            (10, settings.users_10_messages_each),
            (50, settings.users_50_messages_each),
        ):
            started = time.perf_counter()
            per_user = await asyncio.gather(
                *(_user(client, conversations, n, each, f"u{users}") for n in range(users))
            )
            wall = time.perf_counter() - started
            latencies = [value for user in per_user for value in user]
            summary: dict[str, Any] = latency_summary(latencies)
            summary["throughput_msg_s"] = round(len(latencies) / wall, 2)
            results[f"users_{users}"] = summary
        results["long"] = await long_conversation(client, long_cycle, settings.long_turns)
        results["errors"] = client.errors
    return results


def measure_bot(
    name: str, start: Callable[[], RunningBot], conversations: Any, cycle: Any, settings: Settings
) -> dict[str, Any]:
    """Start a bot, measure it under load, stop it; return its result."""
    print(f"[bench] starting {name} ...", flush=True)
    bot = start()
    print(f"[bench] {name} ready in {bot.startup_s}s; sending messages ...", flush=True)
    try:
        bot.sampler.sample()
        pids = sorted(bot.sampler.pids["rasa"] | bot.sampler.pids["actions"])
        result = asyncio.run(measure_load(bot.base_url, conversations, cycle, settings, pids))
    finally:
        bot.stop()
    result["startup_s"] = bot.startup_s
    result["model_load_s"] = bot.model_load_s
    result["peak_rss_mb"] = bot.sampler.peaks_mb()
    return result


# ---------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "1")))
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
        help="fewer messages and no training of our bot (also BENCH_QUICK=1)",
    )
    parser.add_argument(
        "--no-train",
        action="store_true",
        default=os.environ.get("BENCH_NO_TRAIN", "") not in ("", "0"),
        help=f"serve the existing {MODEL.relative_to(ROOT)} instead of training ours",
    )
    parser.add_argument("--turns", type=int, default=None, help="long-conversation turns (150)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; write the JSON, print the table."""
    args = parse_args(argv)
    settings = Settings.for_mode(args.quick, args.turns)
    workdir = Path(tempfile.mkdtemp(prefix="scalp-care-bench-"))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    print(f"[bench] working in {workdir}", flush=True)
    try:
        print("[bench] rasa init (reference bot, trains itself) ...", flush=True)
        ref_dir, ref_training = create_reference(workdir)
        print(f"[bench] reference trained in {ref_training}s", flush=True)
        our_training: float | None = None
        model = MODEL
        if not (args.quick or args.no_train):
            print("[bench] training ours (fresh cache, temporary --out) ...", flush=True)
            model, our_training = train_ours(workdir)
            print(f"[bench] ours trained in {our_training}s", flush=True)
        elif not MODEL.exists():
            print(f"{MODEL} is missing: run `make train` first", file=sys.stderr)
            return 2
        runs: list[dict[str, Any]] = []
        for number in range(args.repeat):
            print(f"[bench] run {number + 1}/{args.repeat}", flush=True)
            rundir = workdir / f"run{number + 1}"
            rundir.mkdir()
            # Alternate the order so neither bot always runs on a warmer machine.
            bots = [
                ("ours", partial(start_ours, rundir, model), OUR_CONVERSATIONS, OUR_LONG_CYCLE),
                (
                    "reference",
                    partial(start_reference, rundir, ref_dir),
                    REF_CONVERSATIONS,
                    REF_LONG_CYCLE,
                ),
            ]
            if number % 2:
                bots.reverse()
            run: dict[str, Any] = {}
            for name, start, conversations, cycle in bots:
                run[name] = measure_bot(name, start, conversations, cycle, settings)
            run["ours"]["training_s"] = our_training
            run["reference"]["training_s"] = ref_training
            runs.append(run)
            # Written after every run, so an interrupted benchmark keeps what it measured.
            ours = median_results([run["ours"] for run in runs])
            reference = median_results([run["reference"] for run in runs])
            targets = check_targets(ours, reference)
            document = build_document(stamp, args, settings, runs, ours, reference, targets)
            args.out.mkdir(parents=True, exist_ok=True)
            path = args.out / f"{stamp}.json"
            path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        title = f"medians of {args.repeat} run(s)" if args.repeat > 1 else "one run"
        print(f"\nScalp-care assistant vs `rasa init` bot ({title}, {settings_text(settings)})\n")
        print(format_table(ours, reference))
        print("\nTargets:\n" + format_targets(targets))
        print(f"\nWritten to {path}")
        return 0
    finally:
        if args.keep:
            print(f"[bench] kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def settings_text(settings: Settings) -> str:
    """A short description of the load, for the table's title."""
    return (
        f"{settings.one_user_messages} msgs for 1 user, "
        f"10x{settings.users_10_messages_each}, 50x{settings.users_50_messages_each}, "
        f"{settings.long_turns}-turn conversation"
    )


def build_document(
    stamp: str,
    args: argparse.Namespace,
    settings: Settings,
    runs: list[dict[str, Any]],
    ours: dict[str, Any],
    reference: dict[str, Any],
    targets: dict[str, Any],
) -> dict[str, Any]:
    """The JSON written to bench/results: settings, every run, medians, ratios, targets."""
    ratios = {
        label: ratio(lookup(ours, path), lookup(reference, path))
        for label, path, unit in TABLE_ROWS
        if unit not in ("x", "")
    }
    return {
        "timestamp": stamp,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "repeat": args.repeat,
            "quick": args.quick,
            "trained_ours": not (args.quick or args.no_train),
            "one_user_messages": settings.one_user_messages,
            "users_10_messages_each": settings.users_10_messages_each,
            "users_50_messages_each": settings.users_50_messages_each,
            "long_turns": settings.long_turns,
            "long_windows": {"early": list(EARLY_WINDOW), "late_last": WINDOW},
            # Our server's settings as this run had them (unset: scripts/run.sh's default).
            "environment": {name: os.environ.get(name) for name in SERVER_SETTINGS},
        },
        "median": {"ours": ours, "reference": reference},
        "ratios_ours_over_reference": ratios,
        "targets": targets,
        "runs": runs,
    }


if __name__ == "__main__":
    sys.exit(main())

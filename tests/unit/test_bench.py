"""The benchmark's pure helpers (``bench/run.py``); the benchmark itself is ``make bench``."""

from __future__ import annotations

import argparse
import json

import pytest

from bench import run, variants


def test_percentile_interpolates_like_numpy() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert run.percentile(values, 0) == 10.0
    assert run.percentile(values, 100) == 40.0
    assert run.percentile(values, 50) == 25.0
    assert run.percentile(values, 95) == pytest.approx(38.5)
    assert run.percentile([7.0], 99) == 7.0
    assert run.percentile([3.0, 1.0, 2.0], 50) == 2.0  # unsorted input
    with pytest.raises(ValueError):
        run.percentile([], 50)
    with pytest.raises(ValueError):
        run.percentile([1.0], 101)


def test_latency_summary_in_milliseconds() -> None:
    summary = run.latency_summary([0.010, 0.020, 0.030, 0.040, 0.100])
    assert summary == {"n": 5, "p50_ms": 30.0, "p95_ms": 88.0, "p99_ms": 97.6, "mean_ms": 40.0}


def test_long_conversation_windows_and_ratio() -> None:
    latencies = [0.050] * 140 + [0.080] * 10
    fresh = [0.5] * 5 + [0.040] * 10
    summary = run.long_conversation_summary(latencies, fresh)
    assert summary["early_window"] == [6, 15]
    assert summary["late_window"] == [141, 150]
    assert summary["early_ms"] == 40.0
    assert summary["late_ms"] == 80.0
    assert summary["late_over_early"] == 2.0
    assert summary["early_same_conversation_ms"] == 50.0
    assert len(summary["latencies_ms"]) == 150
    assert summary["interleaved"] is True
    alone = run.long_conversation_summary(latencies)
    assert alone["early_ms"] == 50.0 and alone["late_over_early"] == 1.6


def test_cpu_summary_uses_the_same_windows() -> None:
    summary = run.cpu_summary([0.030] * 140 + [0.036] * 10, [0.1] * 5 + [0.030] * 10)
    assert summary == {"early_cpu_ms": 30.0, "late_cpu_ms": 36.0, "cpu_late_over_early": 1.2}
    unknown = run.cpu_summary([0.03] * 150, [None] * 15)
    assert unknown == {"early_cpu_ms": None, "late_cpu_ms": None, "cpu_late_over_early": None}


def test_long_conversation_plan_pairs_the_same_texts() -> None:
    cycle = [f"m{n}" for n in range(7)]
    before, pairs = run.long_conversation_plan(cycle, 150)
    long_part, lead_in = before[:-5], before[-5:]
    assert len(long_part) == 140 and len(pairs) == 10
    assert long_part[:7] == cycle
    # The fresh conversation says the same things in the same order...
    fresh_texts = lead_in + [fresh for fresh, _ in pairs]
    assert fresh_texts == [cycle[(140 - 5 + n) % 7] for n in range(15)]
    # ... and each pair is one text, the long conversation's turns 141-150.
    assert all(fresh == long for fresh, long in pairs)
    assert [long for _, long in pairs] == [cycle[n % 7] for n in range(140, 150)]
    with pytest.raises(ValueError):
        run.long_conversation_plan(cycle, 20)


def test_message_stream_starts_a_new_conversation_per_script() -> None:
    script = (("a", "b"), ("c",))
    stream = list(zip(range(5), run.message_stream(script, offset=1), strict=False))
    assert [pair for _, pair in stream] == [(0, "c"), (1, "a"), (1, "b"), (2, "c"), (3, "a")]


def test_median_results_keeps_the_shape() -> None:
    runs = [
        {"users_1": {"p95_ms": 10.0, "n": 60}, "startup_s": 30.0, "long": {"latencies_ms": [1]}},
        {"users_1": {"p95_ms": 30.0, "n": 60}, "startup_s": None, "long": {"latencies_ms": [2]}},
        {"users_1": {"p95_ms": 20.0, "n": 60}, "startup_s": 10.0, "long": {"latencies_ms": [3]}},
    ]
    merged = run.median_results(runs)
    assert merged["users_1"] == {"p95_ms": 20.0, "n": 60}
    assert merged["startup_s"] == 20.0  # None is not a measurement
    assert merged["long"]["latencies_ms"] == [1]
    assert run.median_results([{"errors": 0}, {"errors": 0}]) == {"errors": 0}
    assert run.median_results([{"errors": 0}, {"errors": 1}]) == {"errors": 0.5}


def test_ratio_and_targets() -> None:
    assert run.ratio(3.0, 2.0) == 1.5
    assert run.ratio(None, 2.0) is None and run.ratio(1.0, 0) is None
    ours = {
        "users_1": {"p95_ms": 140.0},
        "users_10": {"throughput_msg_s": 9.0},
        "long": {"late_over_early": 1.4, "cpu_late_over_early": 1.1},
        "model_load_s": 25.0,
    }
    targets = run.check_targets(ours, {"users_10": {"throughput_msg_s": 8.0}})
    assert {name: entry["met"] for name, entry in targets.items()} == {
        "one_user_p95_ms_le_150": True,
        "throughput_10_ge_reference": True,
        "turn150_over_turn10_le_1_3": False,
        "cpu_turn150_over_turn10_le_1_3": True,
        "model_load_s_le_30": True,
    }
    assert run.check_targets(ours, None)["throughput_10_ge_reference"]["met"] is None
    assert "NOT met" in run.format_targets(targets)


def test_table_has_every_row_and_ratios() -> None:
    ours = {"users_1": {"p95_ms": 120.0}, "training_s": 600.0, "errors": 0}
    reference = {"users_1": {"p95_ms": 60.0}, "training_s": 60.0, "errors": 0}
    table = run.format_table(ours, reference)
    lines = table.splitlines()
    assert lines[0] == "| metric | ours | reference | ours / reference |"
    assert len(lines) == 2 + len(run.TABLE_ROWS)
    assert "| 1 user p95 (ms) | 120.0 | 60.0 | 2.00 |" in lines
    assert "| training (s) | 600.0 | 60.0 | 10.0 |" in lines
    assert any(line.startswith("| 50 users p99 (ms) | - | - |") for line in lines)


def test_document_shape_is_json() -> None:
    args = argparse.Namespace(repeat=1, quick=True, no_train=False)
    settings = run.Settings.for_mode(quick=True)
    ours = {"users_10": {"throughput_msg_s": 5.0}, "long": {"late_over_early": 1.1}}
    reference = {"users_10": {"throughput_msg_s": 4.0}}
    targets = run.check_targets(ours, reference)
    document = run.build_document(
        "20261122T000000Z",
        args,
        settings,
        [{"ours": ours, "reference": reference}],
        ours,
        reference,
        targets,
    )
    assert set(document) == {
        "timestamp",
        "machine",
        "settings",
        "median",
        "ratios_ours_over_reference",
        "targets",
        "runs",
    }
    assert document["ratios_ours_over_reference"]["10 users throughput"] == 1.25
    assert document["settings"]["trained_ours"] is False
    assert set(document["settings"]["environment"]) == set(run.SERVER_SETTINGS)
    assert "NLU_PARSE_THREAD" in run.SERVER_SETTINGS
    json.dumps(document)  # serialisable as is


def test_quick_settings_are_smaller_but_keep_150_turns() -> None:
    quick, full = run.Settings.for_mode(True), run.Settings.for_mode(False)
    assert quick.one_user_messages < full.one_user_messages
    assert quick.long_turns == full.long_turns == 150
    assert run.Settings.for_mode(True, long_turns=40).long_turns == 40


def test_process_roles() -> None:
    assert run.role_of("/w/.venv/bin/python /w/.venv/bin/rasa run --enable-api") == "rasa"
    assert run.role_of("/w/.venv/bin/python -m addons.server.serve run --enable-api") == "rasa"
    assert run.role_of("/w/.venv/bin/python -m addons.server.serve shell") is None
    assert run.role_of("/w/.venv/bin/python /w/.venv/bin/rasa run actions --port 1") == "actions"
    assert run.role_of("/w/.venv/bin/python -m actions.server --port 5055") == "actions"
    assert run.role_of("/w/.venv/bin/python -m rasa_sdk --actions actions") == "actions"
    assert run.role_of("/w/.venv/bin/python -m salon.staff migrate") is None
    assert run.role_of("/w/.venv/bin/python scripts/serve_web.py --port 8080") is None
    assert run.role_of("bash scripts/run.sh") is None
    assert run.role_of("bash -c exec /w/.venv/bin/rasa run --enable-api") is None
    assert run.role_of("curl -fs http://127.0.0.1:5055/health") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thread=NLU_PARSE_THREAD=1", ("thread", {"NLU_PARSE_THREAD": "1"})),
        ("both=A=1,B=x=y", ("both", {"A": "1", "B": "x=y"})),
        ("as-is=", ("as-is", {})),
    ],
)
def test_variant_arguments(text: str, expected: tuple[str, dict[str, str]]) -> None:
    assert variants.parse_variant(text) == expected


@pytest.mark.parametrize("text", ["thread", "=A=1", "bad=A", "bad=A=1,=2"])
def test_malformed_variant_arguments_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        variants.parse_variant(text)


def test_variant_medians_are_of_the_runs_that_measured_them() -> None:
    runs = [
        {"throughput_msg_s": 20.0, "cpu_ms_per_msg_rasa": None, "errors": 0},
        {"throughput_msg_s": 24.0, "cpu_ms_per_msg_rasa": 50.0, "errors": 1},
        {"throughput_msg_s": 22.0, "cpu_ms_per_msg_rasa": 60.0, "errors": 0},
    ]
    assert variants.medians(runs) == {
        "throughput_msg_s": 22.0,
        "cpu_ms_per_msg_rasa": 55.0,
        "errors": 0,
    }

"""A/B of our assistant under environment variants: 10-conversation throughput and CPU.

``bench/run.py`` compares the assistant with the reference bot; this compares settings
of the assistant itself (``NLU_PARSE_THREAD``, ``SENTENCE_ENCODER_THREADS``, ...),
alternating the variants round after round so that each round's variants meet the
same machine load. Each variant is a fresh ``scripts/run.sh`` with the variant's
environment, the same model, a warm-up, then 10 concurrent conversations of the
benchmark's messages. Reported per run: messages a second, latency percentiles, and
the CPU time per message of the Rasa process, of the action server and of this client.

    .venv/bin/python bench/variants.py thread=NLU_PARSE_THREAD=1 loop=NLU_PARSE_THREAD=0

Prints one line per run and, at the end, each variant's medians as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import run


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    """``name=VAR=value,VAR2=value2`` (or ``name=`` for no change) -> (name, env)."""
    name, sep, rest = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected name=VAR=value[,VAR=value]: {text!r}")
    env = {}
    for item in filter(None, rest.split(",")):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise argparse.ArgumentTypeError(f"expected VAR=value in {text!r}")
        env[key] = value
    return name, env


async def load(bot: run.RunningBot, users: int, each: int) -> dict[str, Any]:
    """Warm up, then ``users`` conversations of ``each`` messages at once."""
    import aiohttp

    bot.sampler.sample()
    pids = {role: sorted(bot.sampler.pids[role]) for role in ("rasa", "actions")}
    timeout = aiohttp.ClientTimeout(total=run.REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=aiohttp.TCPConnector(limit=0)
    ) as session:
        client = run.Client(f"{bot.base_url}/webhooks/rest/webhook", session)
        await run._user(client, run.OUR_CONVERSATIONS, 0, 20, "warmup")
        client.errors = 0
        before = {role: run.tree_cpu_seconds(p) for role, p in pids.items()}
        own_before = time.process_time()
        started = time.perf_counter()
        per_user = await asyncio.gather(
            *(run._user(client, run.OUR_CONVERSATIONS, n, each, "ab") for n in range(users))
        )
        wall = time.perf_counter() - started
        own = time.process_time() - own_before
        after = {role: run.tree_cpu_seconds(p) for role, p in pids.items()}
    latencies = [value for user in per_user for value in user]
    result: dict[str, Any] = run.latency_summary(latencies)
    result["throughput_msg_s"] = round(len(latencies) / wall, 2)
    for role in pids:
        spent = None
        if before[role] is not None and after[role] is not None:
            spent = round((after[role] - before[role]) / len(latencies) * 1000, 1)
        result[f"cpu_ms_per_msg_{role}"] = spent
    result["cpu_ms_per_msg_client"] = round(own / len(latencies) * 1000, 1)
    result["errors"] = client.errors
    result["load_average"] = round(os.getloadavg()[0], 2)
    return result


def medians(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Each numeric field's median over the runs that measured it."""
    out: dict[str, Any] = {}
    for key in dict.fromkeys(key for result in runs for key in result):
        values = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
        if values:
            out[key] = round(statistics.median(values), 2)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run every variant ``--rounds`` times, alternating; print each run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variants", nargs="+", type=parse_variant, help="name=VAR=value,...")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--each", type=int, default=40, help="messages per conversation")
    parser.add_argument("--model", type=Path, default=run.MODEL)
    args = parser.parse_args(argv)
    if not args.model.exists():
        parser.error(f"no model at {args.model}: make train")
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in args.variants}
    with tempfile.TemporaryDirectory(prefix="bench-variants-") as folder:
        for number in range(args.rounds):
            for name, env in args.variants:
                saved = {key: os.environ.get(key) for key in env}
                os.environ.update(env)
                try:
                    bot = run.start_ours(Path(folder), args.model)
                finally:
                    for key, value in saved.items():
                        if value is None:
                            os.environ.pop(key, None)
                        else:
                            os.environ[key] = value
                try:
                    result = asyncio.run(load(bot, args.users, args.each))
                finally:
                    bot.stop()
                results[name].append(result)
                print(f"round {number + 1} {name}: {json.dumps(result)}", flush=True)
    summary = {name: medians(runs) for name, runs in results.items()}
    print(json.dumps({"medians": summary, "runs": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""CPU and wall time of NLU parsing per message, and each component's share.

The benchmark (bench/run.py) measures the whole assistant over HTTP; this script
isolates what the NLU pipeline costs one Rasa process per message, the figure that
sets throughput when every conversation is parsed in that one process. It loads the
trained model, parses the benchmark's messages (warm-up first), then reports CPU and
wall milliseconds per message, and with ``--profile`` each pipeline component's time
(cProfile).

    .venv/bin/python bench/parse_cost.py [--model models/scalp-care.tar.gz] [--rounds 4]
    .venv/bin/python bench/parse_cost.py --screener   # the red-flag screener's own cost

``--screener`` times the red-flag screener alone on the same messages: its rules, and
what its learned model adds (the sentence vector is the featurizer's, computed before
the screener runs, so it is computed outside the timing here too).

Thread settings come from the environment as when serving (scripts/run.sh):
``SENTENCE_ENCODER_THREADS``, ``TF_INTRA_OP_PARALLELISM_THREADS`` and
``TF_INTER_OP_PARALLELISM_THREADS``; the other matrix products run on one thread, as
``addons/server/serve.py`` sets it (``BLAS_AS_SERVING=0``: on every thread).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import OUR_CONVERSATIONS  # noqa: E402

MESSAGES = [message for conversation in OUR_CONVERSATIONS for message in conversation]


async def measure(model: str, rounds: int, profile: bool) -> dict[str, float]:
    """Parse the messages ``rounds`` times; return CPU and wall ms per message."""
    from rasa.core.agent import load_agent

    agent = await load_agent(model_path=model)
    for message in MESSAGES:  # warm-up: TensorFlow traces its functions
        await agent.parse_message(message)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        for message in MESSAGES:
            await agent.parse_message(message)
    count = rounds * len(MESSAGES)
    result = {
        "messages": count,
        "cpu_ms": round((time.process_time() - cpu) / count * 1000, 1),
        "wall_ms": round((time.perf_counter() - wall) / count * 1000, 1),
    }
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for message in MESSAGES:
            await agent.parse_message(message)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(r"\(process\)$")
        print(out.getvalue())
    return result


async def screener_cost(model: str, rounds: int) -> dict[str, float]:
    """CPU ms per message of the screener's rules and of its learned model's share."""
    from rasa.core.agent import load_agent

    from addons.nlu.red_flags import RedFlagScreener, encode
    from scalpcare import screening, triage

    agent = await load_agent(model_path=model)
    runner = agent.processor.graph_runner  # type: ignore[union-attr]
    screener = next(
        node._component
        for node in runner._instantiated_nodes.values()  # type: ignore[attr-defined]
        if isinstance(node._component, RedFlagScreener)
    )
    learned = screener.model
    if learned is None:
        raise SystemExit("the model has no trained screening model")
    vectors = encode(MESSAGES, screener._config["encoder_path"])
    rules = {text: triage.screen(text) for text in MESSAGES}  # warm-up

    def rules_pass() -> None:
        for text in MESSAGES:
            triage._screen(text)  # uncached, as for a new message

    def model_pass() -> None:
        for text in MESSAGES:
            probs = learned.probabilities(text, vectors[text])
            screening.combine_reading(rules[text], learned, probs)

    result: dict[str, float] = {"messages": rounds * len(MESSAGES)}
    for name, work in (("rules_cpu_ms", rules_pass), ("model_cpu_ms", model_pass)):
        cpu = time.process_time()
        for _ in range(rounds):
            work()
        result[name] = round((time.process_time() - cpu) / result["messages"] * 1000, 3)
    return result


def main() -> None:
    """Parse the arguments, quiet the logs, measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "scalp-care.tar.gz"))
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="each component's time")
    parser.add_argument(
        "--screener", action="store_true", help="the red-flag screener's rules and model only"
    )
    args = parser.parse_args()

    import rasa.utils.tensorflow.environment as tf_environment
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    tf_environment.setup_tf_environment()  # as `rasa run` does: reads the TF_* variables
    if os.environ.get("BLAS_AS_SERVING", "1") != "0":
        # As addons/server/serve.py does (BLAS_AS_SERVING=0: every product on every thread).
        from addons.nlu.sentence_features import small_products_on_one_thread

        small_products_on_one_thread()
    if args.screener:
        costs = asyncio.run(screener_cost(args.model, args.rounds))
        print(
            f"{costs['messages']:g} messages: rules {costs['rules_cpu_ms']} ms CPU, "
            f"learned model {costs['model_cpu_ms']} ms CPU per message"
        )
        return
    result = asyncio.run(measure(args.model, args.rounds, args.profile))
    print(
        f"{result['messages']} messages: {result['cpu_ms']} ms CPU, "
        f"{result['wall_ms']} ms wall per message"
    )


if __name__ == "__main__":
    main()

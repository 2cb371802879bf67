"""``rasa``, with changes to how its server spends its one event loop and its CPU.

Usage: ``python -m addons.server.serve run ...`` takes exactly ``rasa``'s arguments
(``scripts/run.sh``, ``scripts/cluster.sh``, the Docker image and the Helm values
start the server this way). Both changes keep Rasa's results exactly (checked in
``tests/integration/test_serve.py``); only where and how often work is done changes.

- **NLU parsing on worker threads.** Rasa 3.6 parses a message (tokenizer,
  featurizers, the sentence encoder, the classifiers...) synchronously inside the
  coroutine that handles it: while one message is parsed the event loop does nothing
  else, so every conversation's reply waits behind every other conversation's NLU. On
  worker threads, parsing overlaps with the rest of the server's work (much of it runs
  in NumPy's native code, without Python's GIL), and two conversations' messages are
  parsed at once (``NLU_PARSE_WORKERS``, :func:`parse_workers`). At 10 concurrent
  conversations one worker halved the 95th-percentile latency (docs/performance.md);
  the second adds 4-7% throughput. ``NLU_PARSE_THREAD=0`` keeps Rasa's own behaviour.
- **The action server's reply is checked faster.** Rasa checks every reply of the
  action server with ``jsonschema.validate``, which first checks Rasa's constant schema
  against the JSON-Schema metaschema, then tries every event against all 23 event
  schemas of a ``oneOf``: 3.2 ms a typical reply. The validator is built once, and each
  event is checked against the one schema its name allows (``accepted_at_once``, which
  accepts exactly what the whole schema accepts): 0.12 ms. A reply it does not accept
  goes through the whole schema, for the same error and message.
- **Small matrix products on one thread** (``small_products_on_one_thread`` in
  ``addons/nlu/sentence_features.py``): OpenBLAS's idle threads spin after each product;
  only the sentence encoder's products use more than one thread
  (``SENTENCE_ENCODER_THREADS``).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import os
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from jsonschema import exceptions as schema_exceptions
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor, structlogger
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.trackers import DialogueStateTracker

from addons.nlu.sentence_features import small_products_on_one_thread, thread_setting

#: Environment variable: "0" leaves Rasa's parsing on the event loop.
ENV_SWITCH = "NLU_PARSE_THREAD"
#: Environment variable: how many messages (of different conversations) are parsed at once.
WORKERS_VARIABLE = "NLU_PARSE_WORKERS"
DEFAULT_PARSE_WORKERS = 2

_original_parse_message = MessageProcessor.parse_message
_original_validate_action_result = RemoteAction._validate_action_result
_executor: ThreadPoolExecutor | None = None


def parse_workers(environ: Mapping[str, str] = os.environ) -> int:
    """``NLU_PARSE_WORKERS``: threads parsing messages of different conversations at once.

    With two, the sentence encoder's matrix products of one message (which run without
    Python's GIL) overlap with another message's Python work. Measured on the 2-core
    development machine (10 concurrent conversations, 3 alternating rounds, 2026-12-07):
    one worker 33.1-34.2 messages a second at 31.7-32.8 ms of CPU a message, two
    34.8-36.8 at 33.6-35.3 ms (docs/configuration.md). Every NLU component is safe to
    call from several threads: they only read their trained state, except crfsuite's
    taggers, which the entity extractor uses one message at a time
    (``StoredCRFEntityExtractor.process``). One worker parses messages one after the
    other, as Rasa does.

    Returns:
        The number given (at least 1), else 2.
    """
    return thread_setting(WORKERS_VARIABLE, DEFAULT_PARSE_WORKERS, environ)


def _parser() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=parse_workers(), thread_name_prefix="nlu-parse")
    return _executor


async def parse_message_off_loop(
    self: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    """Rasa 3.6's ``MessageProcessor.parse_message``, the graph run on the worker thread.

    The body is Rasa's, line for line, except the ``run_in_executor``. The tracker is
    that of the message's conversation, which Rasa's lock keeps anything else from
    changing meanwhile; the parse graph only reads the message.
    """
    if self.http_interpreter:
        return await _original_parse_message(self, message, tracker, only_output_properties)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    parse_data = await asyncio.get_running_loop().run_in_executor(
        _parser(),
        functools.partial(self._parse_message_with_graph, message, tracker, only_output_properties),
    )
    self._update_full_retrieval_intent(parse_data)
    structlogger.debug(
        "processor.message.parse",
        parse_data_text=copy.deepcopy(parse_data["text"]),
        parse_data_intent=parse_data["intent"],
        parse_data_entities=copy.deepcopy(parse_data["entities"]),
    )
    self._check_for_unseen_features(parse_data)
    return parse_data


@functools.lru_cache(maxsize=1)
def action_result_validator() -> Any:
    """The validator ``jsonschema.validate`` builds for Rasa's action reply schema.

    Its schema is checked against the metaschema once, here.
    """
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def event_validators() -> tuple[Any, dict[str, Any]]:
    """Rasa's reply schema without the events' ``oneOf``, and a validator per event name.

    Rasa's event schema is ``oneOf`` 23 alternatives, each fixing ``event`` to its own
    ``const`` (checked here): an event whose ``event`` is the string X can match only
    X's alternative, so it matches exactly one alternative if and only if it matches
    X's. Checking the reply without the ``oneOf`` and each event against its own
    alternative therefore accepts exactly the replies the whole schema accepts, without
    trying every event against 23 schemas.
    """
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    event_schema = schema["properties"]["events"]["items"]
    alternatives = event_schema.pop("oneOf")
    cls = validator_for(schema)
    by_name: dict[str, Any] = {}
    for alternative in alternatives:
        name = alternative["properties"]["event"]["const"]
        if not isinstance(name, str) or name in by_name:
            raise ValueError(f"Rasa's event schema is not one alternative per name: {name!r}")
        by_name[name] = cls(alternative)
    return cls(schema), by_name


def accepted_at_once(result: Any) -> bool:
    """True only for replies Rasa's schema accepts (see :func:`event_validators`).

    False means "not shown valid here": the whole schema then decides, and words the error.
    """
    reply, by_name = event_validators()
    if not reply.is_valid(result):
        return False
    events = result.get("events") if isinstance(result, dict) else None
    for event in events or ():
        validator = by_name.get(event["event"])
        if validator is None or not validator.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa 3.6's ``RemoteAction._validate_action_result``, faster on valid replies.

    A reply :func:`accepted_at_once` accepts is valid. Any other goes through
    ``jsonschema.validate(result, schema)``'s own steps, ``best_match(validator.iter_errors)``
    with the validator built once (the schema was checked against the metaschema when
    it was built): the same error, and Rasa's addition to its message.
    """
    if accepted_at_once(result):
        return True
    error = schema_exceptions.best_match(action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> bool:
    """Apply both changes (parsing on the thread unless ``NLU_PARSE_THREAD=0``).

    Returns whether parsing runs on the worker thread.
    """
    RemoteAction._validate_action_result = validate_action_result
    small_products_on_one_thread()
    threaded = os.environ.get(ENV_SWITCH, "1").strip() != "0"
    MessageProcessor.parse_message = parse_message_off_loop if threaded else _original_parse_message
    return threaded


#: The HTTP API's token comes from this variable, never from the command line.
TOKEN_VARIABLE = "RASA_API_TOKEN"
#: Tokens shorter than this, or these placeholders, are refused.
MIN_TOKEN_CHARS = 16
PLACEHOLDER_TOKENS = frozenset(("", "UNSET", "changeme", "token", "secret"))


class InsecureStart(SystemExit):
    """The HTTP API would start without a usable token."""


def with_api_token(argv: list[str], environ: dict[str, str]) -> list[str]:
    """``rasa run`` arguments with the API token from the environment (pure).

    ``--enable-api`` needs ``RASA_API_TOKEN``: at least 16 characters and not a
    placeholder (Helm charts default to "UNSET"). It is added to the arguments inside
    this process, so `ps` never shows it.

    Raises:
        InsecureStart: The API is enabled without a usable token, or a token is given
            on the command line.
    """
    if len(argv) < 2 or argv[1] != "run" or "--enable-api" not in argv:
        return argv
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        raise InsecureStart(
            "Give the HTTP API token in RASA_API_TOKEN, not with --auth-token (ps shows it)."
        )
    token = environ.get(TOKEN_VARIABLE, "").strip()
    if token in PLACEHOLDER_TOKENS or len(token) < MIN_TOKEN_CHARS:
        raise InsecureStart(
            "Refusing to start the HTTP API without a token: set RASA_API_TOKEN to a "
            f"random value of at least {MIN_TOKEN_CHARS} characters (scripts/run.sh makes one)."
        )
    return [*argv, f"--auth-token={token}"]


def main() -> None:
    """``rasa`` with the arguments given, the API token from the environment, both changes."""
    from rasa.__main__ import main as rasa_main

    install()
    sys.argv = with_api_token(["rasa", *sys.argv[1:]], dict(os.environ))
    rasa_main()


if __name__ == "__main__":
    main()

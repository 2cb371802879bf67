"""The rules' recall and false referrals on the TRAINING side's Spanish, French and German items.

Only the training side of ``addons.nlu.screening_corpus.split(load())`` is read (the
held-out side is never touched). An item counts when one of its turns is detected as
``es``, ``fr`` or ``de`` (:func:`scalpcare.other_languages.detect_language`). Each turn
is screened by the rules alone (:func:`scalpcare.triage.screen`) and a conversation's
turns are combined with :func:`scalpcare.screening.conversation_state`.

Usage: ``PYTHONPATH=. .venv/bin/python scripts/other_languages_eval.py [--misses]``
(``--misses`` lists the training-side items below their level, and the false referrals).
"""

from __future__ import annotations

import argparse
from collections import Counter

from addons.nlu.screening_corpus import load, split
from scalpcare.contract import Referral
from scalpcare.other_languages import detect_language
from scalpcare.screening import conversation_state
from scalpcare.triage import screen

_RANK = {"none": 0, "doctor": 1, "dermatologist": 2, "urgent": 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and false referrals")
    args = parser.parse_args()
    train, _ = split(load())  # the held-out side is not read
    items = [i for i in train if any(detect_language(t) in ("es", "fr", "de") for t in i.turns)]
    langs = Counter(next(detect_language(t) for t in i.turns if detect_language(t)) for i in items)
    print(f"training-side items in es/fr/de: {len(items)} {dict(sorted(langs.items()))}")
    hits: Counter[str] = Counter()
    needed: Counter[str] = Counter()
    false = 0
    nones = 0
    misses: list[str] = []
    for item in items:
        state = conversation_state([screen(t) for t in item.turns])
        got = _RANK[Referral.parse(state.level).value]
        want = _RANK[item.level]
        if item.level == "none":
            nones += 1
            if got > 0:
                false += 1
                misses.append(f"FALSE {item.id} got={state.level.value}: {item.text}")
            continue
        for level in ("doctor", "dermatologist", "urgent"):
            if want >= _RANK[level]:
                needed[level] += 1
                hits[level] += got >= _RANK[level]
        if got < want:
            misses.append(f"MISS {item.id} {item.level} got={state.level.value}: {item.text}")
    for level in ("doctor", "dermatologist", "urgent"):
        share = hits[level] / max(1, needed[level])
        print(f"{level:>13}: {hits[level]}/{needed[level]} ({share:.2f})")
    print(f"false referrals on none items: {false}/{nones}")
    if args.misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main()

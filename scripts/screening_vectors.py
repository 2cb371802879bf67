"""Rebuild data/screening/sentence_vectors.npz: the encoder's vectors of the corpus's training side.

Usage:
    .venv/bin/python scripts/screening_vectors.py          (what `make screening-vectors` runs)
    .venv/bin/python scripts/screening_vectors.py --check  exit 1 if the store lacks a text

Encodes only the texts the store lacks (a new source, an edited turn), drops the vectors of
texts no longer in the training side, and writes the store. The held-out side is never
read. Run it after changing data/screening; CI's tests fail while the store lacks a text
(tests/integration/test_corpus_vectors.py). See addons/nlu/corpus_vectors.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addons.nlu import red_flags, screening_corpus  # noqa: E402
from addons.nlu.corpus_vectors import STORE, VectorStore  # noqa: E402

ENCODER = ROOT / "build" / "minilm"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the store's coverage")
    args = parser.parse_args()
    texts = red_flags.corpus_texts(red_flags.training_items(), screening_corpus.team_table())
    store = VectorStore(STORE)
    missing = [text for text in texts if text not in store]
    if args.check:
        print(f"{STORE.relative_to(ROOT)}: {len(texts) - len(missing)} of {len(texts)} texts")
        return 1 if missing else 0
    store.vectors_for(texts, lambda todo: red_flags.encode(todo, str(ENCODER)), remember=True)
    store.keep_only(texts)
    store.save()
    print(f"{STORE.relative_to(ROOT)}: {len(store)} texts ({len(missing)} newly encoded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

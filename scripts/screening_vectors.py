"""Rebuild the stored sentence vectors of the screening corpus and the situations' phrasing.

Usage:
    .venv/bin/python scripts/screening_vectors.py          (what `make screening-vectors` runs)
    .venv/bin/python scripts/screening_vectors.py --check  exit 1 if a store lacks a text

data/screening/sentence_vectors.npz holds the screening corpus's training side and the team
table; data/situations/sentence_vectors.npz the special situations' training phrasing.
Encodes only the texts a store lacks (a new source, an edited turn), drops the vectors of
texts no longer on the training side, and writes the stores. The held-out sides are never
read. Run it after changing data/screening or data/situations; CI's tests fail while a
store lacks a text (tests/integration/test_corpus_vectors.py). See
addons/nlu/corpus_vectors.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addons.nlu import red_flags, screening_corpus, situation_classifier  # noqa: E402
from addons.nlu.corpus_vectors import SITUATIONS_STORE, STORE, VectorStore  # noqa: E402

ENCODER = ROOT / "build" / "minilm"


def stores() -> list[tuple[Path, list[str]]]:
    """Each store with the texts it must hold."""
    screening = red_flags.corpus_texts(red_flags.training_items(), screening_corpus.team_table())
    return [(STORE, screening), (SITUATIONS_STORE, situation_classifier.training_texts())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the stores' coverage")
    args = parser.parse_args()
    status = 0
    for path, texts in stores():
        store = VectorStore(path)
        missing = [text for text in texts if text not in store]
        if args.check:
            print(f"{path.relative_to(ROOT)}: {len(texts) - len(missing)} of {len(texts)} texts")
            status |= 1 if missing else 0
            continue
        store.vectors_for(texts, lambda todo: red_flags.encode(todo, str(ENCODER)), remember=True)
        store.keep_only(texts)
        store.save()
        print(f"{path.relative_to(ROOT)}: {len(store)} texts ({len(missing)} newly encoded)")
    return status


if __name__ == "__main__":
    sys.exit(main())

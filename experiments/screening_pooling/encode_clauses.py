"""Experiment: clause vectors (mean of the whole message's piece states inside each clause)."""
import re, sys, time, json
from pathlib import Path
ROOT = Path(str(Path(__file__).resolve().parents[2])); sys.path.insert(0, str(ROOT))
import numpy as np
from addons.nlu.corpus_vectors import text_key
from addons.nlu.screening_corpus import load, split
from addons.nlu.sentence_features import shared_encoder
from addons.nlu.minilm import align

SPLIT = re.compile(r"[.!?;\n]+|\b(?:btw|by the way|oh and|also|plus|but|anyway)\b", re.I)

def clauses(text):
    out, start = [], 0
    for m in SPLIT.finditer(text):
        out.append((start, m.start())); start = m.start() if m.group(0)[0].isalpha() else m.end()
    out.append((start, len(text)))
    return [(a, b) for a, b in out if len(text[a:b].split()) >= 2]

train, _ = split(load())
texts = sorted({t for i in train for t in i.turns})
multi = [t for t in texts if len(clauses(t)) >= 2]
print(len(texts), "texts,", len(multi), "with 2+ clauses", flush=True)
enc = shared_encoder(str(ROOT / "build" / "minilm"))
keys, owners, ctexts, vecs = [], [], [], []
start = time.perf_counter()
for b in range(0, len(multi), 512):
    chunk = multi[b:b + 512]
    for text, (sentence, states, pieces) in zip(chunk, enc.encode(chunk, batch_size=64)):
        spans = clauses(text)
        v = align(pieces, states, spans)
        for (a, e), row in zip(spans, v):
            if not row.any(): continue
            owners.append(text_key(text)); ctexts.append(text[a:e].strip()); vecs.append(row / np.linalg.norm(row))
    print(b + len(chunk), f"{time.perf_counter() - start:.0f} s", flush=True)
Path("build/pooling").mkdir(parents=True, exist_ok=True)
np.savez("build/pooling/clauses.npz", owners=np.array(owners), texts=np.array(ctexts), vectors=np.array(vecs, np.float32))
print("done", len(owners))

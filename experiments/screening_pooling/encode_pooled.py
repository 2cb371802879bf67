"""Experiment: pooled piece states of every text the screener's CV reads (training side only)."""
import sys, time
from pathlib import Path
ROOT = Path(str(Path(__file__).resolve().parents[2])); sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / "scripts"))
import numpy as np
import screening_eval as se
from addons.nlu.corpus_vectors import text_key
from addons.nlu.screening_corpus import load, split, team_table
from addons.nlu.sentence_features import shared_encoder

train, _ = split(load())
texts = sorted({t for i in train for t in i.turns} | set(se.nlu_texts()) | {t for t, _ in team_table()})
print(len(texts), "texts", flush=True)
enc = shared_encoder(str(ROOT / "build" / "minilm"))
keys, mx, top3, sent = [], [], [], []
start = time.perf_counter()
for b in range(0, len(texts), 512):
    chunk = texts[b:b + 512]
    for text, (sentence, states, pieces) in zip(chunk, enc.encode(chunk, batch_size=64)):
        inner = states[1:-1] if len(states) > 2 else states
        keys.append(text_key(text)); sent.append(sentence)
        mx.append(inner.max(axis=0))
        k = min(3, len(inner))
        top3.append(np.sort(inner, axis=0)[-k:].mean(axis=0))
    print(b + len(chunk), f"{time.perf_counter() - start:.0f} s", flush=True)
Path("build/pooling").mkdir(parents=True, exist_ok=True)
np.savez("build/pooling/pooled.npz", keys=np.array(keys), max=np.array(mx, np.float32), top3=np.array(top3, np.float32), sentence=np.array(sent, np.float32))
print("done")

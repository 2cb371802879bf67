"""Compare out-of-fold dumps: per level head (with the rules), FP on benign/negated/past at matched recall."""
import json, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2])); sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import numpy as np
import screening_eval as se
from addons.nlu.screening_corpus import load, split
from scalpcare import screening
from scalpcare.contract import Referral
from scalpcare.other_languages import detect_language

train, _ = split(load())
english = [i for i in train if all(detect_language(t) is None for t in i.turns)]
core = [i for i in english if i.kind in ("benign", "negated", "past")]
grid = [round(x, 3) for x in np.arange(0.02, 0.99, 0.01)]
import collections; scr = se.Screener(None, collections.defaultdict(lambda: None))

class OOF(screening.ScreeningModel):
    def __init__(self, oof, thresholds):
        heads = list(next(iter(oof.values())))
        super().__init__(heads, np.zeros((0, 0)), np.zeros(0), {h: 0.8 for h in heads})
        self.thresholds.update(thresholds); self.oof = oof
    def probabilities(self, text, vector, rules=None):
        return self.oof[text]

def curve(oof, head):
    rank = Referral(head).rank
    pos = [i for i in english if Referral(i.level).rank >= rank]
    aside = [i for i in pos if {"aside", "long"} & set(getattr(i, "style", ()) or ())]
    out = []
    for t in grid:
        scr.model = OOF(oof, {h: (t if h == head else 2.0) for h in screening.LEVEL_HEADS})
        pred = {i.id: scr.level(i) for i in english}
        r = sum(pred[i.id].rank >= rank for i in pos) / len(pos)
        ra = sum(pred[i.id].rank >= rank for i in aside) / max(len(aside), 1)
        fp = sum(pred[i.id] is not Referral.NONE for i in core) / len(core)
        out.append((t, r, fp, ra, len(aside)))
    return out

dumps = sys.argv[1:]
for head in reversed(screening.LEVEL_HEADS):
    print(f"== {head}")
    for d in dumps:
        oof = json.loads(Path(d).read_text())
        c = curve(oof, head)
        cells = []
        for target in (0.95, 0.96, 0.97, 0.98, 0.99):
            ok = [x for x in c if x[1] >= target]
            if ok:
                t, r, fp, ra, na = max(ok, key=lambda x: x[0])
                cells.append(f"R>={target}: t={t:.2f} FP={fp:.3f} (aside/long recall {ra:.3f} of {na})")
            else:
                cells.append(f"R>={target}: -")
        print(f"  {Path(d).stem:<10} max recall {max(x[1] for x in c):.3f}")
        for cell in cells: print("     ", cell)

"""Experiment: fine-tuning the bundled MiniLM's top layers for check-worthiness, against the head.

    python benchmarks/checkworthy_finetune.py --train-layers 3 --epochs 2 --out .train/cw/l3

Trains the top --train-layers layers of the bundled all-MiniLM-L6-v2 with a linear head on
mean-pooled, normalised embeddings, on ClaimBuster crowdsourced.csv without the validation
debates (the recipe's debate_split). Every sixth of the run it scores the validation debates and
keeps the checkpoint with the best F1 (and its threshold) in --out.pt. The evaluation-only sets
(ClaimBuster groundtruth, CheckThat! 2024 dev-test) are scored once, with that checkpoint and
threshold, at the end; JSON to stdout and --out.json, every sentence's score (validation and
evaluation sets) to --out.scores.npz for benchmarks/checkworthy_ensemble.py. Batches are
grouped by length (shuffled within chunks of 50 batches): all 6 layers, 2 epochs took 13
minutes on 2 cores (fp32; bf16 autocast was far slower here). Nothing of it is shipped: see
docs/evaluation.md.
"""

import argparse
import json
import sys
import time

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

from workbench.checkworthy.data import debate_split, evaluation_sets, training_set
from workbench.pipeline.embed import default_model_path

p = argparse.ArgumentParser()
p.add_argument("--data", default="../shared/data/checkworthy")
p.add_argument("--train-layers", type=int, default=6)
p.add_argument("--epochs", type=float, default=3)
p.add_argument("--lr", type=float, default=4e-5)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--max-len", type=int, default=64)
p.add_argument("--bf16", action="store_true")
p.add_argument("--full", action="store_true", help="train on all rows (no validation)")
p.add_argument("--threshold", type=float, default=0.5, help="with --full: the decision threshold")
p.add_argument("--out", default=".train/cw/run")
p.add_argument("--speed", action="store_true")
a = p.parse_args()
torch.manual_seed(0)
torch.set_num_threads(2)
st = SentenceTransformer(default_model_path(), device="cpu")
enc = st[0].auto_model
tok = st[0].tokenizer
for prm in enc.parameters():
    prm.requires_grad = False
layers = enc.encoder.layer
for layer in layers[len(layers) - a.train_layers :]:
    for prm in layer.parameters():
        prm.requires_grad = True
head = torch.nn.Linear(384, 1)
data = training_set(a.data)
tr, va = debate_split(data)
if a.full:
    tr = list(range(len(data)))
X = [data.texts[i] for i in tr]
y = np.array([data.labels[i] for i in tr], dtype=np.float32)
pos_weight = torch.tensor((1 - y.mean()) / y.mean())
params = [q for q in enc.parameters() if q.requires_grad] + list(head.parameters())
opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.01)
steps = int(a.epochs * len(X) / a.batch)
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda s: min(1.0, s / (0.06 * steps)) * max(0.0, (steps - s) / steps)
)


def forward(texts):
    b = tok(texts, padding=True, truncation=True, max_length=a.max_len, return_tensors="pt")
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.bf16):
        h = enc(**b).last_hidden_state
    h = h.float()
    m = b["attention_mask"].unsqueeze(-1).float()
    e = (h * m).sum(1) / m.sum(1).clamp(min=1)
    e = torch.nn.functional.normalize(e, dim=-1)
    return head(e * 10).squeeze(-1)


def scores(texts):
    enc.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), 128):
            out.append(torch.sigmoid(forward(texts[i : i + 128])).numpy())
    enc.train()
    return np.concatenate(out)


def f1_at(s, labels, t):
    p = s >= t
    gold = np.array(labels) == 1
    tp = (p & gold).sum()
    prec = tp / max(p.sum(), 1)
    rec = tp / max(gold.sum(), 1)
    return 2 * prec * rec / max(prec + rec, 1e-9), prec, rec


def best_threshold(s, labels):
    grid = np.arange(0.05, 0.96, 0.01)
    f = [f1_at(s, labels, t)[0] for t in grid]
    return float(grid[int(np.argmax(f))]), float(max(f))


rng = np.random.default_rng(0)
vx = [data.texts[i] for i in va]
vy = [data.labels[i] for i in va]
step = 0
t0 = time.time()
best = (-1, None)
log = []
enc.train()
while step < steps:
    order = rng.permutation(len(X))
    chunk = a.batch * 50
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda j: len(X[j]))
        batches += [part[i : i + a.batch] for i in range(0, len(part) - a.batch + 1, a.batch)]
    rng.shuffle(batches)
    for idx in batches:
        idx = np.array(idx)
        logits = forward([X[j] for j in idx])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, torch.tensor(y[idx]), pos_weight=pos_weight
        )
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        step += 1
        if step % 50 == 0:
            print(f"step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s", flush=True)
            if a.speed and step >= 50:
                sys.exit(0)
        if (step % (steps // 6) == 0 or step == steps) and not a.full:
            s = scores(vx)
            t, f = best_threshold(s, vy)
            print(f"VAL step {step} f1 {f:.3f} at {t:.2f}", flush=True)
            log.append({"step": step, "f1": f, "threshold": t})
            if f > best[0]:
                best = (f, t)
                torch.save(
                    {
                        "enc": {k: v for k, v in enc.state_dict().items()},
                        "head": head.state_dict(),
                        "threshold": t,
                    },
                    a.out + ".pt",
                )
        if step >= steps:
            break
if a.full:  # the last step, scored at --threshold (a split run's validation threshold)
    torch.save({"enc": enc.state_dict(), "head": head.state_dict()}, a.out + ".pt")
    best = (None, a.threshold)
    res, saved = {"args": vars(a)}, {}
else:
    ck = torch.load(a.out + ".pt")
    enc.load_state_dict(ck["enc"])
    head.load_state_dict(ck["head"])
    res = {"val_best": best, "log": log, "args": vars(a)}
    saved = {"val": scores(vx)}
for s_ in evaluation_sets(a.data):
    sc = scores(s_.texts)
    saved[s_.name] = sc
    res[s_.name] = dict(
        zip(["f1", "precision", "recall"], map(float, f1_at(sc, s_.labels, best[1])))
    )
np.savez(a.out + ".scores.npz", **saved)
print(json.dumps(res, indent=1))
open(a.out + ".json", "w").write(json.dumps(res, indent=1))

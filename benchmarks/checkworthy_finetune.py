"""Experiment: fine-tuning the bundled MiniLM's top layers for check-worthiness, against the head.

    python benchmarks/checkworthy_finetune.py --train-layers 3 --epochs 2 --out .train/cw/l3

Trains with the fine-tune recipe's loop (workbench/checkworthy/finetune.py: the top
--train-layers layers of the bundled all-MiniLM-L6-v2 and a linear head on mean-pooled,
normalised embeddings, batches grouped by length) on ClaimBuster crowdsourced.csv without the
validation debates (the head recipe's debate_split). Every sixth of the run it scores the
validation debates and keeps the checkpoint with the best F1 (and its threshold) in --out.pt.
The evaluation-only sets (ClaimBuster groundtruth, CheckThat! 2024 dev-test) are scored once,
with that checkpoint and threshold, at the end; JSON to stdout and --out.json, every sentence's
score (validation and evaluation sets) to --out.scores.npz for benchmarks/checkworthy_ensemble.py.
All 6 layers, 2 epochs took 13 minutes on 2 cores (fp32; bf16 autocast was far slower here).

--full trains on every row and keeps the last step; --folds K --fold i trains the same way on
the other folds of debate_folds and writes fold i's scores to --out.oof.npz (the recipe's
cross-validated threshold, one fold per process). See docs/evaluation.md.
"""

import argparse
import json
import sys

import numpy as np
import torch

from workbench.checkworthy.data import debate_folds, debate_split, evaluation_sets, training_set
from workbench.checkworthy.finetune import FineTuneSettings, train_model
from workbench.checkworthy.metrics import best_threshold, positive_class_scores

p = argparse.ArgumentParser()
p.add_argument("--data", default="../shared/data/checkworthy")
p.add_argument("--train-layers", type=int, default=6)
p.add_argument("--epochs", type=float, default=3)
p.add_argument("--lr", type=float, default=4e-5)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--max-len", type=int, default=64)
p.add_argument("--full", action="store_true", help="train on all rows (no validation)")
p.add_argument("--threshold", type=float, default=0.5, help="with --full: the decision threshold")
p.add_argument("--folds", type=int, default=0, help="cross-validation by debate: how many folds")
p.add_argument("--fold", type=int, default=0, help="with --folds: the fold held out")
p.add_argument("--out", default=".train/cw/run")
p.add_argument("--speed", action="store_true", help="stop after 50 steps (for pairs/s)")
a = p.parse_args()
torch.set_num_threads(2)
settings = FineTuneSettings(
    train_layers=a.train_layers,
    epochs=a.epochs,
    learning_rate=a.lr,
    batch_size=a.batch,
    max_length=a.max_len,
)
data = training_set(a.data)
train_rows, held = debate_split(data)
if a.full:
    train_rows = list(range(len(data)))
if a.folds:
    fold_of = debate_folds(data, a.folds)
    train_rows = [i for i, f in enumerate(fold_of) if f != a.fold]
    held = [i for i, f in enumerate(fold_of) if f == a.fold]
held_texts = [data.texts[i] for i in held]
held_labels = [data.labels[i] for i in held]
best = {"f1": -1.0, "threshold": a.threshold}
log = []


def keep_best(step: int, steps: int, scorer) -> None:
    """Every sixth of a split run: score the validation debates, keep the best checkpoint."""
    if a.full or a.folds or not (step % (steps // 6) == 0 or step == steps):
        return
    scores = scorer.score(held_texts)
    threshold = best_threshold(held_labels, scores)
    f1 = positive_class_scores(held_labels, scores, threshold)["f1"]
    print(f"VAL step {step} f1 {f1:.3f} at {threshold:.2f}", flush=True)
    log.append({"step": step, "f1": f1, "threshold": threshold})
    if f1 > best["f1"]:
        best.update(f1=f1, threshold=threshold)
        torch.save(scorer.stored_tensors(), a.out + ".pt")


scorer = train_model(
    [data.texts[i] for i in train_rows],
    [data.labels[i] for i in train_rows],
    settings,
    lambda line: print(line, flush=True),
    max_steps=50 if a.speed else None,
    on_step=keep_best,
)
if a.speed:
    sys.exit(0)
if a.folds:  # out-of-fold scores only: the evaluation sets are scored once, on the full model
    scores = scorer.score(held_texts)
    np.savez(a.out + ".oof.npz", rows=np.array(held), scores=scores, labels=np.array(held_labels))
    print(json.dumps({"fold": a.fold, "folds": a.folds, "rows": len(held)}))
    sys.exit(0)
if a.full:  # the last step, scored at --threshold (a split run's validation threshold)
    torch.save(scorer.stored_tensors(), a.out + ".pt")
    res, saved = {"args": vars(a)}, {}
else:
    scorer.load_stored(torch.load(a.out + ".pt"))
    res = {"val_best": best, "log": log, "args": vars(a)}
    saved = {"val": scorer.score(held_texts)}
for s_ in evaluation_sets(a.data):
    sc = scorer.score(s_.texts)
    saved[s_.name] = sc
    res[s_.name] = positive_class_scores(s_.labels, sc, best["threshold"])
np.savez(a.out + ".scores.npz", **saved)
print(json.dumps(res, indent=1))
open(a.out + ".json", "w").write(json.dumps(res, indent=1))

"""Experiment: the fine-tuned check-worthiness model averaged with the shipped recipe's head.

    python benchmarks/checkworthy_ensemble.py .train/cw/l6.scores.npz [--data DIR]

Reads the sentence scores benchmarks/checkworthy_finetune.py saved (validation debates and the
evaluation sets). The weight alpha of the fine-tuned score in alpha * fine-tuned + (1 - alpha)
* head, and the threshold, are chosen on the validation debates only, against the recipe's
train-split head (the shipped head was refitted on every row, validation debates included).
The evaluation-only sets are then scored once with the shipped head at that weight and
threshold, beside the fine-tuned model alone (its own validation threshold) and the shipped
head alone. A run trained on every row (--full) has no validation scores: give it the weight
and thresholds of its split run (--alpha, --threshold, --tuned-threshold). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from _common import ROOT

from workbench.checkworthy.data import debate_split, evaluation_sets, training_set
from workbench.checkworthy.head import HeadModel
from workbench.checkworthy.metrics import best_threshold, positive_class_scores
from workbench.checkworthy.model import load_model
from workbench.checkworthy.recipe import (
    VALIDATION_SHARE,
    cached_embeddings,
    fit_head,
    model_config,
)
from workbench.pipeline.embed import Embedder

ALPHAS = np.round(np.arange(0.0, 1.01, 0.1), 1)


def threshold_and_f1(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """The validation-F1 threshold (the recipe's own rule) and the F1 it reaches."""
    threshold = best_threshold(labels, scores)
    return threshold, positive_class_scores(labels, scores, threshold)["f1"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scores", help="the .scores.npz of benchmarks/checkworthy_finetune.py")
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/checkworthy"))
    parser.add_argument("--alpha", type=float, help="fixed weight (a --full run's split run)")
    parser.add_argument("--threshold", type=float, help="fixed threshold of the average")
    parser.add_argument("--tuned-threshold", type=float, help="fixed threshold, fine-tuned alone")
    args = parser.parse_args()
    data_dir = Path(args.data)
    tuned = np.load(args.scores)
    embedder = Embedder()
    data = training_set(data_dir)
    cache = ROOT / ".train/cw/embeddings.npz"
    embeddings = cached_embeddings(data.texts, embedder, cache)
    train_rows, validation_rows = debate_split(data, VALIDATION_SHARE)
    split_head = fit_head(data.subset(train_rows, "train"), embeddings[train_rows])
    probe = HeadModel(model_config(embedder, 0.5, data_dir, len(train_rows)), split_head)
    probe.embedder = embedder
    labels = np.array([data.labels[i] for i in validation_rows])
    head_validation = probe.score(
        [data.texts[i] for i in validation_rows], embeddings[validation_rows]
    )
    sweep = {}
    if "val" in tuned:
        for alpha in ALPHAS:
            mixed = alpha * tuned["val"] + (1 - alpha) * head_validation
            sweep[float(alpha)] = threshold_and_f1(labels, mixed)
        alpha = max(sweep, key=lambda a: sweep[a][1])
        threshold, tuned_threshold = sweep[alpha][0], sweep[1.0][0]
    else:  # a --full run: its split run's choices
        alpha, threshold, tuned_threshold = args.alpha, args.threshold, args.tuned_threshold
    shipped = load_model(embedder=embedder)
    report = {
        "validation": {str(a): {"threshold": t, "f1": round(f, 4)} for a, (t, f) in sweep.items()},
        "chosen": {"alpha": alpha, "threshold": threshold},
        "sets": {},
    }
    for evaluation in evaluation_sets(data_dir):
        gold = np.array(evaluation.labels)
        head = shipped.score(evaluation.texts)
        fine = tuned[evaluation.name]
        report["sets"][evaluation.name] = {
            "ensemble": positive_class_scores(gold, alpha * fine + (1 - alpha) * head, threshold),
            "fine_tuned": positive_class_scores(gold, fine, tuned_threshold),
            "shipped_head": positive_class_scores(gold, head, shipped.threshold),
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

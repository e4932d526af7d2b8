"""WiSE-FT for check-worthiness: the fine-tuned MiniLM averaged with the pre-trained one.

    python benchmarks/checkworthy_wise_ft.py --split .train/cw/l6.pt --full .train/cw/l6full.pt

Robust fine-tuning (Wortsman et al., 2022): the weights of a fine-tuned model averaged with those
of the model it started from often keep the fine-tuned accuracy in distribution and the
pre-trained model's robustness out of it. Here the starting point is the bundled MiniLM with a
logistic-regression head fitted on its frozen embeddings (balanced classes, the same rows), and
the fine-tuned one a checkpoint of benchmarks/checkworthy_finetune.py; encoder and head are
averaged at --alpha (0.5: the paper's default and the stance soup's, not tuned). The threshold
is the best F1 on the validation debates of the --split run; the evaluation sets are scored once
with the split model and with the --full one (trained on every row). Prints JSON.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from _common import ROOT


def main() -> None:
    import torch
    from sklearn.linear_model import LogisticRegression

    from workbench.checkworthy.data import debate_split, evaluation_sets, training_set
    from workbench.checkworthy.fine_tuned import FineTunedScorer
    from workbench.checkworthy.metrics import best_threshold, positive_class_scores
    from workbench.training.checkpoint import average_tensors

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/checkworthy"))
    parser.add_argument("--split", required=True, help="checkpoint of a validation-split run")
    parser.add_argument("--full", help="checkpoint of a --full run (every row)")
    parser.add_argument("--alpha", type=float, default=0.5, help="share of the fine-tuned weights")
    args = parser.parse_args()
    torch.set_num_threads(2)

    scorer = FineTunedScorer.from_bundled(max_length=64, pooled_scale=10.0)
    pretrained = {k: v.clone() for k, v in scorer.stored_tensors().items()}

    def fine_tuned(checkpoint: str) -> dict:
        """A checkpoint's layers and head, in the layout of FineTunedScorer.stored_tensors (runs
        of an earlier version of checkworthy_finetune.py saved the whole encoder)."""
        saved = torch.load(checkpoint)
        if "enc" not in saved:
            return saved
        layers = {k: v for k, v in saved["enc"].items() if k in pretrained}
        return layers | {f"head.{k}": v for k, v in saved["head"].items()}

    data = training_set(args.data)
    train_rows, validation_rows = debate_split(data)
    labels = np.array(data.labels)
    frozen = scorer.embeddings(data.texts).astype(np.float32)  # as the head was fitted
    evaluation = evaluation_sets(args.data)
    report: dict = {"alpha": args.alpha}
    runs = [("split", train_rows, args.split)] + ([("full", None, args.full)] if args.full else [])
    threshold = None
    for run, rows, checkpoint in runs:
        rows = list(range(len(labels))) if rows is None else rows
        head = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
        head.fit(frozen[rows] * 10, labels[rows])
        start = pretrained | {
            "head.weight": torch.tensor(head.coef_, dtype=torch.float32),
            "head.bias": torch.tensor(head.intercept_, dtype=torch.float32),
        }
        scorer.load_stored(average_tensors(start, fine_tuned(checkpoint), args.alpha))
        score = scorer.score

        if threshold is None:
            gold = [data.labels[i] for i in validation_rows]
            found = score([data.texts[i] for i in validation_rows])
            threshold = float(best_threshold(gold, found))
            report["threshold"] = threshold
            report["validation"] = positive_class_scores(gold, found, threshold)
        report[run] = {s.name: positive_class_scores(s.labels, score(s.texts), threshold)
                       for s in evaluation}  # fmt: skip
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""eval-checkworthy: positive-class F1 / precision / recall per evaluation set, for the model and
for the TF-IDF + LR baseline trained on crowdsourced.csv in the same run, side by side."""

from __future__ import annotations

import os
from pathlib import Path

from .baseline import baseline_scores, train_baseline
from .data import LabelledSet, evaluation_sets, read_checkthat, training_set
from .metrics import positive_class_scores
from .model import CheckworthyModel, load_model


def set_report(data: LabelledSet, model: CheckworthyModel, baseline) -> dict:
    model_scores = model.score(data.texts)
    return {
        "set": data.name,
        "sentences": len(data),
        "check_worthy": int(sum(data.labels)),
        "model": positive_class_scores(data.labels, model_scores, model.threshold),
        "baseline": positive_class_scores(data.labels, baseline_scores(baseline, data.texts), 0.5),
    }


def evaluate(
    data_dir: str | os.PathLike,
    gold: list[str | os.PathLike] | None = None,
    model: CheckworthyModel | None = None,
) -> dict:
    """The report: one entry per evaluation set (ClaimBuster groundtruth, CheckThat! 2024
    dev-test, then each --gold TSV). The baseline is refitted here, on the training file only."""
    model = model or load_model()
    sets = evaluation_sets(data_dir) + [read_checkthat(Path(g)) for g in gold or ()]
    baseline = train_baseline(training_set(data_dir))
    return {
        "model": {"threshold": model.threshold, "encoder": model.config["encoder"]},
        "baseline": "TF-IDF word 1-2 grams + logistic regression (C=4, balanced), threshold 0.5",
        "trained_on": "ClaimBuster crowdsourced.csv (CFS = check-worthy)",
        "sets": [set_report(data, model, baseline) for data in sets],
    }


def format_report(report: dict) -> str:
    lines = [
        f"{'set':<26} {'n':>5}  {'model F1':>8} {'P':>6} {'R':>6}   {'baseline F1':>11} "
        f"{'P':>6} {'R':>6}"
    ]
    for row in report["sets"]:
        m, b = row["model"], row["baseline"]
        lines.append(
            f"{row['set']:<26} {row['sentences']:>5}  {m['f1']:>8.3f} {m['precision']:>6.3f} "
            f"{m['recall']:>6.3f}   {b['f1']:>11.3f} {b['precision']:>6.3f} {b['recall']:>6.3f}"
        )
    lines.append(f"baseline: {report['baseline']}; model threshold {report['model']['threshold']}")
    return "\n".join(lines)

"""`workbench train-verdict`: fit the learned verdict aggregator on end-to-end FEVER claims.

The held-out FEVER claims (evaluation/datasets.load_fever) are checked through the whole
pipeline against a pooled corpus of FEVER evidence, so every claim also retrieves distractors
and NOT ENOUGH INFO claims retrieve only others' evidence. A multinomial logistic regression
over features of the top-k evidence (pipeline/verdict.FEATURES) is fitted on the dev half; the
test half is the end-to-end FEVER score. The result is verdict.json in the stance model's
folder, tied to its weights by their SHA-256, with its figures for the model card.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..evaluation.metrics import summarize
from ..evaluation.outcomes import Outcome
from ..evaluation.thresholds import arrays, redecide
from ..pipeline.verdict import (
    DEFAULT_PARAMS,
    FEATURES,
    VERDICT_FILE,
    VerdictModel,
    VerdictParams,
    features,
    weights_digest,
)
from .card import record_verdict

RECIPE = "verdict-lr-v1"  # bump when the features or the fit change
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def fit_verdict_model(
    outcomes: list[Outcome], params: VerdictParams = DEFAULT_PARAMS, seed: int = 13
) -> tuple[VerdictModel, dict]:
    """A VerdictModel fitted on labelled outcomes (SUPPORTED / REFUTED / NOT_ENOUGH_INFO), its
    regularisation chosen by 5-fold cross-validated log-loss on the same outcomes."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    labelled = [o for o in outcomes if o.gold in VerdictModel.CLASSES]
    x = features(arrays(labelled), params)
    y = np.array([VerdictModel.CLASSES.index(o.gold) for o in labelled])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (x - mean) / scale
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    losses = {
        c: -cross_val_score(
            LogisticRegression(C=c, max_iter=5000), z, y, cv=folds, scoring="neg_log_loss"
        ).mean()
        for c in C_GRID
    }
    best_c = min(losses, key=losses.get)
    clf = LogisticRegression(C=best_c, max_iter=5000).fit(z, y)
    model = VerdictModel(RECIPE, mean, scale, clf.coef_, clf.intercept_, {})
    return model, {"C": best_c, "cv_log_loss": {str(k): round(v, 4) for k, v in losses.items()}}


def _figures(outcomes: list[Outcome]) -> dict:
    keys = ("n", "accuracy", "macro_f1", "ece", "confidence_auroc", "confusion_matrix")
    return {k: v for k, v in summarize(outcomes).items() if k in keys}


def train_verdict(
    outcomes: list[Outcome],
    stance_dir: Path,
    provenance: dict,
    log: Callable[[str], None] = print,
) -> dict:
    """Fit on the dev half, report both halves beside the hand-set rule, write verdict.json."""
    dev = [o for o in outcomes if o.split == "dev"]
    test = [o for o in outcomes if o.split == "test"]
    model, fit = fit_verdict_model(dev)
    report = {"recipe": RECIPE, "fit": fit, "trained_on": "dev", **provenance}
    for name, part in (("dev", dev), ("test", test)):
        report[name] = _figures(redecide(part, DEFAULT_PARAMS, model))
        report[f"{name}_hand_rule"] = _figures(redecide(part, DEFAULT_PARAMS))
        log(
            f"{name}: aggregator accuracy {report[name]['accuracy']}, AUROC "
            f"{report[name]['confidence_auroc']}, ECE {report[name]['ece']}; hand-set rule "
            f"accuracy {report[f'{name}_hand_rule']['accuracy']}"
        )
    card = {
        "stance_weights_sha256": weights_digest(stance_dir),
        "date": time.strftime("%Y-%m-%d"),
        "figures": report,
    }
    model = VerdictModel(model.recipe, model.mean, model.scale, model.coef, model.intercept, card)
    target = stance_dir / VERDICT_FILE
    target.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
    report["written_to"] = str(target)
    report["features"] = list(FEATURES)
    record_verdict(stance_dir, report)
    return report

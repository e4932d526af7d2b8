"""Fitting the verdict thresholds (VerdictParams) on the dev half of labelled claims.

Tuning re-decides saved stance outputs (Outcome.probs / .cosines), so it costs no model call.
The confidence calibration is fitted after the thresholds, on the same half (calibration.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from ..errors import WorkbenchError
from ..pipeline.verdict import (
    NOT_ENOUGH_INFO,
    EvidenceArrays,
    VerdictModel,
    VerdictParams,
    calibrate,
    decide_scores,
    scores,
    verdicts,
)
from .calibration import fit_calibration
from .datasets import LABELS
from .metrics import summarize
from .outcomes import Outcome


def arrays(outcomes: list[Outcome]) -> EvidenceArrays:
    """The saved stance of each outcome, in the form the verdict rule reads."""
    return EvidenceArrays.of([(o.probs, o.cosines, o.documents or None) for o in outcomes])


def redecide(
    outcomes: list[Outcome], params: VerdictParams, model: VerdictModel | None = None
) -> list[Outcome]:
    """The same outcomes with verdicts and confidences recomputed under other thresholds (and
    the aggregator `model`, if any), by the one verdict rule (pipeline/verdict.py)."""
    if not outcomes:
        return []
    names, raw = verdicts(arrays(outcomes), params, model)
    out = []
    for o, verdict, confidence in zip(outcomes, names, raw.tolist()):
        if not o.probs:
            verdict, confidence = NOT_ENOUGH_INFO, 0.0
        confidence = round(calibrate(verdict, confidence, params), 4)
        out.append(replace(o, verdict=verdict, confidence=confidence))
    return out


@dataclass(frozen=True)
class Grid:
    """Candidate VerdictParams values searched by tune()."""

    min_relevance: tuple[float, ...] = tuple(np.round(np.arange(0.0, 0.61, 0.05), 2))
    full_relevance: tuple[float, ...] = tuple(np.round(np.arange(0.3, 0.91, 0.1), 2))
    decide: tuple[float, ...] = tuple(np.round(np.arange(0.2, 0.96, 0.025), 3))
    conflict: tuple[float, ...] = (*np.round(np.arange(0.5, 0.96, 0.05), 2), 1.01)


def _macro_f1(gold: np.ndarray, preds: np.ndarray) -> float:
    """Three-way macro-F1 (labels 0-2 = LABELS, 3 = CONFLICTING, counted as wrong)."""
    total = 0.0
    for label in range(3):
        tp = int(((preds == label) & (gold == label)).sum())
        fp = int(((preds == label) & (gold != label)).sum())
        fn = int(((preds != label) & (gold == label)).sum())
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / 3


def tune(
    outcomes: list[Outcome],
    grid: Grid = Grid(),
    objective: str = "macro_f1",
    model: VerdictModel | None = None,
) -> tuple[VerdictParams, dict]:
    """The VerdictParams from `grid` that maximise `objective` (macro_f1 or accuracy).

    Only outcomes with a three-way gold label count; every grid point is decided by
    verdict.verdicts(), the rule checks use. Ties keep the earlier grid point, so the result is
    deterministic. Returns the params and the objective's best value.
    """
    scored = [o for o in outcomes if o.gold in LABELS]
    if not scored:
        raise WorkbenchError(
            "No claims with a SUPPORTED / REFUTED / NOT_ENOUGH_INFO label to tune on."
        )
    gold = np.array([LABELS.index(o.gold) for o in scored])
    ev = arrays(scored)
    best: tuple[float, float, VerdictParams] | None = None
    for lo in grid.min_relevance:
        for hi in grid.full_relevance:
            if hi <= lo:
                continue
            found = scores(ev, VerdictParams(float(lo), float(hi)), model)
            for threshold in grid.decide:
                for conflict in grid.conflict:
                    preds, _ = decide_scores(found, float(threshold), float(conflict))
                    acc, f1 = float((preds == gold).mean()), _macro_f1(gold, preds)
                    value = (f1, acc) if objective == "macro_f1" else (acc, f1)
                    if best is None or value > best[:2]:
                        params = VerdictParams(
                            float(lo), float(hi), float(threshold), float(conflict)
                        )
                        best = (value[0], value[1], params)
    assert best is not None
    return best[2], {objective: round(best[0], 4), "n": len(scored)}


def tuning_report(
    outcomes: list[Outcome], keep: VerdictParams | None = None, model: VerdictModel | None = None
) -> dict:
    """Tune thresholds, then calibrate the confidence, on the dev half; report both halves.

    "test" is what the saved params give on claims tuning never saw; "uncalibrated_test_ece"
    is the test ECE of the tuned thresholds before the confidence calibration. With `keep`,
    its thresholds stay as they are and only the calibration is fitted.
    """
    dev = [o for o in outcomes if o.split == "dev"]
    if not dev:
        raise WorkbenchError("Tuning needs dev-half claims; run with --split all or dev.")
    if keep is None:
        out: dict = {"tuned_on": "dev", "objective": "macro_f1 (ties: accuracy)"}
        thresholds_only, value = tune(dev, model=model)
    else:
        out = {"tuned_on": "dev", "objective": CALIBRATION_ONLY}
        thresholds_only, value = replace(keep, calibration=()), {}
    out["untuned_on_test"] = {
        k: v
        for k, v in summarize([o for o in outcomes if o.split == "test"]).items()
        if k in ("n", "accuracy", "macro_f1", "ece")
    }
    raw = redecide(outcomes, thresholds_only, model)
    best = fit_calibration([o for o in raw if o.split == "dev"], thresholds_only)
    test_raw = [o for o in raw if o.split == "test"]
    if test_raw:
        out["uncalibrated_test_ece"] = summarize(test_raw)["ece"]
    out["params"] = best.to_dict()
    out["dev_objective"] = value
    redone = redecide(outcomes, best, model)
    for name in ("test", "dev"):
        part = [o for o in redone if o.split == name]
        if part:
            out[name] = {k: v for k, v in summarize(part).items() if k in _VERDICT_KEYS}
    out["all"] = {k: v for k, v in summarize(redone).items() if k in _VERDICT_KEYS}
    return out


CALIBRATION_ONLY = "confidence calibration only (thresholds kept)"
_VERDICT_KEYS = (
    "n",
    "n_scored",
    "accuracy",
    "macro_f1",
    "f1",
    "ece",
    "confusion_matrix",
    "conflicting",
    "predicted_distribution",
)


def save_tuned(wb, tuning: dict, source: str, split_rule: str) -> None:
    """Save the thresholds of tuning_report() as the index's own (see index params)."""
    test = tuning.get("test") or {}
    provenance = {
        "tuned_on": f"{source}, dev half ({split_rule})",
        "objective": tuning["objective"],
        "dev_macro_f1": tuning["dev_objective"].get("macro_f1"),
        "test_accuracy": test.get("accuracy"),
        "test_macro_f1": test.get("macro_f1"),
        "test_ece": test.get("ece"),
        "date": time.strftime("%Y-%m-%d"),
    }
    wb.save_params(VerdictParams.from_dict(tuning["params"]), provenance)
    tuning["saved_to"] = str(wb.index_dir)

"""Fitting the verdict thresholds (VerdictParams) on the dev half of labelled claims.

Tuning re-decides saved stance outputs (Outcome.probs / .cosines), so it costs no model call.
The confidence calibration is fitted after the thresholds, on the same half (calibration.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from ..errors import WorkbenchError
from ..pipeline.verdict import VerdictParams, decide
from .calibration import fit_calibration
from .datasets import LABELS
from .metrics import summarize
from .outcomes import Outcome


def redecide(outcomes: list[Outcome], params: VerdictParams) -> list[Outcome]:
    """The same outcomes with verdicts and confidences recomputed under other thresholds."""
    out = []
    for o in outcomes:
        verdict, confidence = decide(o.probs, o.cosines, params)
        out.append(replace(o, verdict=verdict, confidence=confidence))
    return out


@dataclass(frozen=True)
class Grid:
    """Candidate VerdictParams values searched by tune()."""

    min_relevance: tuple[float, ...] = tuple(np.round(np.arange(0.0, 0.61, 0.05), 2))
    full_relevance: tuple[float, ...] = tuple(np.round(np.arange(0.3, 0.91, 0.1), 2))
    decide: tuple[float, ...] = tuple(np.round(np.arange(0.2, 0.96, 0.025), 3))
    conflict: tuple[float, ...] = (*np.round(np.arange(0.5, 0.96, 0.05), 2), 1.01)


def _padded(outcomes: list[Outcome]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, k) arrays of p_supports, p_refutes and cosine; empty slots have cosine -inf."""
    width = max([len(o.probs) for o in outcomes] + [1])
    sup = np.zeros((len(outcomes), width))
    ref = np.zeros((len(outcomes), width))
    cos = np.full((len(outcomes), width), -np.inf)
    for i, o in enumerate(outcomes):
        if o.probs:
            probs = np.asarray(o.probs, dtype=np.float64)
            sup[i, : len(probs)] = probs[:, 0]
            ref[i, : len(probs)] = probs[:, 1]
            cos[i, : len(probs)] = o.cosines
    return sup, ref, cos


def _weights(cos: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """relevance_weight() over an array (0 below lo, 0.5 at lo rising to 1 at hi)."""
    span = max(hi - lo, 1e-9)
    with np.errstate(invalid="ignore"):
        weight = np.minimum(1.0, 0.5 + 0.5 * (cos - lo) / span)
    return np.where(cos < lo, 0.0, weight)


def _macro_f1_rows(gold: np.ndarray, preds: np.ndarray) -> np.ndarray:
    """Three-way macro-F1 of each row of preds (labels 0-2 = LABELS, 3 = CONFLICTING)."""
    rows = len(preds)
    cells = (np.arange(rows)[:, None] * 12 + gold[None, :] * 4 + preds).ravel()
    counts = np.bincount(cells, minlength=rows * 12).reshape(rows, 3, 4)
    total = np.zeros(rows)
    for label in range(3):
        tp = counts[:, label, label]
        fp = counts[:, :, label].sum(axis=1) - tp
        fn = counts[:, label, :].sum(axis=1) - tp
        with np.errstate(invalid="ignore", divide="ignore"):
            total += np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    return total / 3


def tune(
    outcomes: list[Outcome], grid: Grid = Grid(), objective: str = "macro_f1"
) -> tuple[VerdictParams, dict]:
    """The VerdictParams from `grid` that maximise `objective` (macro_f1 or accuracy).

    Only outcomes with a three-way gold label count; verdicts are recomputed exactly as
    verdict.decide() does. Ties keep the earlier grid point, so the result is deterministic.
    Returns the params and the objective's best value.
    """
    scored = [o for o in outcomes if o.gold in LABELS]
    if not scored:
        raise WorkbenchError(
            "No claims with a SUPPORTED / REFUTED / NOT_ENOUGH_INFO label to tune on."
        )
    gold = np.array([LABELS.index(o.gold) for o in scored])
    p_sup, p_ref, cos = _padded(scored)
    thresholds = np.asarray(grid.decide, dtype=np.float64)
    best: tuple[float, float, VerdictParams] | None = None
    for lo in grid.min_relevance:
        for hi in grid.full_relevance:
            if hi <= lo:
                continue
            weight = _weights(cos, float(lo), float(hi))
            sup = (p_sup * weight).max(axis=1)
            ref = (p_ref * weight).max(axis=1)
            strongest = np.maximum(sup, ref)
            side = np.where(sup >= ref, 0, 1)
            decided = np.where(strongest[None, :] >= thresholds[:, None], side[None, :], 2)
            for conflict in grid.conflict:
                both = (sup >= conflict) & (ref >= conflict)
                preds = np.where(both[None, :], 3, decided)
                accs = (preds == gold[None, :]).mean(axis=1)
                f1s = _macro_f1_rows(gold, preds)
                for j, threshold in enumerate(grid.decide):
                    value = (f1s[j], accs[j]) if objective == "macro_f1" else (accs[j], f1s[j])
                    if best is None or value > best[:2]:
                        params = VerdictParams(
                            float(lo), float(hi), float(threshold), float(conflict)
                        )
                        best = (float(value[0]), float(value[1]), params)
    assert best is not None
    return best[2], {objective: round(best[0], 4), "n": len(scored)}


def tuning_report(outcomes: list[Outcome], keep: VerdictParams | None = None) -> dict:
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
        thresholds_only, value = tune(dev)
    else:
        out = {"tuned_on": "dev", "objective": CALIBRATION_ONLY}
        thresholds_only, value = replace(keep, calibration=()), {}
    out["untuned_on_test"] = {
        k: v
        for k, v in summarize([o for o in outcomes if o.split == "test"]).items()
        if k in ("n", "accuracy", "macro_f1", "ece")
    }
    raw = redecide(outcomes, thresholds_only)
    best = fit_calibration([o for o in raw if o.split == "dev"], thresholds_only)
    test_raw = [o for o in raw if o.split == "test"]
    if test_raw:
        out["uncalibrated_test_ece"] = summarize(test_raw)["ece"]
    out["params"] = best.to_dict()
    out["dev_objective"] = value
    redone = redecide(outcomes, best)
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

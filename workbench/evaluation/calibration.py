"""Fitting the verdict confidence to labelled claims (Platt scaling, one map per verdict).

The raw confidence (verdict.raw_verdict) is a strength, not a probability: on Climate-FEVER a
NOT_ENOUGH_INFO said with 0.8 is right a third of the time. Per verdict, a two-parameter
logistic map of logit(confidence), fitted on the dev half by maximum likelihood of "the
verdict was right", makes it one. A Gaussian prior pulls each map towards "unchanged", and a
verdict seen fewer than MIN_CLAIMS times keeps its raw confidence, so a small labelled set
cannot produce a wild map.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.optimize import minimize

from ..pipeline.verdict import VerdictParams
from .outcomes import Outcome

MIN_CLAIMS = 10  # fewer claims with a verdict than this: its confidence stays raw
PRIOR = 1.0  # strength of the pull towards slope 1, intercept 0 (in claims' worth of evidence)
MIN_SLOPE = 0.05  # keeps the map increasing: more evidence never means less confidence


def _logit(confidence: np.ndarray) -> np.ndarray:
    c = np.clip(confidence, 1e-4, 1.0 - 1e-4)
    return np.log(c / (1.0 - c))


def fit_map(confidences: list[float], correct: list[bool]) -> tuple[float, float]:
    """(slope, intercept) of sigmoid(slope * logit(c) + intercept) that best predicts `correct`."""
    x = _logit(np.asarray(confidences, dtype=np.float64))
    y = np.asarray(correct, dtype=np.float64)

    def loss(p: np.ndarray) -> tuple[float, np.ndarray]:
        z = p[0] * x + p[1]
        # log(1 + e^z) - y z, the logistic negative log-likelihood, written stably
        nll = np.logaddexp(0.0, z) - y * z
        residual = 1.0 / (1.0 + np.exp(-z)) - y
        value = nll.sum() + PRIOR * ((p[0] - 1.0) ** 2 + p[1] ** 2)
        grad = np.array(
            [
                (residual * x).sum() + 2 * PRIOR * (p[0] - 1.0),
                residual.sum() + 2 * PRIOR * p[1],
            ]
        )
        return float(value), grad

    result = minimize(
        loss,
        np.array([1.0, 0.0]),
        jac=True,
        method="L-BFGS-B",
        bounds=[(MIN_SLOPE, 50.0), (-20, 20)],
    )
    return round(float(result.x[0]), 4), round(float(result.x[1]), 4)


def fit_calibration(outcomes: list[Outcome], params: VerdictParams) -> VerdictParams:
    """params with a confidence calibration fitted on `outcomes` decided under params.

    The outcomes' verdicts and confidences must be raw ones for these thresholds (redecide()
    with params that carry no calibration). Right = the verdict equals the gold label,
    CONFLICTING included.
    """
    by_verdict: dict[str, tuple[list[float], list[bool]]] = {}
    for o in outcomes:
        if not o.probs:  # nothing retrieved: confidence 0, nothing to map
            continue
        confidences, correct = by_verdict.setdefault(o.verdict, ([], []))
        confidences.append(o.confidence)
        correct.append(o.verdict == o.gold)
    calibration = tuple(
        (verdict, *fit_map(confidences, correct))
        for verdict, (confidences, correct) in sorted(by_verdict.items())
        if len(confidences) >= MIN_CLAIMS
    )
    return replace(params, calibration=calibration)

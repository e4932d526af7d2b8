"""Stage 7: aggregate per-sentence stance into one verdict with a confidence.

All thresholds live in VerdictParams so they can be tuned on held-out data in one place.
Evidence weight = max(p_supports, p_refutes) * relevance, where relevance is the cosine
similarity between claim and sentence mapped to [0, 1] above `min_relevance`.
The confidence can carry a per-verdict calibration fitted on labelled claims of the corpus
(evaluation/calibration.py), so that "0.6" means right six times in ten there.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from ..errors import WorkbenchError

SUPPORTED = "SUPPORTED"
REFUTED = "REFUTED"
CONFLICTING = "CONFLICTING"
NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"
VERDICTS = (SUPPORTED, REFUTED, CONFLICTING, NOT_ENOUGH_INFO)


@dataclass(frozen=True)
class VerdictParams:
    """Decision thresholds (tuned by evaluation on held-out data, not on the default corpus)."""

    min_relevance: float = 0.30  # cosine below this: the sentence is not about the claim
    full_relevance: float = 0.60  # cosine at/above this counts as fully relevant
    decide: float = 0.50  # weighted stance strength needed for SUPPORTED / REFUTED
    conflict: float = 0.70  # both sides at/above this -> CONFLICTING
    # (verdict, slope, intercept): confidence -> sigmoid(slope * logit(confidence) + intercept)
    # for that verdict; verdicts not listed keep the raw confidence.
    calibration: tuple[tuple[str, float, float], ...] = ()

    def to_dict(self) -> dict:
        values: dict = asdict(self)
        values.pop("calibration")
        if self.calibration:
            values["calibration"] = {v: [a, b] for v, a, b in self.calibration}
        return values

    def thresholds(self) -> dict[str, float]:
        """The four thresholds alone (what `index params --set` may change)."""
        return {k: v for k, v in self.to_dict().items() if k in THRESHOLDS}

    @classmethod
    def from_dict(cls, values: dict, where: str = "verdict parameters") -> VerdictParams:
        """Validated params from a dict (e.g. saved in an index); unknown keys are an error."""
        names = {f.name for f in fields(cls)}
        if not isinstance(values, dict) or set(values) - names:
            raise WorkbenchError(
                f"The {where} must be an object with keys {', '.join(sorted(names))}; "
                f"got {values!r}."
            )
        values = dict(values)
        calibration = _calibration_from(values.pop("calibration", None), where)
        try:
            params = cls(**{k: float(v) for k, v in values.items()}, calibration=calibration)
        except (TypeError, ValueError) as exc:
            raise WorkbenchError(f"The {where} hold a non-number: {values!r}.") from exc
        for name in THRESHOLDS:
            value = getattr(params, name)
            if not 0.0 <= value <= 1.01:
                raise WorkbenchError(f"The {where} set {name} to {value}; it must be in [0, 1].")
        if params.full_relevance <= params.min_relevance:
            raise WorkbenchError(
                f"The {where} set full_relevance ({params.full_relevance}) at or below "
                f"min_relevance ({params.min_relevance}); it must be higher."
            )
        return params


THRESHOLDS = ("min_relevance", "full_relevance", "decide", "conflict")
DEFAULT_PARAMS = VerdictParams()


def _calibration_from(value, where: str) -> tuple[tuple[str, float, float], ...]:
    """{verdict: [slope, intercept]} checked: known verdicts, finite numbers, slope > 0."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise WorkbenchError(
            f"The {where} hold a calibration that is not an object of "
            f"verdict: [slope, intercept]; got {value!r}."
        )
    out = []
    for verdict, pair in sorted(value.items()):
        ok = verdict in VERDICTS and isinstance(pair, (list, tuple)) and len(pair) == 2
        try:
            slope, intercept = (float(x) for x in pair) if ok else (math.nan, math.nan)
        except (TypeError, ValueError):
            slope, intercept = math.nan, math.nan
        if not (math.isfinite(slope) and math.isfinite(intercept) and slope > 0):
            raise WorkbenchError(
                f"The {where} hold a bad calibration entry {verdict!r}: {pair!r}; it must be "
                f"one of {', '.join(VERDICTS)} with [slope > 0, intercept]."
            )
        out.append((verdict, slope, intercept))
    return tuple(out)


def is_calibrated(verdict: str, params: VerdictParams = DEFAULT_PARAMS) -> bool:
    """Whether this verdict's confidence goes through a fitted calibration under params."""
    return any(name == verdict for name, _, _ in params.calibration)


def calibrate(verdict: str, confidence: float, params: VerdictParams = DEFAULT_PARAMS) -> float:
    """The confidence through the verdict's fitted calibration (unchanged when it has none)."""
    for name, slope, intercept in params.calibration:
        if name == verdict:
            c = min(max(confidence, 1e-4), 1.0 - 1e-4)
            z = slope * math.log(c / (1.0 - c)) + intercept
            return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
    return confidence


def relevance_weight(cosine: float, params: VerdictParams = DEFAULT_PARAMS) -> float:
    """Map cosine similarity to a weight in [0, 1]: 0 below min_relevance, 1 above full."""
    if cosine < params.min_relevance:
        return 0.0
    span = max(params.full_relevance - params.min_relevance, 1e-9)
    return min(1.0, 0.5 + 0.5 * (cosine - params.min_relevance) / span)


NOT_SCORED = "not scored"  # the stance of evidence that could not move the verdict (weight 0)


def stance_label(p_supports: float, p_refutes: float, p_neutral: float) -> str:
    """The most probable of supports / refutes / neutral."""
    best = max((p_supports, "supports"), (p_refutes, "refutes"), (p_neutral, "neutral"))
    return best[1]


def evidence_score(
    p_supports: float, p_refutes: float, cosine: float, params: VerdictParams = DEFAULT_PARAMS
) -> float:
    """How much a sentence matters for the verdict: stance strength times relevance."""
    return max(p_supports, p_refutes) * relevance_weight(cosine, params)


def decide(
    probs: list[tuple[float, float, float]],
    cosines: list[float],
    params: VerdictParams = DEFAULT_PARAMS,
) -> tuple[str, float]:
    """Verdict and confidence in [0, 1] from per-evidence (p_sup, p_ref, p_neu) and cosines.

    support/refute strength = the best relevance-weighted probability on each side.
    Both >= conflict -> CONFLICTING; the stronger side >= decide -> that side;
    otherwise NOT_ENOUGH_INFO (nothing relevant, or only neutral evidence), with confidence
    1 - the stronger side, and 0 when there is no evidence at all to be confident about.
    With a calibration in params, the confidence then goes through calibrate().
    """
    if not probs:  # nothing retrieved (an empty index, a date before every document)
        return NOT_ENOUGH_INFO, 0.0
    support = refute = 0.0
    for (p_sup, p_ref, _p_neu), cosine in zip(probs, cosines):
        weight = relevance_weight(cosine, params)
        support = max(support, p_sup * weight)
        refute = max(refute, p_ref * weight)
    verdict, confidence = raw_verdict(support, refute, params)
    return verdict, round(calibrate(verdict, confidence, params), 4)


def raw_verdict(support: float, refute: float, params: VerdictParams) -> tuple[str, float]:
    """Verdict and uncalibrated confidence from the two strengths (see decide())."""
    if support >= params.conflict and refute >= params.conflict:
        return CONFLICTING, min(support, refute)
    if max(support, refute) >= params.decide:
        if support >= refute:
            return SUPPORTED, support * (1.0 - 0.5 * refute)
        return REFUTED, refute * (1.0 - 0.5 * support)
    return NOT_ENOUGH_INFO, 1.0 - max(support, refute)

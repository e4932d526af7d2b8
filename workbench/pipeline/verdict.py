"""Stage 7: aggregate per-sentence stance into one verdict with a confidence.

All thresholds live in VerdictParams so they can be tuned on held-out data in one place.
Evidence weight = max(p_supports, p_refutes) * relevance, where relevance is the cosine
similarity between claim and sentence mapped to [0, 1] above `min_relevance`.
The confidence can carry a per-verdict calibration fitted on labelled claims of the corpus
(evaluation/calibration.py), so that "0.6" means right six times in ten there.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

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


# --------------------------------------------------------------------------- the verdict rule
#
# Two ways to turn scored evidence into a verdict share one path, vectorised over claims so that
# evaluation and threshold tuning call exactly what a check calls:
# * the learned aggregator (VerdictModel, shipped beside the stance model as verdict.json): a
#   multinomial logistic regression over features of the top-k evidence gives P(SUPPORTED),
#   P(REFUTED), P(NOT_ENOUGH_INFO); `decide` is the share a side needs of P(side) + P(NEI)
#   (0.5: the likelier of the two);
# * without one (another stance model), the hand-set rule: the best relevance-weighted stance on
#   each side against `decide`.
# Either way CONFLICTING means both sides' best weighted stance reach `conflict`.

FEATURES = (
    "support_best", "refute_best", "support_second", "refute_second",
    "support_top1", "refute_top1", "neutral_top1", "cosine_best", "cosine_mean3",
    "support_count", "refute_count", "support_sum", "refute_sum",
    "support_documents", "refute_documents", "evidence_count",
    "support_rank", "refute_rank", "support_logit", "refute_logit", "support_x_refute",
)  # fmt: skip


@dataclass(frozen=True)
class EvidenceArrays:
    """The scored evidence of n claims, padded to k: stance (n, k, 3), cosine (n, k; -inf
    for an empty slot) and document number (n, k; -1 for an empty slot), in retrieval order."""

    probs: np.ndarray
    cosines: np.ndarray
    documents: np.ndarray

    @classmethod
    def of(cls, claims: list[tuple[list, list, list | None]]) -> EvidenceArrays:
        """From per-claim (probs, cosines, document ids or None) lists."""
        width = max([len(p) for p, _, _ in claims] + [1])
        probs = np.zeros((len(claims), width, 3))
        cosines = np.full((len(claims), width), -np.inf)
        documents = np.full((len(claims), width), -1, dtype=np.int64)
        for i, (p, c, d) in enumerate(claims):
            if len(p):
                probs[i, : len(p)] = np.asarray(p, dtype=np.float64)
                cosines[i, : len(c)] = c
                ids = d if d is not None else range(len(p))
                numbers = {doc: n for n, doc in enumerate(dict.fromkeys(ids))}
                documents[i, : len(p)] = [numbers[doc] for doc in ids]
        return cls(probs, cosines, documents)


def relevance_weights(cosines: np.ndarray, params: VerdictParams) -> np.ndarray:
    """relevance_weight() over an array (0 below min_relevance and for empty slots)."""
    span = max(params.full_relevance - params.min_relevance, 1e-9)
    with np.errstate(invalid="ignore"):
        weight = np.minimum(1.0, 0.5 + 0.5 * (cosines - params.min_relevance) / span)
    return np.where(cosines < params.min_relevance, 0.0, weight)


def strengths(ev: EvidenceArrays, params: VerdictParams) -> tuple[np.ndarray, np.ndarray]:
    """Best relevance-weighted P(supports) and P(refutes) of each claim."""
    weight = relevance_weights(ev.cosines, params)
    return (ev.probs[..., 0] * weight).max(axis=1), (ev.probs[..., 1] * weight).max(axis=1)


def _distinct(documents: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Number of distinct documents among the masked evidence of each claim."""
    marked = np.where(mask, documents, -1)
    ordered = np.sort(marked, axis=1)
    new = np.concatenate([ordered[:, :1] >= 0, ordered[:, 1:] != ordered[:, :-1]], axis=1)
    return (new & (ordered >= 0)).sum(axis=1)


def features(ev: EvidenceArrays, params: VerdictParams) -> np.ndarray:
    """(n, len(FEATURES)) features of each claim's evidence (see FEATURES), for the aggregator.

    Only evidence at or above min_relevance counts; ranks are by retrieval order among it.
    """
    weight = relevance_weights(ev.cosines, params)
    usable = weight > 0
    sup = ev.probs[..., 0] * weight
    ref = ev.probs[..., 1] * weight
    n = len(weight)
    rows = np.arange(n)
    sup_sorted, ref_sorted = -np.sort(-sup, axis=1), -np.sort(-ref, axis=1)
    second = 1 if sup.shape[1] > 1 else 0
    cos = np.where(usable, ev.cosines, -np.inf)
    top1 = cos.argmax(axis=1)
    any_usable = usable.any(axis=1)
    cos_best = np.where(any_usable, cos.max(axis=1), 0.0)
    top3 = -np.sort(-np.where(usable, ev.cosines, 0.0), axis=1)[:, :3]
    n_usable = usable.sum(axis=1)
    agree = usable & (ev.probs[..., 0] > 0.5)
    disagree = usable & (ev.probs[..., 1] > 0.5)
    position = np.cumsum(usable, axis=1)  # rank among usable evidence, 1-based

    def first_rank(mask: np.ndarray) -> np.ndarray:
        found = mask.any(axis=1)
        return np.where(found, 1.0 / position[rows, mask.argmax(axis=1)].clip(1), 0.0)

    def logit(x: np.ndarray) -> np.ndarray:
        c = np.clip(x, 1e-3, 1 - 1e-3)
        return np.log(c / (1 - c))

    columns = [
        sup_sorted[:, 0], ref_sorted[:, 0], sup_sorted[:, second], ref_sorted[:, second],
        np.where(any_usable, ev.probs[rows, top1, 0], 0.0),
        np.where(any_usable, ev.probs[rows, top1, 1], 0.0),
        np.where(any_usable, ev.probs[rows, top1, 2], 1.0),
        cos_best, top3.sum(axis=1) / np.maximum(1, np.minimum(3, n_usable)),
        np.log1p(agree.sum(axis=1)), np.log1p(disagree.sum(axis=1)),
        sup.sum(axis=1), ref.sum(axis=1),
        np.log1p(_distinct(ev.documents, agree)), np.log1p(_distinct(ev.documents, disagree)),
        np.log1p(n_usable), first_rank(agree), first_rank(disagree),
        logit(sup_sorted[:, 0]), logit(ref_sorted[:, 0]), sup_sorted[:, 0] * ref_sorted[:, 0],
    ]  # fmt: skip
    return np.stack(columns, axis=1)


@dataclass(frozen=True)
class VerdictModel:
    """The learned aggregator: standardised features -> softmax over (SUPPORTED, REFUTED,
    NOT_ENOUGH_INFO). Fitted by training/verdict.py on end-to-end FEVER claims; kept as
    verdict.json in the stance model's folder, tied to those weights by their hash."""

    recipe: str
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (3, len(FEATURES))
    intercept: np.ndarray  # (3,)
    card: dict  # provenance and figures, for people

    CLASSES = (SUPPORTED, REFUTED, NOT_ENOUGH_INFO)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict:
        return {
            "recipe": self.recipe,
            "features": list(FEATURES),
            "classes": list(self.CLASSES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            **self.card,
        }

    @classmethod
    def from_dict(cls, values: dict, where: str) -> VerdictModel:
        try:
            if list(values["features"]) != list(FEATURES):
                raise ValueError("features")
            if list(values["classes"]) != list(cls.CLASSES):
                raise ValueError("classes")
            model = cls(
                recipe=str(values["recipe"]),
                mean=np.asarray(values["mean"], dtype=np.float64),
                scale=np.asarray(values["scale"], dtype=np.float64),
                coef=np.asarray(values["coef"], dtype=np.float64),
                intercept=np.asarray(values["intercept"], dtype=np.float64),
                card={k: v for k, v in values.items() if k not in _MODEL_KEYS},
            )
            if model.coef.shape != (3, len(FEATURES)) or model.mean.shape != (len(FEATURES),):
                raise ValueError("shape")
        except (KeyError, TypeError, ValueError) as exc:
            raise WorkbenchError(
                f"{where} is not a verdict aggregator of this version ({exc}); retrain it with "
                "`workbench train-verdict` or delete it to use the hand-set rule."
            ) from None
        return model


_MODEL_KEYS = {"recipe", "features", "classes", "mean", "scale", "coef", "intercept"}
VERDICT_FILE = "verdict.json"
WEIGHTS_FILE = "model.safetensors"


def weights_digest(stance_dir: Path) -> str | None:
    """SHA-256 of the stance model's weights, which the aggregator was fitted for."""
    weights = Path(stance_dir) / WEIGHTS_FILE
    if not weights.is_file():
        return None
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_verdict_model(stance_dir: str | Path | None) -> tuple[VerdictModel | None, str | None]:
    """The aggregator shipped beside a stance model folder, or None with the reason why not
    (no file: the hand-set rule, silently; weights changed since it was fitted: a warning)."""
    if stance_dir is None or not (Path(stance_dir) / VERDICT_FILE).is_file():
        return None, None
    path = Path(stance_dir) / VERDICT_FILE
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise WorkbenchError(
            f"{path} is not readable JSON; retrain it with `workbench train-verdict` or delete "
            "it to use the hand-set verdict rule."
        ) from None
    model = VerdictModel.from_dict(values, str(path))
    fitted_for = model.card.get("stance_weights_sha256")
    if fitted_for and fitted_for != weights_digest(Path(stance_dir)):
        return None, (
            f"{path} was fitted for other stance weights than those in {stance_dir}; using the "
            "hand-set verdict rule (run `workbench train-verdict` to fit it again)."
        )
    return model, None


@dataclass(frozen=True)
class Scores:
    """What the verdict is decided from, for n claims: the best weighted stance on each side,
    the aggregator's (n, 3) probabilities (None for the hand-set rule), and which claims have
    no evidence at all. Depends on min_relevance / full_relevance only."""

    support: np.ndarray
    refute: np.ndarray
    probabilities: np.ndarray | None
    empty: np.ndarray


def scores(ev: EvidenceArrays, params: VerdictParams, model: VerdictModel | None = None) -> Scores:
    support, refute = strengths(ev, params)
    p = model.probabilities(features(ev, params)) if model is not None else None
    return Scores(support, refute, p, ~np.isfinite(ev.cosines).any(axis=1))


def decide_scores(s: Scores, decide: float, conflict: float) -> tuple[np.ndarray, np.ndarray]:
    """Verdict codes (0 SUPPORTED, 1 REFUTED, 2 NOT_ENOUGH_INFO, 3 CONFLICTING) and raw
    confidences under the two decision thresholds: the one verdict rule."""
    if s.probabilities is not None:
        p = s.probabilities
        side = np.where(p[:, 0] >= p[:, 1], 0, 1)
        p_side = p[np.arange(len(p)), side]
        decided = p_side * (1 - decide) >= p[:, 2] * decide
        confidence = np.where(decided, p_side, p[:, 2])
    else:
        side = np.where(s.support >= s.refute, 0, 1)
        strongest = np.maximum(s.support, s.refute)
        decided = strongest >= decide
        confidence = np.where(
            decided,
            np.where(side == 0, s.support * (1 - 0.5 * s.refute), s.refute * (1 - 0.5 * s.support)),
            1.0 - strongest,
        )
    both = (s.support >= conflict) & (s.refute >= conflict)
    codes = np.where(both, 3, np.where(decided, side, 2))
    confidence = np.where(both, np.minimum(s.support, s.refute), confidence)
    return np.where(s.empty, 2, codes), np.where(s.empty, 0.0, confidence)


CODES = (SUPPORTED, REFUTED, NOT_ENOUGH_INFO, CONFLICTING)


def verdicts(
    ev: EvidenceArrays, params: VerdictParams, model: VerdictModel | None = None
) -> tuple[list[str], np.ndarray]:
    """The verdict and (uncalibrated) confidence of each claim."""
    codes, confidence = decide_scores(scores(ev, params, model), params.decide, params.conflict)
    return [CODES[c] for c in codes.tolist()], confidence


def decide(
    probs: list[tuple[float, float, float]],
    cosines: list[float],
    params: VerdictParams = DEFAULT_PARAMS,
    model: VerdictModel | None = None,
    documents: list | None = None,
) -> tuple[str, float]:
    """Verdict and confidence in [0, 1] of one claim from its scored evidence (see verdicts()):
    per-evidence (p_sup, p_ref, p_neu), cosines and, for the aggregator, document ids. With a
    calibration in params, the confidence then goes through calibrate(); with nothing retrieved
    it is NOT_ENOUGH_INFO with confidence 0."""
    if not probs:  # nothing retrieved (an empty index, a date before every document)
        return NOT_ENOUGH_INFO, 0.0
    names, confidence = verdicts(EvidenceArrays.of([(probs, cosines, documents)]), params, model)
    return names[0], round(calibrate(names[0], float(confidence[0]), params), 4)


def raw_verdict(support: float, refute: float, params: VerdictParams) -> tuple[str, float]:
    """Verdict and uncalibrated confidence of the hand-set rule from the two strengths."""
    ev = EvidenceArrays.of([([(support, 0.0, 0.0), (0.0, refute, 0.0)], [1.0, 1.0], None)])
    names, confidence = verdicts(ev, params)
    return names[0], float(confidence[0])


def explain(
    probs: list[tuple[float, float, float]],
    cosines: list[float],
    params: VerdictParams = DEFAULT_PARAMS,
    model: VerdictModel | None = None,
    documents: list | None = None,
) -> dict:
    """Why decide() gave its verdict, for people: which rule, its numbers, and the deciding
    evidence (positions in `probs`; the best relevance-weighted sentence on the verdict's side).
    """
    verdict, confidence = decide(probs, cosines, params, model, documents)
    out: dict = {
        "verdict": verdict,
        "confidence": confidence,
        "rule": f"learned aggregator {model.recipe}" if model is not None else "hand-set rule",
        "decide": params.decide,
        "conflict": params.conflict,
        "deciding": [],
    }
    if not probs:
        out["text"] = "Nothing was retrieved, so there is nothing to decide on: confidence 0."
        return out
    ev = EvidenceArrays.of([(probs, cosines, documents)])
    found = scores(ev, params, model)
    weight = relevance_weights(ev.cosines, params)[0]
    sup, ref = ev.probs[0, :, 0] * weight, ev.probs[0, :, 1] * weight
    support, refute = float(found.support[0]), float(found.refute[0])
    out["support_strength"], out["refute_strength"] = round(support, 4), round(refute, 4)
    sides = {SUPPORTED: [sup], REFUTED: [ref], CONFLICTING: [sup, ref]}.get(verdict, [])
    out["deciding"] = [int(np.argmax(side)) for side in sides if side.max() > 0]
    used = int((weight > 0).sum())
    docs = len(set(documents[i] for i in range(len(probs)) if weight[i] > 0)) if documents else 0
    where = f"{used} relevant sentence{'s' * (used != 1)}" + (
        f" in {docs} document{'s' * (docs != 1)}" if docs else ""
    )
    if verdict == CONFLICTING:
        out["text"] = (
            f"Both sides are strong: best supporting {support:.2f} and best refuting "
            f"{refute:.2f} both reach conflict = {params.conflict:.2f} ({where})."
        )
        return out
    if found.probabilities is not None:
        p = found.probabilities[0]
        out["probabilities"] = {n: round(float(v), 4) for n, v in zip(VerdictModel.CLASSES, p)}
        out["text"] = (
            f"The learned aggregator weighed {where}: P(supported) {p[0]:.2f}, P(refuted) "
            f"{p[1]:.2f}, P(not enough info) {p[2]:.2f}; best supporting sentence {support:.2f}, "
            f"best refuting {refute:.2f}."
        )
    else:
        best = max(support, refute)
        relation = "reaches" if best >= params.decide else "is below"
        out["text"] = (
            f"The strongest relevance-weighted stance ({best:.2f}, "
            f"{'supporting' if support >= refute else 'refuting'}) {relation} decide = "
            f"{params.decide:.2f} ({where})."
        )
    return out

"""Classification metrics shared by the stance and verdict evaluations (small, dependency-free)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from ..pipeline.verdict import CONFLICTING
from .datasets import ALL_LABELS, LABELS
from .outcomes import Outcome


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Share of predictions equal to the gold label (nan when there is nothing to score)."""
    if not gold:
        return float("nan")
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def confusion_matrix(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Rows are gold labels, columns predicted labels, both in `labels` order."""
    index = {name: i for i, name in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        if g in index and p in index:
            matrix[index[g]][index[p]] += 1
    return matrix


def per_class_f1(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """F1 of each label; a label never predicted nor present scores 0."""
    scores = {}
    for name in labels:
        tp = sum(g == name and p == name for g, p in zip(gold, pred, strict=True))
        fp = sum(g != name and p == name for g, p in zip(gold, pred, strict=True))
        fn = sum(g == name and p != name for g, p in zip(gold, pred, strict=True))
        scores[name] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return scores


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    """Unweighted mean of the per-label F1 over `labels`."""
    scores = per_class_f1(gold, pred, labels)
    return sum(scores.values()) / len(labels) if labels else float("nan")


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> float:
    """ECE: bin by confidence, average |accuracy - mean confidence| weighted by bin size."""
    if not confidences:
        return float("nan")
    total = len(confidences)
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if (lo < c <= hi) or (b == 0 and c == 0.0)]
        if not members:
            continue
        acc = sum(bool(correct[i]) for i in members) / len(members)
        conf = sum(confidences[i] for i in members) / len(members)
        ece += len(members) / total * abs(acc - conf)
    return ece


def auroc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Area under the ROC curve of `scores` for telling positives from negatives (the chance
    that a random positive scores above a random negative; ties count half). nan if one side
    is empty."""
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    if not pos or not neg:
        return float("nan")
    ranked = sorted((s, i) for i, s in enumerate(scores))
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[ranked[k][1]] = (i + j) / 2 + 1
        i = j + 1
    pos_rank = sum(r for r, p in zip(ranks, positive, strict=True) if p)
    return (pos_rank - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def recall_at_k(retrieved: Sequence[str], relevant: set[str], k: int) -> float | None:
    """Share of `relevant` items found among the first k retrieved (None if nothing is relevant)."""
    if not relevant:
        return None
    return len(relevant.intersection(retrieved[:k])) / len(relevant)


def report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict:
    """Accuracy, macro-F1, per-label F1 and confusion matrix in one JSON-ready dict."""
    return {
        "n": len(gold),
        "accuracy": accuracy(gold, pred),
        "macro_f1": macro_f1(gold, pred, labels),
        "f1": per_class_f1(gold, pred, labels),
        "labels": list(labels),
        "confusion_matrix": confusion_matrix(gold, pred, labels),
    }


# ----------------------------------------------------------- over evaluated claims

RECALL_KS = (5, 10)  # evidence recall is reported at these depths


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value, digits: int = 4):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, digits)
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    return value


def summarize(outcomes: list[Outcome]) -> dict:
    """All metrics of a set of outcomes as one JSON-ready dict (keys name the metrics)."""
    scored = [o for o in outcomes if o.gold in LABELS]
    gold = [o.gold for o in scored]
    pred = [o.verdict for o in scored]
    report: dict = {"n": len(outcomes), "n_scored": len(scored)}
    with_evidence = [o for o in outcomes if o.relevant]
    report["n_with_evidence"] = len(with_evidence)
    for k in RECALL_KS:
        recalls = [recall_at_k(o.retrieved, set(o.relevant), k) for o in with_evidence]
        report[f"evidence_recall_at_{k}"] = _mean([r for r in recalls if r is not None])
    report["accuracy"] = accuracy(gold, pred)
    report["macro_f1"] = macro_f1(gold, pred, LABELS)
    report["f1"] = per_class_f1(gold, pred, LABELS)
    report["ece"] = expected_calibration_error(
        [o.confidence for o in scored], [o.gold == o.verdict for o in scored]
    )
    report["mean_confidence"] = _mean([o.confidence for o in scored])
    # Does the confidence rank right verdicts above wrong ones? 0.5 = no signal.
    report["confidence_auroc"] = auroc(
        [o.confidence for o in scored], [o.gold == o.verdict for o in scored]
    )
    report["labels"] = list(ALL_LABELS)
    report["confusion_matrix"] = confusion_matrix(
        [o.gold for o in outcomes], [o.verdict for o in outcomes], ALL_LABELS
    )
    report["gold_distribution"] = dict(Counter(o.gold for o in outcomes))
    report["predicted_distribution"] = dict(Counter(o.verdict for o in outcomes))
    conflicting = [o for o in outcomes if o.gold == CONFLICTING]
    flagged = [o for o in outcomes if o.verdict == CONFLICTING]
    report["conflicting"] = {
        "n_gold": len(conflicting),
        "n_predicted": len(flagged),
        "recall": _mean([float(o.verdict == CONFLICTING) for o in conflicting]),
        "precision": _mean([float(o.gold == CONFLICTING) for o in flagged]),
        "predicted_for_gold": dict(Counter(o.verdict for o in conflicting)),
    }
    return _round(report)


def split_reports(outcomes: list[Outcome]) -> dict:
    """summarize() of the whole set at top level, with "dev" and "test" halves inside."""
    report = summarize(outcomes)
    splits = {o.split for o in outcomes} - {None}
    for name in sorted(splits):
        report[name] = summarize([o for o in outcomes if o.split == name])
    return report

"""Classification metrics shared by the stance and verdict evaluations (small, dependency-free)."""

from __future__ import annotations

from collections.abc import Sequence


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

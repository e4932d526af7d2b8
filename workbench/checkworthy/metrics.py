"""Positive-class (check-worthy) precision, recall and F1: CheckThat!'s official measure."""

from __future__ import annotations

import numpy as np


def positive_class_scores(labels: list[int], scores: np.ndarray, threshold: float) -> dict:
    gold = np.asarray(labels, dtype=bool)
    predicted = np.asarray(scores) >= threshold
    tp = int(np.sum(gold & predicted))
    fp = int(np.sum(~gold & predicted))
    fn = int(np.sum(gold & ~predicted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": round(f1, 4), "precision": round(precision, 4), "recall": round(recall, 4)}


def best_threshold(labels: list[int], scores: np.ndarray) -> float:
    """The decision threshold with the highest F1 (on the validation split only)."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = [positive_class_scores(labels, scores, float(t))["f1"] for t in grid]
    return float(grid[int(np.argmax(f1s))])

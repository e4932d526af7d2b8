"""Metric functions against hand-computed cases (workbench/evaluation/metrics.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.evaluation import metrics

LABELS = ("A", "B", "C")
# gold A A B C / predicted A B B A (worked out by hand below)
GOLD = ["A", "A", "B", "C"]
PRED = ["A", "B", "B", "A"]


def test_accuracy():
    assert metrics.accuracy(GOLD, PRED) == 0.5
    assert metrics.accuracy(["A"], ["A"]) == 1.0
    assert math.isnan(metrics.accuracy([], []))
    with pytest.raises(ValueError):
        metrics.accuracy(["A", "B"], ["A"])


def test_confusion_matrix_rows_gold_columns_predicted():
    assert metrics.confusion_matrix(GOLD, PRED, LABELS) == [
        [1, 1, 0],  # gold A: once A, once B
        [0, 1, 0],  # gold B: B
        [1, 0, 0],  # gold C: A
    ]
    # labels outside the list are left out, not miscounted
    assert metrics.confusion_matrix(["A", "X"], ["X", "A"], ["A"]) == [[0]]


def test_per_class_and_macro_f1():
    f1 = metrics.per_class_f1(GOLD, PRED, LABELS)
    # A: tp 1, fp 1 (gold C), fn 1 (pred B) -> 2/4; B: tp 1, fp 1, fn 0 -> 2/3; C: tp 0 -> 0
    assert f1 == pytest.approx({"A": 0.5, "B": 2 / 3, "C": 0.0})
    assert metrics.macro_f1(GOLD, PRED, LABELS) == pytest.approx((0.5 + 2 / 3) / 3)
    # a label neither present nor predicted scores 0 and still counts in the mean
    assert metrics.macro_f1(["A"], ["A"], ["A", "B"]) == pytest.approx(0.5)
    assert metrics.macro_f1(["A", "B"], ["A", "B"], ["A", "B"]) == 1.0


def test_expected_calibration_error():
    conf = [0.9, 0.8, 0.3, 0.25]
    correct = [True, False, True, False]
    # 10 bins: (0.8,0.9] |1-0.9|*1/4, (0.7,0.8] |0-0.8|*1/4, (0.2,0.3] |0.5-0.275|*2/4
    assert metrics.expected_calibration_error(conf, correct) == pytest.approx(
        0.1 / 4 + 0.8 / 4 + 0.225 * 2 / 4
    )
    # 2 bins: [0,0.5] |0.5-0.275|*2/4, (0.5,1] |0.5-0.85|*2/4
    assert metrics.expected_calibration_error(conf, correct, bins=2) == pytest.approx(
        0.225 / 2 + 0.35 / 2
    )
    assert metrics.expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
    assert metrics.expected_calibration_error([0.0, 0.0], [False, False]) == 0.0
    assert metrics.expected_calibration_error([0.0], [True]) == 1.0
    assert math.isnan(metrics.expected_calibration_error([], []))


def test_recall_at_k():
    retrieved = ["a", "b", "c", "d"]
    relevant = {"b", "d", "e"}
    assert metrics.recall_at_k(retrieved, relevant, 1) == 0.0
    assert metrics.recall_at_k(retrieved, relevant, 2) == pytest.approx(1 / 3)
    assert metrics.recall_at_k(retrieved, relevant, 10) == pytest.approx(2 / 3)
    assert metrics.recall_at_k(retrieved, set(), 5) is None
    # unmatched retrieved slots (None) and repeats do not inflate recall
    assert metrics.recall_at_k([None, "b", "b"], {"b", "d"}, 3) == 0.5


def test_report_bundles_everything():
    out = metrics.report(GOLD, PRED, LABELS)
    assert out["n"] == 4 and out["accuracy"] == 0.5 and out["labels"] == list(LABELS)
    assert out["confusion_matrix"][0] == [1, 1, 0]
    assert out["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 3)
    assert set(out["f1"]) == set(LABELS)


pairs = st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=1)


@settings(max_examples=50, deadline=None)
@given(pairs)
def test_metrics_agree_with_the_confusion_matrix(data):
    gold = [g for g, _ in data]
    pred = [p for _, p in data]
    matrix = metrics.confusion_matrix(gold, pred, LABELS)
    assert sum(map(sum, matrix)) == len(data)
    diagonal = sum(matrix[i][i] for i in range(len(LABELS)))
    assert metrics.accuracy(gold, pred) == pytest.approx(diagonal / len(data))
    assert 0.0 <= metrics.macro_f1(gold, pred, LABELS) <= 1.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=50))
def test_ece_is_bounded(data):
    ece = metrics.expected_calibration_error([c for c, _ in data], [ok for _, ok in data])
    assert 0.0 <= ece <= 1.0 + 1e-9

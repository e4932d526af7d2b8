"""Stage 7: verdict logic on hand-made probabilities."""

from __future__ import annotations

import pytest

from workbench.pipeline.verdict import (
    CONFLICTING,
    NOT_ENOUGH_INFO,
    REFUTED,
    SUPPORTED,
    VerdictParams,
    decide,
    evidence_score,
    relevance_weight,
    stance_label,
)

RELEVANT, IRRELEVANT = 0.7, 0.1
NEUTRAL = (0.05, 0.05, 0.9)


def test_supported():
    verdict, confidence = decide([(0.95, 0.02, 0.03), NEUTRAL], [RELEVANT, RELEVANT])
    assert verdict == SUPPORTED and 0.9 <= confidence <= 1.0


def test_refuted():
    verdict, confidence = decide([NEUTRAL, (0.01, 0.9, 0.09)], [RELEVANT, RELEVANT])
    assert verdict == REFUTED and confidence > 0.8


def test_conflicting_needs_strong_evidence_both_ways():
    verdict, confidence = decide([(0.9, 0.05, 0.05), (0.05, 0.85, 0.1)], [RELEVANT, RELEVANT])
    assert verdict == CONFLICTING and 0 < confidence <= 1
    verdict, _ = decide([(0.9, 0.05, 0.05), (0.3, 0.6, 0.1)], [RELEVANT, RELEVANT])
    assert verdict == SUPPORTED


def test_not_enough_info_when_only_neutral_or_irrelevant():
    assert decide([NEUTRAL, NEUTRAL], [RELEVANT, RELEVANT])[0] == NOT_ENOUGH_INFO
    assert decide([(0.99, 0.0, 0.01)], [IRRELEVANT])[0] == NOT_ENOUGH_INFO
    assert decide([], []) == (NOT_ENOUGH_INFO, 0.0)  # no evidence at all: no confidence


def test_weak_relevance_lowers_strength():
    params = VerdictParams(min_relevance=0.3, full_relevance=0.6)
    assert relevance_weight(0.2, params) == 0
    assert relevance_weight(0.3, params) == pytest.approx(0.5)
    assert relevance_weight(0.9, params) == 1.0
    assert evidence_score(0.9, 0.1, 0.9) > evidence_score(0.9, 0.1, 0.35) > 0


def test_thresholds_are_parameters():
    probs, cos = [(0.6, 0.1, 0.3)], [RELEVANT]
    assert decide(probs, cos)[0] == SUPPORTED
    assert decide(probs, cos, VerdictParams(decide=0.7))[0] == NOT_ENOUGH_INFO


def test_confidence_in_unit_interval():
    for probs in [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (1.0, 1.0, 0.0)]:
        _, confidence = decide([probs], [1.0])
        assert 0.0 <= confidence <= 1.0


def test_stance_label():
    assert stance_label(0.7, 0.2, 0.1) == "supports"
    assert stance_label(0.1, 0.5, 0.4) == "refutes"
    assert stance_label(0.3, 0.3, 0.4) == "neutral"


def test_params_round_trip_and_validation():
    from workbench import WorkbenchError

    params = VerdictParams(0.4, 0.7, 0.3, 0.8)
    assert VerdictParams.from_dict(params.to_dict()) == params
    assert VerdictParams.from_dict({"decide": "0.6"}) == VerdictParams(decide=0.6)
    for bad, message in (
        ({"decide": 0.5, "colour": 1}, "must be an object with keys"),
        ("decide=0.5", "must be an object with keys"),
        ({"decide": "high"}, "non-number"),
        ({"conflict": 1.5}, "must be in"),
        ({"min_relevance": 0.6, "full_relevance": 0.5}, "at or below"),
    ):
        with pytest.raises(WorkbenchError, match=message):
            VerdictParams.from_dict(bad)

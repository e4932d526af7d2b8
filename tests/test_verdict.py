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


# --------------------------------------------------------------------------- the aggregator


def _outcomes(n: int = 60):
    """Labelled outcomes whose evidence says what the label says (plus noise)."""
    import random

    from workbench.evaluation.outcomes import Outcome

    rng = random.Random(3)
    rows = []
    for i in range(n):
        gold = (SUPPORTED, REFUTED, NOT_ENOUGH_INFO)[i % 3]
        probs = []
        for _ in range(5):
            strong = rng.uniform(0.6, 0.95)
            rest = rng.uniform(0.0, 1 - strong)
            p = {
                SUPPORTED: (strong, rest, 1 - strong - rest),
                REFUTED: (rest, strong, 1 - strong - rest),
                NOT_ENOUGH_INFO: (rest / 2, rest / 2, 1 - rest),
            }[gold]
            probs.append(p)
        cosines = [rng.uniform(0.4, 0.8) for _ in probs]
        rows.append(
            Outcome(
                str(i), gold, "", 0.0, "dev", [], [], probs, cosines, [f"d{j}" for j in range(5)]
            )
        )
    return rows


def _fitted():
    from workbench.training.verdict import fit_verdict_model

    return fit_verdict_model(_outcomes())[0]


def test_aggregator_learns_the_direction_of_the_evidence():
    model = _fitted()
    assert decide([(0.9, 0.05, 0.05)] * 3, [0.7] * 3, model=model)[0] == SUPPORTED
    assert decide([(0.05, 0.9, 0.05)] * 3, [0.7] * 3, model=model)[0] == REFUTED
    assert decide([NEUTRAL] * 3, [0.7] * 3, model=model)[0] == NOT_ENOUGH_INFO
    assert decide([], [], model=model) == (NOT_ENOUGH_INFO, 0.0)
    # irrelevant evidence does not count, whatever its stance
    assert decide([(0.99, 0.0, 0.01)], [IRRELEVANT], model=model)[0] == NOT_ENOUGH_INFO
    # a higher `decide` asks more of a side before leaving NOT_ENOUGH_INFO
    weak = [(0.5, 0.1, 0.4)]
    verdicts = {decide(weak, [0.5], VerdictParams(decide=d), model=model)[0] for d in (0.1, 0.9)}
    assert verdicts == {SUPPORTED, NOT_ENOUGH_INFO}


def test_aggregator_confidence_is_a_probability():
    model = _fitted()
    _, confident = decide([(0.95, 0.02, 0.03)] * 4, [0.8] * 4, model=model)
    _, unsure = decide([(0.55, 0.3, 0.15)], [0.45], model=model)
    assert 0.0 <= unsure < confident <= 1.0


def test_aggregator_round_trip_and_bad_file(tmp_path):
    import json

    from workbench.errors import WorkbenchError
    from workbench.pipeline.verdict import VERDICT_FILE, VerdictModel, load_verdict_model

    model = _fitted()
    again = VerdictModel.from_dict(json.loads(json.dumps(model.to_dict())), "x")
    probs, cosines = [(0.7, 0.2, 0.1), NEUTRAL], [0.6, 0.5]
    assert decide(probs, cosines, model=again) == decide(probs, cosines, model=model)
    (tmp_path / VERDICT_FILE).write_text('{"recipe": "x", "features": ["a"]}')
    with pytest.raises(WorkbenchError, match="train-verdict"):
        load_verdict_model(tmp_path)
    assert load_verdict_model(tmp_path / "nowhere") == (None, None)


def test_aggregator_fitted_for_other_weights_is_not_used(tmp_path):
    import json

    from workbench.pipeline.verdict import VERDICT_FILE, VerdictModel, load_verdict_model

    model = _fitted()
    (tmp_path / "model.safetensors").write_bytes(b"weights v1")
    values = {**model.to_dict(), "stance_weights_sha256": "0" * 64}
    (tmp_path / VERDICT_FILE).write_text(json.dumps(values))
    loaded, warning = load_verdict_model(tmp_path)
    assert loaded is None and "other stance weights" in warning
    from workbench.pipeline.verdict import weights_digest

    values["stance_weights_sha256"] = weights_digest(tmp_path)
    (tmp_path / VERDICT_FILE).write_text(json.dumps(values))
    loaded, warning = load_verdict_model(tmp_path)
    assert isinstance(loaded, VerdictModel) and warning is None


def test_features_count_distinct_documents():
    from workbench.pipeline.verdict import FEATURES, EvidenceArrays, features

    probs = [(0.9, 0.05, 0.05)] * 3
    one_doc = EvidenceArrays.of([(probs, [0.7] * 3, ["a", "a", "a"])])
    three = EvidenceArrays.of([(probs, [0.7] * 3, ["a", "b", "c"])])
    col = FEATURES.index("support_documents")
    x1, x3 = features(one_doc, VerdictParams())[0], features(three, VerdictParams())[0]
    assert x1[col] < x3[col]


def test_tune_with_the_aggregator_matches_decide():
    from workbench.evaluation import thresholds

    model = _fitted()
    dev = _outcomes(45)
    grid = thresholds.Grid(
        min_relevance=(0.3,), full_relevance=(0.6,), decide=(0.3, 0.5, 0.7), conflict=(0.9, 1.01)
    )
    params, value = thresholds.tune(dev, grid, model=model)
    redone = thresholds.redecide(dev, params, model)
    from workbench.evaluation.metrics import summarize

    assert summarize(redone)["macro_f1"] == pytest.approx(value["macro_f1"], abs=1e-4)
    for o in redone[:5]:
        assert (o.verdict, o.confidence) == decide(o.probs, o.cosines, params, model, o.documents)

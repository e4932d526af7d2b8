"""The shipped stance model loads offline and judges the two reference pairs of the seed article."""

from __future__ import annotations

import pytest

from workbench.pipeline.stance import DEFAULT_STANCE_PATH, StanceModel

YEREVAN = (
    "Under the terms of the truce, not only will the local Karabakh forces commit to being "
    "completely disarmed and disbanded, but there is also a commitment for Armenian forces to "
    "withdraw from the region, despite Yerevan denying any military presence there."
)
CEASEFIRE_TIME = (
    "The ceasefire went into effect at 13:00 local time (09:00 GMT), bringing some hope for a "
    "period of relative peace and stability."
)


@pytest.fixture(scope="module")
def shipped() -> StanceModel:
    assert (DEFAULT_STANCE_PATH / "config.json").exists(), "the stance model must ship in git"
    return StanceModel()


def test_shipped_model_is_small_and_complete():
    files = {p.name for p in DEFAULT_STANCE_PATH.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "README.md"} <= files
    size = sum(p.stat().st_size for p in DEFAULT_STANCE_PATH.rglob("*") if p.is_file())
    assert size <= 50 * 1024 * 1024


def test_labels_come_from_config(shipped):
    assert shipped.order == [0, 1, 2]


def test_yerevan_sentence_supports_the_denial_claim(shipped):
    probs = shipped.predict([(YEREVAN, "Yerevan denies military presence in Karabakh")])[0]
    assert probs[0] > 0.5, probs


def test_thirteen_hundred_refutes_eighteen_hundred(shipped):
    probs = shipped.predict([(CEASEFIRE_TIME, "The ceasefire took effect at 18:00 local time.")])[0]
    assert probs[1] > 0.5, probs


def test_probabilities_sum_to_one(shipped):
    probs = shipped.predict([(YEREVAN, "Azerbaijan exports oil."), (CEASEFIRE_TIME, "x")])
    assert probs.shape == (2, 3)
    assert abs(float(probs.sum(axis=1).max()) - 1) < 1e-5


@pytest.mark.parametrize(
    "claim",
    ["Yerevan denies military presence in Karabakh", "Armenia says it has no troops in Karabakh."],
)
def test_a_negated_claim_beside_an_unrelated_sentence_is_not_refuted(shipped, claim):
    """The claim's wording alone (a negation) must not read as a contradiction."""
    probs = shipped.predict([(CEASEFIRE_TIME, claim)])[0]
    assert probs.argmax() != 1, probs


def test_the_negation_of_a_stated_fact_is_refuted(shipped):
    claim = "The ceasefire did not take effect at 13:00 local time."
    probs = shipped.predict([(CEASEFIRE_TIME, claim)])[0]
    assert probs[1] > 0.5, probs


def test_the_card_records_the_calibration_and_the_probes():
    card = (DEFAULT_STANCE_PATH / "README.md").read_text(encoding="utf-8")
    assert "Temperature" in card and "Negation probe" in card and "Contrast set" in card

"""Stage 6: stance model loading, label mapping and probabilities (tiny test CrossEncoder)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench import WorkbenchError
from workbench.pipeline.stance import StanceModel, label_order, map_label, softmax

from .conftest import make_tiny_cross_encoder


@pytest.mark.parametrize(
    "name, expected",
    [
        ("ENTAILMENT", "supports"),
        ("Supports", "supports"),
        ("entail", "supports"),
        ("contradiction", "refutes"),
        ("REFUTES", "refutes"),
        ("contradict", "refutes"),
        ("neutral", "neutral"),
        ("NOT ENOUGH INFO", "neutral"),
        ("nei", "neutral"),
        ("not_enough_info", "neutral"),
        ("LABEL_0", None),
        ("positive", None),
    ],
)
def test_map_label(name, expected):
    assert map_label(name) == expected


def test_label_order():
    assert label_order({0: "contradiction", 1: "entailment", 2: "neutral"}) == [1, 0, 2]
    assert label_order({0: "supports", 1: "refutes", 2: "neutral"}) == [0, 1, 2]
    for bad in (
        {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"},
        {0: "entailment", 1: "not_entailment"},
        {0: "entailment", 1: "entailment", 2: "neutral"},
        {},
    ):
        with pytest.raises(WorkbenchError, match="cannot be mapped"):
            label_order(bad)


def test_tiny_model_probabilities_follow_the_config_order(tiny_stance):
    import torch

    model = StanceModel(str(tiny_stance))
    assert next(model.model.parameters()).dtype == torch.float32  # fp16 weights cast on load
    pairs = [
        ("Yerevan denies any military presence.", "Armenia has troops there."),
        ("Cats sleep.", "Dogs bark loudly at night."),
    ]
    probs = model.predict(pairs)
    assert probs.shape == (2, 3) and probs.dtype == np.float32
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    raw = model.model.predict(pairs, activation_fn=torch.nn.Identity(), convert_to_numpy=True)
    expected = softmax(np.asarray(raw, dtype=np.float64))
    # config: 0 CONTRADICTION, 1 NEUTRAL, 2 ENTAILMENT -> supports=2, refutes=0, neutral=1
    assert np.allclose(probs, expected[:, [2, 0, 1]], atol=1e-5)
    assert model.predict([]).shape == (0, 3)


def test_two_label_model_is_refused(tmp_path):
    folder = make_tiny_cross_encoder(tmp_path / "two", {0: "entailment", 1: "not_entailment"})
    with pytest.raises(WorkbenchError, match="cannot be mapped"):
        StanceModel(str(folder))


def test_unmappable_labels_are_refused(tmp_path):
    folder = make_tiny_cross_encoder(tmp_path / "gen", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    with pytest.raises(WorkbenchError, match="id2label"):
        StanceModel(str(folder))


def test_missing_default_model_message(monkeypatch, tmp_path):
    import workbench.pipeline.stance as stance

    monkeypatch.setattr(stance, "DEFAULT_STANCE_PATH", tmp_path / "nothing")
    with pytest.raises(WorkbenchError) as info:
        stance.StanceModel()
    message = str(info.value)
    assert message.startswith("No stance model is installed") and "--stance-model" in message


def test_unloadable_path_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{not json")
    with pytest.raises(WorkbenchError, match="Could not load stance model"):
        StanceModel(str(tmp_path / "broken"))


def test_length_sorted_batches_keep_the_input_order(tiny_stance):
    """predict() batches pairs by length; each row must still belong to its own pair."""
    model = StanceModel(str(tiny_stance))
    pairs = [
        (f"Sentence {i} " + "word " * ((i * 7) % 23), f"Claim {i} " + "x " * (i % 5))
        for i in range(40)
    ]
    together = model.predict(pairs, batch_size=8)
    one_by_one = np.vstack([model.predict([pair]) for pair in pairs])
    assert np.allclose(together, one_by_one, atol=1e-4)

"""Stage 3: the real bundled model gives normalised 384-d float32 vectors."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.pipeline.embed import (
    DEFAULT_MODEL,
    Embedder,
    canonical_model_name,
    default_model_path,
)


def test_shape_dtype_and_normalisation(embedder):
    vectors = embedder.encode(["The ceasefire began at 13:00.", "Cats sleep a lot.", "x"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode([]).shape == (0, 384)


def test_similar_sentences_are_closer(embedder):
    a, b, c = embedder.encode(
        [
            "Armenia denies having troops in Karabakh.",
            "Yerevan says it has no military presence in Karabakh.",
            "The recipe needs two eggs and flour.",
        ]
    )
    assert a @ b > a @ c + 0.2


def test_canonical_names():
    assert canonical_model_name(None) == DEFAULT_MODEL
    assert canonical_model_name("all-MiniLM-L6-v2") == DEFAULT_MODEL
    assert canonical_model_name(default_model_path()) == DEFAULT_MODEL
    assert canonical_model_name("someone/other-model") == "someone/other-model"


def test_local_folder_model(embedder, tmp_path):
    """Any sentence-transformers folder works through --model (here: a saved copy)."""
    embedder.model.save(str(tmp_path / "copy"))
    other = Embedder(str(tmp_path / "copy"))
    assert other.name == str((tmp_path / "copy").resolve())
    assert np.allclose(other.encode(["hello"]), embedder.encode(["hello"]), atol=1e-5)


def test_unavailable_hub_model_is_one_clear_sentence(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(WorkbenchError) as info:
        _ = Embedder("no-such-org/no-such-model-xyz").model
    message = str(info.value)
    assert "no-such-org/no-such-model-xyz" in message and "--model" in message
    assert "\n" not in message


def test_length_sorted_batches_keep_the_input_order(embedder):
    """encode() batches texts by length; each row must still be its own text's vector."""
    texts = [f"Sentence {i} about " + "rivers and lakes " * ((i * 5) % 11) for i in range(70)]
    together = embedder.encode(texts)
    alone = np.vstack([embedder.encode([text]) for text in texts[::7]])
    assert np.allclose(together[::7], alone, atol=1e-4)

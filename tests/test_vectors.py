"""Vector index backends: build, search, remove, atomic save/load, size-based choice."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.storage import vectors
from workbench.storage.vectors.ivf import ivf_params


def unit(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize(
    "kind, params",
    [
        ("flat", {}),
        ("ivf", {"nlist": 16, "nprobe": 16}),
        ("ivf", {"nlist": 16, "nprobe": 16, "quantizer": "sq8"}),
        ("hnsw", {}),
    ],
)
def test_backend_roundtrip(kind, params, tmp_path):
    x = unit(2000)
    ids = np.arange(100, 2100)
    ann = vectors.create(kind, 32, params).build(ids, x)
    assert ann.count() == 2000
    scores, found = ann.search(x[:5], 3)
    assert list(found[:, 0]) == list(ids[:5])
    assert scores[0, 0] == pytest.approx(1.0, abs=0.02)
    path = tmp_path / "v.faiss"
    ann.save(path)
    assert not list(tmp_path.glob("*.tmp"))
    again = vectors.load(path, kind, 32, ann.params)
    assert list(again.search(x[:5], 1)[1][:, 0]) == list(ids[:5])
    if kind == "hnsw":
        with pytest.raises(NotImplementedError):
            ann.remove(np.array([100]))
    else:
        ann.remove(np.array([100]))
        assert ann.count() == 1999
        assert ann.search(x[:1], 1)[1][0, 0] != 100


def test_empty_search():
    ann = vectors.create("flat", 8)
    ann.index = ann.make(0)
    scores, ids = ann.search(unit(2, 8), 5)
    assert ids.shape == (2, 5) and (ids == -1).all()


def test_choose_by_size():
    assert vectors.choose(10)[0] == "flat"
    assert vectors.choose(vectors.CROSSOVER - 1)[0] == "flat"
    kind, params = vectors.choose(vectors.CROSSOVER)
    assert kind == "ivf" and params["quantizer"] == "flat"
    assert vectors.choose(2_000_000)[1]["quantizer"] == "sq8"


def test_ivf_params():
    params = ivf_params(1_000_000)
    assert params["nlist"] == 4000 and 8 <= params["nprobe"] <= params["nlist"]

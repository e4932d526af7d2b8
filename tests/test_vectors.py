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


def test_pq_for_tens_of_millions():
    from workbench.storage.vectors import factory
    from workbench.storage.vectors.ivf import pq_subquantizers

    assert vectors.choose(factory.PQ_ABOVE - 1)[1]["quantizer"] == "sq8"
    kind, params = vectors.choose(100_000_000)
    assert kind == "ivf" and params["quantizer"] == "pq" and params["rerank"] > 1
    assert params["nlist"] == 40_000 and 16 <= params["nprobe"] < params["nlist"]
    assert pq_subquantizers(384) == 48 and pq_subquantizers(768) == 96
    assert 100 % pq_subquantizers(100) == 0


def test_pq_roundtrip(tmp_path):
    x = unit(12_000, dim=32, seed=1)
    ids = np.arange(12_000)
    ann = vectors.create("ivf", 32, {"nlist": 16, "nprobe": 16, "quantizer": "pq"}).build(ids, x)
    assert ann.params["pq_m"] == 4 and ann.count() == 12_000
    path = tmp_path / "v.faiss"
    ann.save(path)
    again = vectors.load(path, "ivf", 32, ann.params)
    # codes are approximate: the true neighbour is among the candidates the store re-ranks
    _, found = again.search(x[:20], 10 * ann.params.get("rerank", 10))
    assert all(i in row for i, row in zip(ids[:20], found))
    again.remove(np.array([0]))
    assert again.count() == 11_999


def test_store_reranks_pq_candidates_exactly(tmp_path, embedder, monkeypatch):
    """With IVF-PQ chosen, dense search returns exact inner products from SQLite's vectors."""
    from workbench import Workbench
    from workbench.storage.vectors import factory

    monkeypatch.setattr(factory, "CROSSOVER", 100)
    monkeypatch.setattr(factory, "PQ_ABOVE", 100)
    topics = ["rivers", "elections", "vaccines", "glaciers", "railways", "tariffs"]
    records = [
        {
            "id": f"d{i}",
            "title": f"Note {i}",
            "text": " ".join(
                f"Sentence {j} of note {i} is about {topics[(i + j) % 6]} in year {1900 + i}."
                for j in range(6)
            ),
        }
        for i in range(50)
    ]
    with Workbench.open(tmp_path / "ix") as wb:
        wb.add_records(records)
        ann = wb.store.ann
        assert ann.params["quantizer"] == "pq" and wb.store.count_sentences() == 300
        query = embedder.encode(["Glaciers in the year 1920"])[0]
        got = wb.store.search_vectors(query, 10)
        stored = wb.store.embeddings(range(1, 301))
    exact = sorted(((i, float(v @ query)) for i, v in stored.items()), key=lambda p: -p[1])
    assert [i for i, _ in got] == [i for i, _ in exact[:10]]
    assert [s for _, s in got] == pytest.approx([s for _, s in exact[:10]], abs=1e-6)

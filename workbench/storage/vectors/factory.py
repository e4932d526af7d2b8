"""Chooses and creates the vector index backend from the corpus size.

CROSSOVER is where an IVF index starts to pay off over exact search, measured with
benchmarks/ann_crossover.py (docs/reference.md, "Vector index": IVF >= 2x faster at
recall@10 >= 0.95 and exact search >= 5 ms per query first held at 50,000 sentences). SQ8
compression is used above SQ8_ABOVE vectors to keep memory reasonable at a million sentences,
product quantisation with exact re-ranking above PQ_ABOVE (tens of millions: 56 bytes per vector
in RAM instead of 392, 5.6 GB instead of 39 GB at 100M; recall measured by
benchmarks/ann_compressed.py).
"""

from __future__ import annotations

import os

from .base import ANN
from .flat import Flat
from .hnsw import HNSW
from .ivf import IVF, ivf_params

CROSSOVER = 50_000
SQ8_ABOVE = 500_000
PQ_ABOVE = 5_000_000  # SQ8 would hold 2 GB of codes here, and 39 GB at 100M
BACKENDS: dict[str, type[ANN]] = {"flat": Flat, "ivf": IVF, "hnsw": HNSW}


def choose(n: int) -> tuple[str, dict]:
    """Backend kind and parameters for n vectors: exact below CROSSOVER, IVF above."""
    if n < CROSSOVER:
        return "flat", {}
    if n >= PQ_ABOVE:
        return "ivf", ivf_params(n, "pq")
    return "ivf", ivf_params(n, "sq8" if n >= SQ8_ABOVE else "flat")


def create(kind: str, dimension: int, params: dict | None = None) -> ANN:
    """An empty backend object of the given kind (call .build or .load on it)."""
    try:
        return BACKENDS[kind](dimension, params)
    except KeyError:
        raise ValueError(f"unknown vector index type {kind!r}") from None


def load(path: str | os.PathLike, kind: str, dimension: int, params: dict | None = None) -> ANN:
    """Read a saved index of the given kind."""
    return create(kind, dimension, params).load(path)

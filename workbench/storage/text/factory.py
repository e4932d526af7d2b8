"""Chooses the BM25 engine from the corpus size, like storage/vectors/factory.py for FAISS.

CROSSOVER: FTS5 below it (nothing to build or keep in step), bm25s from it on, where FTS5's
scoring of every matching sentence starts to cost more than the rest of a search. Measured with
benchmarks/bm25_crossover.py (docs/performance.md).
"""

from __future__ import annotations

from .base import TextIndex
from .bm25 import BM25S
from .fts5 import FTS5

CROSSOVER = 50_000
ENGINES: dict[str, type[TextIndex]] = {"fts5": FTS5, "bm25s": BM25S}


def choose(n: int) -> str:
    """The engine for n sentences: fts5 below CROSSOVER, bm25s above."""
    return "fts5" if n < CROSSOVER else "bm25s"


def create(kind: str, params: dict | None = None) -> TextIndex:
    try:
        return ENGINES[kind](params)
    except KeyError:
        raise ValueError(f"unknown text index type {kind!r}") from None

"""Exact search: brute-force inner product. Best below the measured crossover size."""

from __future__ import annotations

import faiss

from .base import ANN


class Flat(ANN):
    kind = "flat"

    def make(self, n: int):
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))

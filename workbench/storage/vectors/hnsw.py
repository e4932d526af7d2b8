"""HNSW graph: fast, no training, but no removals (the store rebuilds it after a removal)."""

from __future__ import annotations

import faiss
import numpy as np

from .base import ANN


class HNSW(ANN):
    kind = "hnsw"

    def make(self, n: int):
        self.params.setdefault("m", 32)
        self.params.setdefault("ef_construction", 80)
        self.params.setdefault("ef_search", 64)
        inner = faiss.IndexHNSWFlat(
            self.dimension, int(self.params["m"]), faiss.METRIC_INNER_PRODUCT
        )
        inner.hnsw.efConstruction = int(self.params["ef_construction"])
        self.index = faiss.IndexIDMap2(inner)
        self.configure()
        return self.index

    def remove(self, ids: np.ndarray) -> None:
        if len(ids):
            raise NotImplementedError("HNSW cannot remove vectors; rebuild instead")

    def configure(self) -> None:
        if self.index is not None:
            inner = faiss.downcast_index(self.index.index)
            inner.hnsw.efSearch = int(self.params.get("ef_search", 64))

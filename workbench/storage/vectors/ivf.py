"""Inverted file index: k-means cells, search visits nprobe of them. For large corpora.

nlist ~ 4*sqrt(n) cells, nprobe derived from nlist. With quantizer="sq8" vectors are stored as
8-bit scalars (4x less memory), which matters around a million sentences.
"""

from __future__ import annotations

import math

import faiss
import numpy as np

from .base import ANN


def ivf_params(n: int, quantizer: str = "flat") -> dict:
    """Cell count and probes for n vectors: nlist = 4*sqrt(n), nprobe = nlist/16 (>= 8)."""
    nlist = max(16, int(4 * math.sqrt(max(n, 1))))
    nprobe = min(nlist, max(8, nlist // 16))
    return {"nlist": nlist, "nprobe": nprobe, "quantizer": quantizer}


class IVF(ANN):
    kind = "ivf"

    def make(self, n: int):
        if "nlist" not in self.params:
            self.params.update(ivf_params(n, self.params.get("quantizer", "flat")))
        coarse = faiss.IndexFlatIP(self.dimension)
        if self.params.get("quantizer") == "sq8":
            index = faiss.IndexIVFScalarQuantizer(
                coarse,
                self.dimension,
                self.params["nlist"],
                faiss.ScalarQuantizer.QT_8bit,
                faiss.METRIC_INNER_PRODUCT,
            )
        else:
            index = faiss.IndexIVFFlat(
                coarse, self.dimension, self.params["nlist"], faiss.METRIC_INNER_PRODUCT
            )
        index.own_fields = True
        coarse.this.disown()
        self.index = index
        self.configure()
        return index

    def train(self, vectors: np.ndarray) -> None:
        # k-means needs ~40 points per cell (FAISS warns below 39); 64 per cell is plenty.
        limit = 64 * self.params["nlist"]
        if len(vectors) > limit:
            rng = np.random.default_rng(0)
            vectors = vectors[rng.choice(len(vectors), limit, replace=False)]
        self.index.train(np.ascontiguousarray(vectors, dtype=np.float32))

    def configure(self) -> None:
        if self.index is not None and "nprobe" in self.params:
            faiss.extract_index_ivf(self.index).nprobe = int(self.params["nprobe"])

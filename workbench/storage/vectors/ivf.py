"""Inverted file index: k-means cells, search visits nprobe of them. For large corpora.

nlist ~ 4*sqrt(n) cells, nprobe derived from nlist. With quantizer="sq8" vectors are stored as
8-bit scalars (4x less memory), which matters around a million sentences. With quantizer="pq"
(tens of millions) each vector is a product-quantisation code of one byte per 8 dimensions (48
bytes for 384-d, 32x less than float32); the codes only approximate the inner product, so a
search fetches `rerank` x k candidates and the store re-scores them with the exact float32
embeddings it keeps in SQLite anyway (docs/reference.md, "Vector index": recall@10 on real
embeddings).
"""

from __future__ import annotations

import math

import faiss
import numpy as np

from .base import ANN

PQ_DIMS_PER_BYTE = 8  # one 8-bit sub-quantiser code per 8 dimensions: 48 bytes at 384-d
PQ_PROBE_FRACTION = 32  # nprobe = nlist / 32 for PQ: n is huge, each probe scans many codes
PQ_RERANK = 10  # candidates fetched per wanted hit, re-scored exactly


def ivf_params(n: int, quantizer: str = "flat") -> dict:
    """Cell count and probes for n vectors: nlist = 4*sqrt(n), nprobe = nlist/16 (>= 8).

    For PQ (tens of millions of vectors) nprobe = nlist/32 (>= 16) scans about 3 % of the codes
    per query (~80 ms at 100M on one core, 25 ns a code), and `rerank` asks for PQ_RERANK x k
    candidates to re-score (recall@10 0.95 on real embeddings at that share, docs/reference.md).
    """
    nlist = max(16, int(4 * math.sqrt(max(n, 1))))
    if quantizer == "pq":
        nprobe = min(nlist, max(16, nlist // PQ_PROBE_FRACTION))
        return {"nlist": nlist, "nprobe": nprobe, "quantizer": quantizer, "rerank": PQ_RERANK}
    nprobe = min(nlist, max(8, nlist // 16))
    return {"nlist": nlist, "nprobe": nprobe, "quantizer": quantizer}


def pq_subquantizers(dimension: int) -> int:
    """Codes per vector: one per PQ_DIMS_PER_BYTE dimensions (a divisor of the dimension)."""
    m = max(1, dimension // PQ_DIMS_PER_BYTE)
    while dimension % m:
        m -= 1
    return m


class IVF(ANN):
    kind = "ivf"

    def make(self, n: int):
        if "nlist" not in self.params:
            self.params.update(ivf_params(n, self.params.get("quantizer", "flat")))
        coarse = faiss.IndexFlatIP(self.dimension)
        if self.params.get("quantizer") == "pq":
            self.params.setdefault("pq_m", pq_subquantizers(self.dimension))
            index = faiss.IndexIVFPQ(
                coarse,
                self.dimension,
                self.params["nlist"],
                int(self.params["pq_m"]),
                8,
                faiss.METRIC_INNER_PRODUCT,
            )
        elif self.params.get("quantizer") == "sq8":
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

    def training_sample(self) -> int:
        # k-means needs ~40 points per cell (FAISS warns below 39); 64 per cell is plenty.
        # PQ's 256-centroid codebooks want as many per code: at least 256 * 64 vectors.
        limit = 64 * self.params["nlist"]
        if self.params.get("quantizer") == "pq":
            limit = max(limit, 256 * 64)
        return limit

    def train(self, vectors: np.ndarray) -> None:
        limit = self.training_sample()
        if len(vectors) > limit:
            rng = np.random.default_rng(0)
            vectors = vectors[rng.choice(len(vectors), limit, replace=False)]
        self.index.train(np.ascontiguousarray(vectors, dtype=np.float32))

    def configure(self) -> None:
        if self.index is not None and "nprobe" in self.params:
            faiss.extract_index_ivf(self.index).nprobe = int(self.params["nprobe"])

"""Base class for vector indexes keyed by sentence id (inner product on normalised vectors)."""

from __future__ import annotations

import os

import faiss
import numpy as np

from ..files import atomic_path


class ANN:
    """A FAISS index holding (id, vector) pairs; subclasses only say how the index is made.

    `dimension` and count() are what callers need to know about it (the loaded file's own
    dimension after load()); `index` is the FAISS object, for the backends only.
    """

    kind = "base"

    def __init__(self, dimension: int, params: dict | None = None, index=None):
        self.dimension = int(index.d) if index is not None else dimension
        self.params = dict(params or {})
        self.index = index

    # -- construction -------------------------------------------------------------------
    def make(self, n: int):
        """Return an empty FAISS index ready to accept add_with_ids (subclasses override)."""
        raise NotImplementedError

    def training_sample(self) -> int:
        """How many sample vectors train() uses (0: this backend needs no training)."""
        return 0

    def train(self, vectors: np.ndarray) -> None:
        """Train the index on sample vectors when the backend needs it."""
        if not self.index.is_trained:
            self.index.train(vectors)

    def build(self, ids: np.ndarray, vectors: np.ndarray) -> ANN:
        """Create, train and fill the index in one go (an empty index when there are no ids)."""
        self.index = self.make(len(ids))
        if len(ids):
            self.train(vectors)
            self.add(ids, vectors)
        return self

    # -- updates ------------------------------------------------------------------------
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )

    def remove(self, ids: np.ndarray) -> None:
        """Remove ids; backends that cannot remove raise NotImplementedError (caller rebuilds)."""
        if len(ids):
            self.index.remove_ids(np.asarray(ids, dtype=np.int64))

    # -- queries ------------------------------------------------------------------------
    def count(self) -> int:
        """How many vectors the index holds."""
        return 0 if self.index is None else int(self.index.ntotal)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query; missing slots have id -1."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if self.count() == 0 or k <= 0:
            shape = (len(queries), max(k, 0))
            return np.zeros(shape, dtype=np.float32), -np.ones(shape, dtype=np.int64)
        return self.index.search(queries, min(k, self.count()))

    # -- persistence --------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Write atomically (temp file, fsync, os.replace): a kill never leaves half a file."""
        with atomic_path(path) as tmp:
            faiss.write_index(self.index, str(tmp))

    def load(self, path: str | os.PathLike) -> ANN:
        self.index = faiss.read_index(str(path))
        self.dimension = int(self.index.d)
        self.configure()
        return self

    def configure(self) -> None:
        """Apply search-time parameters after make/load (e.g. nprobe)."""

    def describe(self) -> dict:
        return {"type": self.kind, **self.params}

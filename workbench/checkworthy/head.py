"""The check-worthiness head: a logistic regression over TF-IDF + frozen MiniLM features
(recipe: recipe.py).

A model is a folder, complete and self-describing (sentence-transformers style):
    config.json  what it is: format, encoder, feature settings, decision threshold, training data
    head.npz     the fitted arrays: TF-IDF vocabulary and idf, head weights and bias
    README.md    the model card: how it was trained and every figure it was measured at
The encoder itself is not copied: the head names the bundled MiniLM it was fitted on, and
loading refuses a folder fitted on another encoder, since its weights would mean nothing there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..pipeline.embed import Embedder, canonical_model_name
from .base import CheckworthyModel
from .errors import CheckworthyModelError
from .features import combine, tfidf_from_arrays

FORMAT = "workbench-checkworthy-head/1"


@dataclass
class HeadWeights:
    """What training produces: TF-IDF arrays, weights over [TF-IDF, embedding], bias."""

    tfidf_terms: np.ndarray
    tfidf_idf: np.ndarray
    weights: np.ndarray
    bias: float


class HeadModel(CheckworthyModel):
    """Scores sentences 0-1 from TF-IDF and the bundled encoder's embedding."""

    def __init__(self, config: dict, head: HeadWeights, embedder: Embedder | None = None):
        super().__init__(config)
        self.head = head
        self.embedding_weight = float(config["embedding_weight"])
        self.embedder = embedder or Embedder(config["encoder"])
        self._tfidf = tfidf_from_arrays(head.tfidf_terms, head.tfidf_idf)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)

    def score(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Check-worthiness per text, 0-1 (>= threshold: worth checking). Embeddings may be
        given when the caller already has them (evaluation embeds each set once)."""
        if not texts:
            return np.zeros(0, dtype=np.float64)
        if embeddings is None:
            embeddings = self.embed(texts)
        features = combine(self._tfidf.transform(texts), embeddings, self.embedding_weight)
        logits = features @ self.head.weights + self.head.bias
        return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))

    def save(self, folder: str | os.PathLike, card: str) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / "head.npz",
            tfidf_terms=self.head.tfidf_terms,
            tfidf_idf=self.head.tfidf_idf.astype(np.float32),
            weights=self.head.weights.astype(np.float32),
            bias=np.array([self.head.bias], dtype=np.float32),
        )
        self._write_folder(folder, card, "head.npz")
        return folder


def read(folder: Path, config: dict) -> HeadModel:
    head_path = folder / "head.npz"
    if not head_path.is_file():
        raise CheckworthyModelError(
            f"{folder} has no head.npz; restore the folder or retrain it with "
            "`workbench train-checkworthy`."
        )
    try:
        with np.load(head_path, allow_pickle=False) as arrays:
            head = HeadWeights(
                arrays["tfidf_terms"],
                arrays["tfidf_idf"].astype(np.float64),
                arrays["weights"].astype(np.float64),
                float(arrays["bias"][0]),
            )
    except (OSError, ValueError, KeyError) as exc:
        raise CheckworthyModelError(
            f"The check-worthiness model in {folder} cannot be read ({exc}); restore the folder."
        ) from exc
    expected = len(head.tfidf_terms) + int(config["embedding_dimension"])
    if head.weights.shape != (expected,):
        raise CheckworthyModelError(
            f"The head in {folder} has {head.weights.shape[0]} weights but its features have "
            f"{expected}; the folder is damaged, restore it."
        )
    if canonical_model_name(config["encoder"]) != canonical_model_name(None):
        raise CheckworthyModelError(
            f"The check-worthiness head in {folder} was fitted on {config['encoder']}, not the "
            "bundled MiniLM encoder; retrain it on the bundled encoder."
        )
    return HeadModel(config, head)

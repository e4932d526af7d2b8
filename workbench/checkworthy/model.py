"""The check-worthiness model: a logistic-regression head over TF-IDF + frozen MiniLM features.

A model is a folder, complete and self-describing (sentence-transformers style):
    config.json  what it is: format, encoder, feature settings, decision threshold, training data
    head.npz     the fitted arrays: TF-IDF vocabulary and idf, head weights and bias
    README.md    the model card: how it was trained and every figure it was measured at
The encoder itself is not copied: the head names the bundled MiniLM it was fitted on, and
loading refuses a folder fitted on another encoder, since its weights would mean nothing there.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..pipeline.embed import Embedder, canonical_model_name
from .errors import CheckworthyModelError
from .features import combine, tfidf_from_arrays

FORMAT = "workbench-checkworthy-head/1"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "checkworthy"
_LOADED: dict[str, CheckworthyModel] = {}
_LOAD_LOCK = threading.Lock()


@dataclass
class HeadWeights:
    """What training produces: TF-IDF arrays, weights over [TF-IDF, embedding], bias."""

    tfidf_terms: np.ndarray
    tfidf_idf: np.ndarray
    weights: np.ndarray
    bias: float


class CheckworthyModel:
    """Scores sentences 0-1 for "states a checkable fact that matters"."""

    def __init__(self, config: dict, head: HeadWeights, embedder: Embedder | None = None):
        self.config = config
        self.head = head
        self.threshold = float(config["threshold"])
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
        (folder / "config.json").write_text(json.dumps(self.config, indent=2) + "\n")
        (folder / "README.md").write_text(card)
        return folder


def load_model(
    folder: str | os.PathLike | None = None, embedder: Embedder | None = None
) -> CheckworthyModel:
    """The model in folder (default: the one shipped in the package), loaded once per process.
    An `embedder` running the head's encoder (an index's own) is shared, not loaded twice."""
    folder = Path(folder) if folder is not None else DEFAULT_MODEL_DIR
    key = str(folder.resolve())
    with _LOAD_LOCK:
        if key not in _LOADED:
            _LOADED[key] = _read(folder)
        model = _LOADED[key]
        if embedder is not None and embedder.name == model.embedder.name:
            model.embedder = embedder
        return model


def _read(folder: Path) -> CheckworthyModel:
    config_path, head_path = folder / "config.json", folder / "head.npz"
    if not config_path.is_file() or not head_path.is_file():
        raise CheckworthyModelError(
            f"{folder} is not a check-worthiness model folder (it needs config.json and "
            "head.npz); give a folder written by the check-worthiness training recipe."
        )
    try:
        config = json.loads(config_path.read_text())
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
    if config.get("format") != FORMAT:
        raise CheckworthyModelError(
            f"{folder} holds a model of format {config.get('format')!r}, not {FORMAT!r}; "
            "give a folder written by this version of the workbench."
        )
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
    return CheckworthyModel(config, head)

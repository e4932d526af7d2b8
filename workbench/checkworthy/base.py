"""The base class of check-worthiness models: what every kind of model offers its callers."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class CheckworthyModel:
    """Scores sentences 0-1 for "states a checkable fact that matters"."""

    embedder = None  # the bundled encoder when the model reads its embeddings

    def __init__(self, config: dict):
        self.config = config
        self.threshold = float(config["threshold"])

    def score(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Check-worthiness per text, 0-1 (>= threshold: worth checking)."""
        raise NotImplementedError

    def save(self, folder: str | os.PathLike, card: str) -> Path:
        raise NotImplementedError

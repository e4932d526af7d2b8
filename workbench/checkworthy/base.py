"""The base class of check-worthiness models: what every kind of model offers its callers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

# Each kind of model keeps its weights in one file; a folder rewritten as another kind loses the
# old kind's file, so no folder holds weights that its config.json does not describe.
WEIGHT_FILES = ("head.npz", "layers.safetensors")


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

    def _write_folder(self, folder: Path, card: str, weights_file: str) -> None:
        """config.json and the card beside weights_file (already written); other kinds' go."""
        (folder / "config.json").write_text(json.dumps(self.config, indent=2) + "\n")
        (folder / "README.md").write_text(card)
        for stale in set(WEIGHT_FILES) - {weights_file}:
            (folder / stale).unlink(missing_ok=True)

"""Base class: run one batch of a loaded sentence-transformers model.

Tokenisation is always the model's own (features()), so every backend sees the same token ids
and only the forward pass differs.
"""

from __future__ import annotations

import numpy as np


def features(model, batch: list) -> dict:
    """The model's own tokenisation of a batch (texts, or (premise, hypothesis) pairs)."""
    preprocess = getattr(model, "preprocess", None)
    if preprocess is not None:  # sentence-transformers >= 6 (both model kinds)
        return preprocess(batch)
    if isinstance(batch[0], (tuple, list)):  # older CrossEncoder
        first, second = zip(*batch)
        return model.tokenizer(
            list(first),
            list(second),
            padding=True,
            truncation="longest_first",
            max_length=model.max_length,
            return_tensors="pt",
        )
    return model.tokenize(batch)


class Backend:
    """Runs a loaded SentenceTransformer (embed) or CrossEncoder (scores) on one batch.

    kind is "embed" (normalised sentence embeddings) or "scores" (raw classifier logits).
    """

    name = "base"

    def __init__(self, model, kind: str):
        if kind not in ("embed", "scores"):
            raise ValueError(f"unknown model kind {kind!r}")
        self.model = model
        self.kind = kind

    @property
    def output(self) -> str:
        """The sentence-transformers output that this kind of model returns."""
        return "sentence_embedding" if self.kind == "embed" else "scores"

    def run(self, items: list, batch_size: int = 32) -> np.ndarray:
        """(n, d) float32: normalised embeddings (embed) or logits (scores), in input order.

        Items are run in batches of batch_size as given: callers sort them by length first.
        """
        raise NotImplementedError

    def describe(self) -> dict:
        return {"backend": self.name}


def normalize(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise rows (cosine = dot product), as sentence-transformers does."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)

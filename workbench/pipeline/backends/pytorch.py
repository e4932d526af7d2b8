"""PyTorch: the sentence-transformers model as loaded, through its own encode/predict.

The reference every other backend is compared with (benchmarks/backend_eval.py).
"""

from __future__ import annotations

import numpy as np

from .base import Backend


class Torch(Backend):
    name = "torch"

    def run(self, items: list, batch_size: int = 32) -> np.ndarray:
        if self.kind == "embed":
            return self.model.encode(
                items,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
        import torch

        scores = self.model.predict(
            items,
            batch_size=batch_size,
            activation_fn=torch.nn.Identity(),  # raw logits
            apply_softmax=False,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(scores, dtype=np.float32).reshape(len(items), -1)

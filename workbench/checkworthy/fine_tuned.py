"""The fine-tuned check-worthiness model: the bundled MiniLM's layers trained for the task, with a
linear head over the mean-pooled, normalised embedding (recipe: finetune.py).

A model is a folder, complete and self-describing:
    config.json        format, encoder, fine-tuning settings, decision threshold, training data
    layers.safetensors the six trained transformer layers and the head, in float16
    README.md          the model card
The word embeddings were never trained, so they are not copied: loading takes them from the
bundled all-MiniLM-L6-v2 and refuses a folder made on another encoder.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from ..pipeline.embed import canonical_model_name, default_model_path
from .base import CheckworthyModel
from .errors import CheckworthyModelError

FORMAT = "workbench-checkworthy-encoder/1"
WEIGHTS_FILE = "layers.safetensors"
_LAYERS_PREFIX = "encoder.layer."
_SCORE_BATCH = 128


class FineTunedScorer:
    """The torch part: encoder + head; logits for training, probabilities for scoring."""

    def __init__(self, encoder, tokenizer, head, max_length: int, pooled_scale: float):
        self.encoder, self.tokenizer, self.head = encoder, tokenizer, head
        self.max_length, self.pooled_scale = max_length, pooled_scale
        self._lock = threading.Lock()  # a fast tokenizer is not safe across threads

    @classmethod
    def from_bundled(cls, max_length: int, pooled_scale: float) -> FineTunedScorer:
        """The bundled MiniLM with a fresh head (created after the encoder: the recipe's seed
        fixes both)."""
        import torch
        from sentence_transformers import SentenceTransformer

        bundled = SentenceTransformer(default_model_path(), device="cpu")
        encoder, tokenizer = bundled[0].auto_model, bundled[0].tokenizer
        head = torch.nn.Linear(encoder.config.hidden_size, 1)
        return cls(encoder, tokenizer, head, max_length, pooled_scale)

    def pooled(self, texts: list[str]):
        """The mean-pooled, L2-normalised embedding (a tensor; with gradients when training)."""
        import torch

        batch = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        hidden = self.encoder(**batch).last_hidden_state.float()
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def logits(self, texts: list[str]):
        return self.head(self.pooled(texts) * self.pooled_scale).squeeze(-1)

    def score(self, texts: list[str]) -> np.ndarray:
        """Probabilities, in eval mode (no dropout), even between training steps."""
        import torch

        return self._batched(texts, lambda part: torch.sigmoid(self.logits(part)))

    def embeddings(self, texts: list[str]) -> np.ndarray:
        return self._batched(texts, self.pooled)

    def _batched(self, texts: list[str], forward) -> np.ndarray:
        import torch

        out = []
        with self._lock, torch.inference_mode():
            training = self.encoder.training
            self.encoder.eval()
            for start in range(0, len(texts), _SCORE_BATCH):
                out.append(forward(texts[start : start + _SCORE_BATCH]).numpy())
            self.encoder.train(training)
        return np.concatenate(out).astype(np.float64) if out else np.zeros(0)

    def stored_tensors(self) -> dict:
        """What differs from the bundled encoder: the transformer layers and the head."""
        tensors = {
            k: v for k, v in self.encoder.state_dict().items() if k.startswith(_LAYERS_PREFIX)
        }
        tensors.update({f"head.{k}": v for k, v in self.head.state_dict().items()})
        return tensors

    def load_stored(self, tensors: dict) -> None:
        layers = {k: v for k, v in tensors.items() if k.startswith(_LAYERS_PREFIX)}
        head = {k[len("head.") :]: v for k, v in tensors.items() if k.startswith("head.")}
        expected = {k for k in self.encoder.state_dict() if k.startswith(_LAYERS_PREFIX)}
        if set(layers) != expected:
            raise ValueError(f"its {len(layers)} layer tensors do not fit MiniLM's {len(expected)}")
        self.encoder.load_state_dict(layers, strict=False)
        self.head.load_state_dict(head)
        self.encoder.eval()


class FineTunedModel(CheckworthyModel):
    """Scores sentences 0-1 with the fine-tuned encoder (one forward pass per batch)."""

    def __init__(self, config: dict, scorer: FineTunedScorer):
        super().__init__(config)
        self.scorer = scorer

    def score(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Check-worthiness per text, 0-1 (>= threshold: worth checking). Embeddings of the
        bundled encoder are not used: this model reads the text itself."""
        return self.scorer.score(texts)

    def save(self, folder: str | os.PathLike, card: str) -> Path:
        import torch
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tensors = {
            k: v.detach().to(torch.float16).contiguous()
            for k, v in self.scorer.stored_tensors().items()
        }
        save_file(tensors, str(folder / WEIGHTS_FILE), metadata={"format": FORMAT})
        (folder / WEIGHTS_FILE).chmod(0o644)  # safetensors writes 0600; a model is shared
        self._write_folder(folder, card, WEIGHTS_FILE)
        return folder


def read(folder: Path, config: dict) -> FineTunedModel:
    if canonical_model_name(config.get("encoder")) != canonical_model_name(None):
        raise CheckworthyModelError(
            f"The check-worthiness model in {folder} was fine-tuned from {config.get('encoder')}, "
            "not the bundled MiniLM encoder; retrain it on the bundled encoder."
        )
    weights = folder / WEIGHTS_FILE
    if not weights.is_file():
        raise CheckworthyModelError(
            f"{folder} has no {WEIGHTS_FILE}; restore the folder or retrain it with "
            "`workbench train-checkworthy --recipe fine-tune`."
        )
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    settings = config.get("fine_tuning", {})
    scorer = FineTunedScorer.from_bundled(
        int(settings.get("max_length", 64)), float(settings.get("pooled_scale", 10.0))
    )
    try:
        tensors = {k: v.float() for k, v in load_file(str(weights)).items()}
        scorer.load_stored(tensors)
    except (OSError, ValueError, RuntimeError, SafetensorError) as exc:
        raise CheckworthyModelError(
            f"The check-worthiness weights {weights} cannot be read ({exc}); the folder is "
            "damaged, restore it."
        ) from exc
    return FineTunedModel(config, scorer)

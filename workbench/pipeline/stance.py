"""Stage 6: stance of an evidence sentence towards a claim, from an NLI cross-encoder.

StanceModel wraps sentence_transformers.CrossEncoder. Pairs are (evidence, claim): premise
first, hypothesis second. The forward pass runs on a backend (backends/: ONNX Runtime by
default, PyTorch or int8 ONNX on request) over the CrossEncoder's own tokenisation. The label
order comes from the model's config (id2label), so any 3-way NLI model whose labels are named
entailment/contradiction/neutral (or supports/refutes/neutral) works.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError
from .consistency import correct_swaps
from .numbers import normalize_numbers
from .verdict import load_verdict_model

DEFAULT_STANCE_PATH = Path(__file__).resolve().parents[1] / "models" / "stance"

_LABEL_NAMES = {
    "supports": {"entailment", "entails", "entail", "supports", "support", "supported"},
    "refutes": {"contradiction", "contradicts", "contradict", "refutes", "refute", "refuted"},
    "neutral": {"neutral", "not enough info", "not_enough_info", "nei", "not enough information"},
}


def map_label(name: str) -> str | None:
    """Our label for a model label name (case-insensitive), or None when unknown."""
    key = str(name).strip().lower().replace("-", " ")
    for ours, names in _LABEL_NAMES.items():
        if key in names or key.replace(" ", "_") in names:
            return ours
    return None


def label_order(id2label: dict) -> list[int]:
    """Column index in the model output for each of StanceModel.LABELS; raises if unmappable."""
    mapped: dict[str, int] = {}
    for raw_id, name in (id2label or {}).items():
        ours = map_label(name)
        if ours is None or ours in mapped:
            break
        mapped[ours] = int(raw_id)
    if len(id2label or {}) != 3 or set(mapped) != set(StanceModel.LABELS):
        labels = ", ".join(str(v) for v in (id2label or {}).values()) or "none"
        raise WorkbenchError(
            f"The stance model's labels ({labels}) cannot be mapped to supports/refutes/neutral; "
            "use a 3-way NLI model whose config.json id2label names entailment, contradiction "
            "and neutral."
        )
    return [mapped[label] for label in StanceModel.LABELS]


def stance_model_missing_message(path: Path = DEFAULT_STANCE_PATH) -> str:
    return (
        f"No stance model is installed (expected a CrossEncoder folder at {path}); see "
        "docs/stance-model.md to get one, or pass --stance-model PATH_OR_NAME of a 3-way NLI "
        "cross-encoder."
    )


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class StanceModel:
    """P(supports), P(refutes), P(neutral) for (evidence_sentence, claim) pairs."""

    LABELS = ("supports", "refutes", "neutral")

    def __init__(
        self,
        name_or_path: str | None = None,
        max_length: int = 256,
        backend: str | None = None,
        swap_check: bool = True,
    ):
        from .backends import create
        from .embed import FairLock, quiet_transformers

        target = str(name_or_path) if name_or_path else str(DEFAULT_STANCE_PATH)
        if name_or_path is None and not (DEFAULT_STANCE_PATH / "config.json").exists():
            raise WorkbenchError(stance_model_missing_message())
        self.name = target
        self.swap_check = swap_check  # pipeline/consistency.py after the model (see predict)
        quiet_transformers()
        try:
            import torch
            from sentence_transformers import CrossEncoder

            model = CrossEncoder(
                target,
                device="cpu",
                max_length=max_length,
                model_kwargs={"dtype": torch.float32},  # shipped weights are fp16
            )
            model = model.to(torch.float32)
            model.eval()
        except WorkbenchError:
            raise
        except Exception as exc:  # noqa: BLE001 - hub/IO/config errors all mean "cannot load"
            where = (
                "the folder" if Path(target).exists() else "a local folder or the Hub (offline?)"
            )
            raise WorkbenchError(
                f"Could not load stance model '{target}' from {where} ({type(exc).__name__}); "
                "pass --stance-model with a complete CrossEncoder folder."
            ) from exc
        self.model = model
        self._lock = FairLock()  # one thread at a time (the tokenizer is not re-entrant)
        self.order = label_order(getattr(model.model.config, "id2label", None) or {})
        source = target if Path(target).exists() else None
        self.runner = create(backend, model, "scores", source, self._lock)
        self.backend = self.runner.name  # torch | onnx | onnx-int8 (torch after a fallback)
        # The learned verdict aggregator fitted for these weights (None: the hand-set rule).
        self.verdict_model, warning = load_verdict_model(source)
        if warning:
            logging.getLogger("workbench").warning(warning)

    def predict(self, pairs: list[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """(n, 3) probabilities in LABELS order for (evidence, claim) pairs."""
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        # One spelling for numbers on both sides ("3,500" = "3500"), as in training.
        texts = [(normalize_numbers(str(e)), normalize_numbers(str(c))) for e, c in pairs]
        # Longest first, so each batch holds pairs of similar length and pads little (the
        # CrossEncoder pads every batch to its longest pair); results are put back in order.
        order = sorted(range(len(texts)), key=lambda i: -(len(texts[i][0]) + len(texts[i][1])))
        with self._lock:
            sorted_logits = self.runner.run([texts[i] for i in order], batch_size)
        sorted_logits = np.asarray(sorted_logits, dtype=np.float64).reshape(len(pairs), -1)
        logits = np.empty_like(sorted_logits)
        logits[order] = sorted_logits
        probs = softmax(logits)[:, self.order]
        if self.swap_check:  # exchanged names, reversed directions read as support
            probs = correct_swaps(texts, probs)
        return probs.astype(np.float32)

"""Temperature scaling fitted on held-out pairs, folded into the model's last layer."""

from __future__ import annotations

from pathlib import Path

from .checkpoint import predict_pairs, save_model
from .data import LABEL_ID, Pair


def fit_temperature(probs, gold) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(log p / T)."""
    import numpy as np

    logp = np.log(np.clip(probs, 1e-9, 1.0))
    best_t, best_nll = 1.0, float("inf")
    for t in np.round(np.arange(0.5, 4.001, 0.05), 2):
        z = logp / t
        z = z - z.max(1, keepdims=True)
        nll = float(-(z[np.arange(len(gold)), gold] - np.log(np.exp(z).sum(1))).mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def calibrate(out_dir: Path, valid_pairs: list[Pair], max_length: int, log=print) -> float:
    """Fit a temperature on held-out pairs and fold it into the classifier (weights / T).

    Dividing the last layer by T divides the logits by T, so the saved folder stays an ordinary
    CrossEncoder whose probabilities are calibrated, with no extra file for loaders to know.
    """
    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(out_dir)
    model = AutoModelForSequenceClassification.from_pretrained(out_dir).float()
    probs = predict_pairs(model, tokenizer, [(p, h) for p, h, _ in valid_pairs], max_length)
    gold = np.array([LABEL_ID[lab] for _, _, lab in valid_pairs])
    t = fit_temperature(probs, gold)
    head = model.classifier
    with torch.no_grad():
        head.weight /= t
        head.bias /= t
    save_model(model, tokenizer, out_dir, max_length)
    log(f"temperature {t:.2f} fitted on {len(valid_pairs)} held-out pairs and folded into the head")
    return t

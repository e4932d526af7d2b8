"""Reading and writing a training checkpoint: predictions on pairs and the saved model folder.

Apart from the loop so that calibration and evaluation can use them without importing it.
"""

from __future__ import annotations

import copy
from pathlib import Path

from .data import LABEL_ID, LABELS, Pair


def predict_pairs(
    model, tokenizer, pairs: list[tuple[str, str]], max_length: int, batch_size: int = 64
):
    """Probabilities (n, 3) in LABELS order for (premise, hypothesis) pairs."""
    import numpy as np
    import torch

    model.eval()
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i : i + batch_size]
            enc = tokenizer(
                [pairs[j][0] for j in idx],
                [pairs[j][1] for j in idx],
                truncation=True,
                max_length=max_length,
                padding=True,
                return_tensors="pt",
            )
            out[idx] = torch.softmax(model(**enc).logits.float(), dim=-1).numpy()
    return out


def accuracy(model, tokenizer, pairs: list[Pair], max_length: int) -> float:
    probs = predict_pairs(model, tokenizer, [(p, h) for p, h, _ in pairs], max_length)
    gold = [LABEL_ID[lab] for _, _, lab in pairs]
    return float((probs.argmax(1) == gold).mean()) if pairs else float("nan")


def save_model(model, tokenizer, out_dir: Path, max_length: int) -> None:
    """Write a complete CrossEncoder folder with fp16 weights (half the size, cast back on load)."""
    from sentence_transformers import CrossEncoder

    tmp = out_dir.with_name(out_dir.name + ".tmp")
    half = copy.deepcopy(model).to("cpu").half()
    half.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    ce = CrossEncoder(str(tmp), max_length=max_length, device="cpu")
    ce.save(str(tmp), safe_serialization=True)
    if out_dir.exists():
        for p in sorted(out_dir.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        out_dir.rmdir()
    tmp.rename(out_dir)


def read_weights(folder: str | Path) -> dict:
    """The tensors of a model folder's model.safetensors (to average with later)."""
    from safetensors.torch import load_file

    return load_file(str(Path(folder) / "model.safetensors"))


def average_tensors(own: dict, other: dict, other_share: float) -> dict:
    """(1 - other_share) * own + other_share * other, tensor by tensor, in own's dtypes; integer
    tensors (position ids) are own's. Both must hold the same tensor names."""
    return {
        name: ((1 - other_share) * t.float() + other_share * other[name].float()).to(t.dtype)
        if t.is_floating_point()
        else t
        for name, t in own.items()
    }


def average_weights(out_dir: Path, other: dict, other_share: float) -> None:
    """Replace out_dir's weights by (1 - other_share) * its own + other_share * other's, tensor by
    tensor (a "model soup", Wortsman et al. 2022): two models of one lineage, averaged, keep much
    of what each learnt and lose less of what the other knew than either alone."""
    from safetensors.torch import load_file, save_file

    path = out_dir / "model.safetensors"
    own = load_file(str(path))
    if own.keys() != other.keys():
        raise SystemExit(f"{out_dir} and the model to average with have different tensors.")
    save_file(average_tensors(own, other, other_share), str(path), metadata={"format": "pt"})

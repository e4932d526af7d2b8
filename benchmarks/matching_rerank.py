"""Does re-ranking the matcher's candidates with the stance model help? (CLEF 2020 Task 2)

    python benchmarks/matching_rerank.py [--data ../shared/data/claim-matching] [--depth 10]

The matcher (factchecks/matching.py) ranks the 10,375 verified claims for every train and dev
tweet; its top --depth candidates are then scored by the shipped stance model in both
directions ((fact-check, tweet) and (tweet, fact-check)). On train only, it tries
  - fused + w * stance score, for w in 0 .. 1 and three stance scores (mean P(supports), 1 -
    mean P(neutral), max P(supports));
  - a logistic-regression re-ranker over [fused, cosine, the six probabilities, 1/rank],
    5-fold cross-validated by tweet;
and reports dev once for the best of each beside the matcher alone. Recall@depth is the ceiling
any re-ranker of these candidates has. Prints JSON; about 20 minutes on 2 busy cores.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from _common import ROOT

STANCE_SCORES = {
    "mean_supports": lambda f, b: (f[0] + b[0]) / 2,
    "not_neutral": lambda f, b: 1 - (f[2] + b[2]) / 2,
    "max_supports": lambda f, b: max(f[0], b[0]),
}
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0)


def candidates(data: str, depth: int) -> dict:
    """Per split, per tweet: gold ids and the top-depth candidates with their features."""
    from workbench.evaluation.matching import Release
    from workbench.factchecks.matching import ClaimMatcher, clean_tweet, fact_check_text
    from workbench.pipeline.embed import Embedder
    from workbench.pipeline.stance import StanceModel

    release = Release(data)
    collection = release.collection()
    embedder = Embedder(None)
    texts = [fact_check_text(c, t) for c, t in zip(collection.claims, collection.titles)]
    matcher = ClaimMatcher(texts, embedder.encode(texts), embedder)
    stance = StanceModel(None)
    out = {}
    for split in release.splits():
        ids = list(split.queries)
        ranked = matcher.rank([split.queries[q] for q in ids], depth)
        pairs = []
        for q, found in zip(ids, ranked):
            tweet = clean_tweet(split.queries[q])
            for m in found:
                pairs += [(collection.claims[m.index], tweet), (tweet, collection.claims[m.index])]
        probs = stance.predict(pairs).tolist()
        rows, k = [], 0
        for q, found in zip(ids, ranked):
            cands = []
            for m in found:
                cands.append({"id": collection.ids[m.index], "fused": m.score, "cos": m.cosine,
                              "f": probs[k], "b": probs[k + 1]})  # fmt: skip
                k += 2
            rows.append({"gold": split.relevant[q], "cand": cands})
        out[split.name] = rows
    return out


def ranking(rows: list[dict], key) -> list[list[str]]:
    out = []
    for row in rows:
        s = np.array([key(c, i) for i, c in enumerate(row["cand"])])
        out.append([row["cand"][i]["id"] for i in np.argsort(-s, kind="stable")])
    return out


def features(c: dict, rank: int) -> list[float]:
    return [c["fused"], c["cos"], *c["f"], *c["b"], 1.0 / (rank + 1)]


def learned(train: list[dict], dev: list[dict]) -> tuple[dict, dict]:
    from sklearn.linear_model import LogisticRegression

    from workbench.evaluation.matching import scores

    x, y, group = [], [], []
    for q, row in enumerate(train):
        for i, c in enumerate(row["cand"]):
            x.append(features(c, i)), y.append(int(c["id"] in row["gold"])), group.append(q)
    x, y, fold = np.array(x), np.array(y), np.array(group) % 5
    pred = np.zeros(len(y))
    for f in range(5):
        model = LogisticRegression(max_iter=1000).fit(x[fold != f], y[fold != f])
        pred[fold == f] = model.decision_function(x[fold == f])
    lookup, k = {}, 0
    for q, row in enumerate(train):
        for i in range(len(row["cand"])):
            lookup[(q, i)] = pred[k]
            k += 1
    cv_rank = [[row["cand"][i]["id"] for i in np.argsort(
        [-lookup[(q, i)] for i in range(len(row["cand"]))], kind="stable")]
        for q, row in enumerate(train)]  # fmt: skip
    model = LogisticRegression(max_iter=1000).fit(x, y)
    dev_rank = ranking(dev, lambda c, i: float(model.decision_function([features(c, i)])[0]))
    gold_tr, gold_dev = [r["gold"] for r in train], [r["gold"] for r in dev]
    return scores(cv_rank, gold_tr), scores(dev_rank, gold_dev)


def main() -> None:
    from workbench.evaluation.matching import scores

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared/data/claim-matching"))
    parser.add_argument("--depth", type=int, default=10)
    args = parser.parse_args()
    data = candidates(args.data, args.depth)
    train, dev = data["train"], data["dev"]
    gold_tr, gold_dev = [r["gold"] for r in train], [r["gold"] for r in dev]
    report = {"depth": args.depth, "matcher": {}, "train_grid_map@5": {}}
    for name, rows, gold in (("train", train, gold_tr), ("dev", dev, gold_dev)):
        report["matcher"][name] = scores(ranking(rows, lambda c, i: c["fused"]), gold)
        found = [len({c["id"] for c in r["cand"]} & g) / len(g) for r, g in zip(rows, gold)]
        report["matcher"][name][f"recall@{args.depth}"] = float(np.mean(found))
    best = (-1.0, None)
    for name, stance_score in STANCE_SCORES.items():
        for w in WEIGHTS:

            def key(c, i, w=w, s=stance_score):
                return c["fused"] + w * s(c["f"], c["b"])

            value = scores(ranking(train, key), gold_tr)["map@5"]
            report["train_grid_map@5"][f"{name} w={w}"] = round(value, 4)
            if w > 0 and value > best[0]:
                best = (value, (name, w, key))
    name, w, key = best[1]
    report["best_weighted_on_train"] = {"score": name, "w": w, "train_map@5": best[0],
                                        "dev": scores(ranking(dev, key), gold_dev)}  # fmt: skip
    cv, dev_scores = learned(train, dev)
    report["learned_reranker"] = {"train_cv": cv, "dev": dev_scores}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

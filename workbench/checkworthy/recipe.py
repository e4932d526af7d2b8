"""Training recipe for the check-worthiness head (the shipped model is made by `train()`).

1. Read ClaimBuster crowdsourced.csv (CFS = check-worthy); split off whole debates by File_id.
2. Fit TF-IDF + logistic regression over [TF-IDF, frozen MiniLM embedding] on the train debates;
   choose the decision threshold on the held-out debates (the only tuning there is).
3. Refit on all of crowdsourced.csv with the same settings and threshold, and save the folder.
The evaluation-only sets (ClaimBuster groundtruth, CheckThat! 2024 dev-test) are scored for the
model card after every choice is made; nothing here reads them to choose anything.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..pipeline.embed import DEFAULT_MODEL, Embedder
from .data import TASK, LabelledSet, debate_split, training_data_record, training_set
from .features import combine, fit_tfidf, tfidf_arrays
from .head import FORMAT, HeadModel, HeadWeights
from .metrics import best_threshold, positive_class_scores

C = 1.0  # chosen on the validation debates among 1 and 4
EMBEDDING_WEIGHT = 1.0  # chosen on the validation debates among 1, 2 and 3
VALIDATION_SHARE = 0.15


def texts_digest(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()


def cached_embeddings(texts: list[str], embedder: Embedder, cache: Path | None) -> np.ndarray:
    """Embeddings of texts, kept in cache (an .npz in a scratch folder) keyed by the texts'
    digest: the head is refitted many times while the encoder's output does not change."""
    digest = texts_digest(texts)
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as saved:
            if str(saved["digest"]) == digest:
                return saved["embeddings"]
    embeddings = embedder.encode(texts)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, digest=np.array(digest), embeddings=embeddings)
    return embeddings


def fit_head(data: LabelledSet, embeddings: np.ndarray) -> HeadWeights:
    tfidf = fit_tfidf(data.texts)
    features = combine(tfidf.transform(data.texts), embeddings, EMBEDDING_WEIGHT)
    head = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    head.fit(features, data.labels)
    arrays = tfidf_arrays(tfidf)
    return HeadWeights(
        arrays["tfidf_terms"], arrays["tfidf_idf"], head.coef_[0].copy(), float(head.intercept_[0])
    )


def model_config(embedder: Embedder, threshold: float, data_dir: Path, rows: int) -> dict:
    return {
        "format": FORMAT,
        "task": TASK,
        "encoder": DEFAULT_MODEL,
        "embedding_dimension": embedder.dimension,
        "embedding_weight": EMBEDDING_WEIGHT,
        "head": {"type": "logistic-regression", "C": C, "class_weight": "balanced"},
        "tfidf": {"ngram_range": [1, 2], "sublinear_tf": True, "min_df": 2},
        "threshold": threshold,
        "training_data": training_data_record(data_dir, rows),
    }


def train(
    data_dir: str | os.PathLike, cache: Path | None = None, embedder: Embedder | None = None
) -> tuple[HeadModel, dict]:
    """(model fitted on all crowdsourced rows, validation figures of the train-split fit)."""
    data_dir = Path(data_dir)
    embedder = embedder or Embedder()
    data = training_set(data_dir)
    embeddings = cached_embeddings(data.texts, embedder, cache)
    train_rows, validation_rows = debate_split(data, VALIDATION_SHARE)
    train_part = data.subset(train_rows, "train")
    validation = data.subset(validation_rows, "validation")
    split_head = fit_head(train_part, embeddings[train_rows])
    probe = HeadModel(model_config(embedder, 0.5, data_dir, len(train_part)), split_head)
    probe.embedder = embedder
    validation_scores = probe.score(validation.texts, embeddings[validation_rows])
    threshold = best_threshold(validation.labels, validation_scores)
    figures = {
        "train_rows": len(train_part),
        "validation_rows": len(validation),
        "validation_debates": len(set(validation.groups or ())),
        "threshold": threshold,
        "validation": positive_class_scores(validation.labels, validation_scores, threshold),
    }
    final_head = fit_head(data, embeddings)
    model = HeadModel(model_config(embedder, threshold, data_dir, len(data)), final_head)
    model.embedder = embedder
    return model, figures

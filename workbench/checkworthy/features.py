"""Sentence features for the check-worthiness head: TF-IDF word n-grams beside frozen MiniLM
sentence embeddings.

The two see different things: TF-IDF keeps the surface cues of a checkable statement (numbers,
"percent", "million", "voted"), the embedding its meaning. The TF-IDF vocabulary and idf weights
are stored as plain arrays so a saved model needs no pickle and loads with any scikit-learn.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

TFIDF_SETTINGS = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2}


def fit_tfidf(texts: list[str]) -> TfidfVectorizer:
    return TfidfVectorizer(**TFIDF_SETTINGS).fit(texts)


def tfidf_arrays(vectorizer: TfidfVectorizer) -> dict[str, np.ndarray]:
    """The fitted vocabulary (terms in column order) and idf weights, as arrays to save."""
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    return {"tfidf_terms": np.array(terms, dtype=str), "tfidf_idf": vectorizer.idf_}


def tfidf_from_arrays(terms: np.ndarray, idf: np.ndarray) -> TfidfVectorizer:
    """A TfidfVectorizer rebuilt from saved arrays: transforms exactly as the fitted one did."""
    settings = {key: value for key, value in TFIDF_SETTINGS.items() if key != "min_df"}
    vectorizer = TfidfVectorizer(vocabulary={str(t): i for i, t in enumerate(terms)}, **settings)
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


def combine(tfidf: sp.spmatrix, embeddings: np.ndarray, embedding_weight: float) -> sp.csr_matrix:
    """One row per sentence: TF-IDF columns, then the embedding scaled by embedding_weight."""
    dense = sp.csr_matrix(np.asarray(embeddings, dtype=np.float64) * embedding_weight)
    return sp.hstack([tfidf, dense], format="csr")

"""BM25 over the stored sentences, txtai style: a tiny base + one module per engine + a factory.

SQLite FTS5 (fts5.py) is always there, kept by triggers in the same transactions as the
sentences; bm25s (bm25.py) keeps its own files, built from SQLite like the FAISS file, and is
chosen above CROSSOVER sentences, where FTS5's full scoring of every match gets slow.
"""

from .base import STOPWORDS, TextIndex, fts_query, query_words, tokens
from .cache import TextCache
from .factory import CROSSOVER, choose

__all__ = [
    "CROSSOVER",
    "STOPWORDS",
    "TextCache",
    "TextIndex",
    "choose",
    "fts_query",
    "query_words",
    "tokens",
]

"""Finding earlier fact-checks of a claim: the collection's matcher, kept in step with it.

The matcher (BM25 + dense, factchecks/matching.py) is built from the collection once and
rebuilt only when the collection's generation changes (an import, a removal, a new review), so
a check pays for a lookup, not for a rebuild. New reviews are pulled into the collection first.
"""

from __future__ import annotations

import sqlite3
import threading

import numpy as np

from ..errors import WorkbenchError
from ..model.factchecks import PriorCheck
from ..reviews.store import ReviewStore
from .matching import MATCH_THRESHOLD, ClaimMatcher, same_factcheck_key
from .store import Collection, FactCheckStore

SHOWN = 3  # matches reported per claim at most


class PriorCheckFinder:
    """previously_checked for claims, from one index's fact-check collection and reviews."""

    def __init__(self, db_path, embedder, threshold: float = MATCH_THRESHOLD, shown: int = SHOWN):
        # why fact-checks cannot be looked up here (a database nobody may write: the tables
        # cannot be created or brought up to date); checks then go on without them
        self.unavailable: str | None = None
        self.store: FactCheckStore | None = None
        self.reviews = None
        try:
            self.store = FactCheckStore(db_path)
            self.reviews = ReviewStore(db_path)
        except (sqlite3.Error, WorkbenchError) as exc:
            self.unavailable = (
                f"The fact-checks of {db_path} cannot be opened ({exc}); make the index "
                "writable to import or match fact-checks."
            )
        self.embedder = embedder
        self.threshold = threshold
        self.shown = shown
        self._lock = threading.Lock()
        self._collection: Collection | None = None
        self._matcher: ClaimMatcher | None = None
        self._reviews_seen: int | None = None

    def embed(self, texts: list[str]) -> np.ndarray:
        """Fact-check vectors, as the index's embedding model gives them."""
        return self.embedder.encode(texts, progress=False)

    def refresh(self) -> None:
        """Pull new reviews in, then rebuild the matcher if the collection changed."""
        if self.unavailable:
            return
        with self._lock:
            last = self.reviews.last_review_id()
            if last != self._reviews_seen:
                self.store.sync_reviews(
                    self.reviews.reviewed_claims(),
                    self.reviews.publisher(),
                    self.embed,
                    self.embedder.name,
                )
                self._reviews_seen = last
            generation = self.store.generation()
            if self._collection is not None and self._collection.generation == generation:
                return
            if self.store.reembed(self.embed, self.embedder.name):
                generation = self.store.generation()
            collection = self.store.collection(self.embedder.name)
            keys = [
                same_factcheck_key(text, r.factcheck.rating, r.factcheck.publisher, r.factcheck.url)
                for text, r in zip(collection.texts, collection.rows)
            ]
            self._matcher = ClaimMatcher(
                collection.texts, collection.vectors, self.embedder, keys=keys
            )
            self._collection = collection

    def __len__(self) -> int:
        self.refresh()
        return len(self._collection.ids) if self._collection else 0

    def find(self, claims: list[str], vectors: np.ndarray | None = None) -> list[list[PriorCheck]]:
        """The fact-checks matching each claim (cosine >= threshold), best first."""
        self.refresh()
        matcher, collection = self._matcher, self._collection
        if not claims or matcher is None or not len(matcher):
            return [[] for _ in claims]
        if vectors is not None:
            vectors = np.asarray(vectors, dtype=np.float32)
        out = []
        for matches in matcher.rank(claims, k=self.shown * 2, query_vectors=vectors):
            found = []
            for match in matches:
                if match.cosine < self.threshold or len(found) == self.shown:
                    continue
                row = collection.rows[match.index]
                fc = row.factcheck
                found.append(
                    PriorCheck(
                        id=row.id,
                        claim=fc.claim,
                        rating=fc.rating,
                        publisher=fc.publisher,
                        url=fc.url,
                        date=fc.date,
                        score=round(match.cosine, 4),
                        origin="review" if row.origin == "review" else "factcheck",
                    )
                )
            found.sort(key=lambda p: -p.score)
            out.append(found)
        return out

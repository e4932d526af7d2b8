"""The fact-check collection of an index: its own tables in the index's SQLite database.

Imported fact-checks are deduplicated by a content hash (claim, rating, url, publisher), as
documents are by theirs. The index's saved reviews join the collection: sync_reviews() keeps one
row per reviewed claim at its latest review. Every change bumps a generation number, so a
matcher built from the collection knows when to rebuild.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError
from ..model.factchecks import FactCheck
from ..reviews.store import claim_key
from ..storage.connection import transaction
from ..storage.migrations import migrate_component
from .matching import fact_check_text
from .migrations import FACTCHECK_MIGRATIONS

Embed = Callable[[list[str]], np.ndarray]
INSERT_BATCH = 512  # fact-checks embedded and written per transaction


@dataclass(frozen=True)
class StoredFactCheck:
    """A fact-check in the collection, with where it came from."""

    id: int
    factcheck: FactCheck
    origin: str  # "import" or "review"
    source: str | None  # the file it was imported from, or "review N"
    added_at: str

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            **asdict(self.factcheck),
            "origin": self.origin,
            "source": self.source,
            "added_at": self.added_at,
        }


@dataclass(frozen=True)
class Collection:
    """What a matcher is built from: ids, texts, vectors and rows, in one order."""

    generation: int
    ids: list[int]
    texts: list[str]
    vectors: np.ndarray
    rows: list[StoredFactCheck]


def content_hash(factcheck: FactCheck) -> str:
    parts = (
        factcheck.claim.casefold(),
        factcheck.rating.casefold(),
        factcheck.url or "",
        (factcheck.publisher or "").casefold(),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _row(row: sqlite3.Row) -> StoredFactCheck:
    factcheck = FactCheck(
        row["claim"], row["rating"], row["url"], row["publisher"], row["date"], row["title"]
    )
    return StoredFactCheck(
        row["factcheck_id"], factcheck, row["origin"], row["source"], row["added_at"]
    )


class FactCheckStore:
    """The fact-check tables in one SQLite file (normally ``Workbench.db_path``)."""

    def __init__(self, db_path: str | Path):
        self.db_path = str(db_path)
        con = self._connect()
        try:
            con.execute("PRAGMA journal_mode=WAL")
            with transaction(con):
                migrate_component(con, "factchecks", FACTCHECK_MIGRATIONS, self.db_path)
        finally:
            con.close()

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise WorkbenchError(
                f"The index database {self.db_path} cannot be opened ({exc})."
            ) from exc
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA busy_timeout=30000")
        return con

    # -- writing ---------------------------------------------------------------------------

    def add(
        self, factchecks: Iterable[FactCheck], source: str, embed: Embed, model: str
    ) -> tuple[int, int]:
        """Import fact-checks (new ones embedded with `embed`): (added, duplicates skipped)."""
        pending, seen, duplicates = [], set(), 0
        con = self._connect()
        try:
            for factcheck in factchecks:
                digest = content_hash(factcheck)
                if digest in seen:
                    duplicates += 1
                    continue
                seen.add(digest)
                pending.append((digest, factcheck))
            known = self._known_hashes(con, [d for d, _ in pending])
            duplicates += sum(d in known for d, _ in pending)
            pending = [(d, f) for d, f in pending if d not in known]
            for start in range(0, len(pending), INSERT_BATCH):
                batch = pending[start : start + INSERT_BATCH]
                vectors = embed([fact_check_text(f.claim, f.title) for _, f in batch])
                with transaction(con):
                    con.executemany(
                        "INSERT INTO factcheck(content_hash, origin, claim, rating, url, "
                        "publisher, date, title, source, added_at, model, embedding) "
                        "VALUES (?, 'import', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            (
                                d,
                                f.claim,
                                f.rating,
                                f.url,
                                f.publisher,
                                f.date,
                                f.title,
                                source,
                                _now(),
                                model,
                                np.asarray(v, dtype=np.float32).tobytes(),
                            )
                            for (d, f), v in zip(batch, vectors)
                        ],
                    )
                    self._bump(con)
        finally:
            con.close()
        return len(pending), duplicates

    @staticmethod
    def _known_hashes(con: sqlite3.Connection, digests: list[str]) -> set[str]:
        known = set()
        for start in range(0, len(digests), 500):
            chunk = digests[start : start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(
                r[0]
                for r in con.execute(
                    f"SELECT content_hash FROM factcheck WHERE content_hash IN ({marks})", chunk
                )
            )
        return known

    @staticmethod
    def _bump(con: sqlite3.Connection) -> None:
        con.execute(
            "INSERT INTO factcheck_state(key, value) VALUES ('generation', '1') ON CONFLICT(key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def remove(self, ids: Iterable[int]) -> list[int]:
        """Remove imported fact-checks by id; the ids removed. A saved review cannot be removed
        here (reviews are append-only): WorkbenchError names it."""
        ids = [int(i) for i in ids]
        con = self._connect()
        try:
            with transaction(con):
                removed = []
                for factcheck_id in ids:
                    row = con.execute(
                        "SELECT origin, source FROM factcheck WHERE factcheck_id = ?",
                        (factcheck_id,),
                    ).fetchone()
                    if row is not None and row["origin"] == "review":
                        raise WorkbenchError(
                            f"Fact-check {factcheck_id} is this index's {row['source']}; reviews "
                            "are append-only (review the claim again to change its verdict)."
                        )
                    if row is not None:
                        con.execute("DELETE FROM factcheck WHERE factcheck_id = ?", (factcheck_id,))
                        removed.append(factcheck_id)
                if removed:
                    self._bump(con)
            return removed
        finally:
            con.close()

    def sync_reviews(self, reviews: list, publisher, embed: Embed, model: str) -> int:
        """Make the review rows match the latest review of each reviewed claim; how many rows
        were written. `reviews`: ReviewStore.reviewed_claims(); `publisher`: its Publisher."""
        con = self._connect()
        try:
            have = {
                r["content_hash"]: r["review_id"]
                for r in con.execute(
                    "SELECT content_hash, review_id FROM factcheck WHERE origin = 'review'"
                )
            }
            stale = [r for r in reviews if have.get(_review_hash(r)) != r.review_id]
            if not stale:
                return 0
            vectors = embed([r.claim for r in stale])
            with transaction(con):
                for review, vector in zip(stale, vectors):
                    con.execute(
                        "DELETE FROM factcheck WHERE content_hash = ?", (_review_hash(review),)
                    )
                    con.execute(
                        "INSERT INTO factcheck(content_hash, origin, claim, rating, url, "
                        "publisher, date, source, review_id, added_at, model, embedding) "
                        "VALUES (?, 'review', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            _review_hash(review),
                            review.claim,
                            review.final_verdict,
                            publisher.review_url(review.review_id),
                            publisher.name or f"reviewer {review.reviewer}",
                            review.created_at[:10],
                            f"review {review.review_id}",
                            review.review_id,
                            _now(),
                            model,
                            np.asarray(vector, dtype=np.float32).tobytes(),
                        ),
                    )
                self._bump(con)
            return len(stale)
        finally:
            con.close()

    def reembed(self, embed: Embed, model: str) -> int:
        """Re-embed rows embedded with another model than `model` (the index's changed)."""
        con = self._connect()
        try:
            rows = con.execute(
                "SELECT factcheck_id, claim, title FROM factcheck WHERE model != ?", (model,)
            ).fetchall()
            for start in range(0, len(rows), INSERT_BATCH):
                batch = rows[start : start + INSERT_BATCH]
                vectors = embed([fact_check_text(r["claim"], r["title"]) for r in batch])
                with transaction(con):
                    con.executemany(
                        "UPDATE factcheck SET model = ?, embedding = ? WHERE factcheck_id = ?",
                        [
                            (model, np.asarray(v, dtype=np.float32).tobytes(), r["factcheck_id"])
                            for r, v in zip(batch, vectors)
                        ],
                    )
                    self._bump(con)
            return len(rows)
        finally:
            con.close()

    # -- reading ---------------------------------------------------------------------------

    def generation(self) -> int:
        con = self._connect()
        try:
            row = con.execute(
                "SELECT value FROM factcheck_state WHERE key = 'generation'"
            ).fetchone()
            return int(row[0]) if row else 0
        finally:
            con.close()

    def list(
        self, limit: int | None = None, text: str | None = None, origin: str | None = None
    ) -> list[StoredFactCheck]:
        """Fact-checks newest first; `text` keeps those whose claim or title contains it."""
        sql, args = "SELECT * FROM factcheck WHERE 1=1", []
        if text:
            sql += " AND (instr(lower(claim), lower(?)) > 0 OR instr(lower(title), lower(?)) > 0)"
            args += [text, text]
        if origin:
            sql += " AND origin = ?"
            args.append(origin)
        sql += " ORDER BY factcheck_id DESC"
        if limit:
            sql += " LIMIT ?"
            args.append(int(limit))
        con = self._connect()
        try:
            return [_row(r) for r in con.execute(sql, args)]
        finally:
            con.close()

    def stats(self) -> dict:
        """Counts by origin, rating and publisher (the ten commonest), and the date range."""
        con = self._connect()
        try:

            def counts(column: str) -> dict:
                rows = con.execute(
                    f"SELECT coalesce(nullif({column}, ''), '(none)') AS k, count(*) AS n FROM "
                    f"factcheck GROUP BY k ORDER BY n DESC, k LIMIT 10"
                ).fetchall()
                return {r["k"]: r["n"] for r in rows}

            span = con.execute("SELECT min(date), max(date) FROM factcheck").fetchone()
            return {
                "factchecks": con.execute("SELECT count(*) FROM factcheck").fetchone()[0],
                "by_origin": counts("origin"),
                "by_rating": counts("rating"),
                "by_publisher": counts("publisher"),
                "sources": con.execute(
                    "SELECT count(DISTINCT source) FROM factcheck WHERE origin = 'import'"
                ).fetchone()[0],
                "dates": {"first": span[0], "last": span[1]},
            }
        finally:
            con.close()

    def collection(self, model: str) -> Collection:
        """Every fact-check embedded with `model`, with its vector, for a matcher."""
        con = self._connect()
        try:
            con.execute("BEGIN")  # one committed state for the generation and the rows
            row = con.execute(
                "SELECT value FROM factcheck_state WHERE key = 'generation'"
            ).fetchone()
            rows = con.execute(
                "SELECT * FROM factcheck WHERE model = ? ORDER BY factcheck_id", (model,)
            ).fetchall()
            con.execute("COMMIT")
        finally:
            con.close()
        if rows:
            vectors = np.frombuffer(b"".join(r["embedding"] for r in rows), dtype=np.float32)
            vectors = vectors.reshape(len(rows), -1)
        else:
            vectors = np.zeros((0, 0), dtype=np.float32)
        stored = [_row(r) for r in rows]
        return Collection(
            generation=int(row[0]) if row else 0,
            ids=[s.id for s in stored],
            texts=[fact_check_text(s.factcheck.claim, s.factcheck.title) for s in stored],
            vectors=vectors,
            rows=stored,
        )


def _review_hash(review) -> str:
    return "review:" + hashlib.sha256(claim_key(review.claim).encode("utf-8")).hexdigest()

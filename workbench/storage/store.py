"""Stage 4: persistent index = one SQLite database + a FAISS file + a JSON manifest.

SQLite (WAL) is the source of truth: documents, sentences with offsets and their embeddings as
float32 blobs, and an FTS5 table for BM25. The FAISS file is a cache keyed by sentence id; a
write generation counter in SQLite and in the manifest tells whether it is in step, and when it is
missing, corrupt or stale it is rebuilt from the blobs. So a kill at any moment leaves an index
that opens with every committed document and nothing half-written.

Concurrency: one writer at a time (a lock in this process, BEGIN IMMEDIATE across processes);
readers never wait for a long build. Each reading thread has its own SQLite connection and reads
one committed snapshot (snapshot()), so it never sees a half-added batch; the in-memory FAISS
index is mutated only briefly under a lock, and rebuilt indexes are swapped in whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError
from ..evidence import Passage
from ..pipeline.ingest import SourceDocument
from ..pipeline.segment import Sentence
from . import vectors
from .files import write_json_atomic
from .migrations import INDEX_MIGRATIONS, migrate_user_version

SCHEMA_VERSION = len(INDEX_MIGRATIONS)  # PRAGMA user_version of an up-to-date index
DB_NAME = "workbench.db"
VECTORS_NAME = "vectors.faiss"
MANIFEST_NAME = "manifest.json"


@dataclass
class DocumentInfo:
    """A document's metadata as listed by `index list`."""

    doc_id: str
    title: str
    date: str | None
    source: str
    n_sentences: int
    added_at: str
    url: str | None = None


@dataclass
class Document(DocumentInfo):
    """A stored document with its full (normalised) text; offsets index into .text."""

    text: str = ""
    content_hash: str = ""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Store:
    """SQLite + FAISS index in one folder, shared by the threads of one process.

    Writes go through writing() (one writer thread at a time, on the writer connection);
    every other thread reads on its own connection.
    """

    def __init__(self, index_dir: str | os.PathLike, create: bool = True):
        self.dir = Path(index_dir)
        self.db_path = self.dir / DB_NAME
        self.vectors_path = self.dir / VECTORS_NAME
        self.manifest_path = self.dir / MANIFEST_NAME
        if not self.db_path.exists():
            if not create:
                raise WorkbenchError(
                    f"No index found in {self.dir}; create one with `workbench index add PATH`."
                )
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WorkbenchError(
                    f"Cannot create the index folder {self.dir} ({exc.strerror}); "
                    "choose another with --index."
                ) from exc
        self._ann: vectors.ANN | None = None
        self._ann_generation = -1
        self._ann_max_id = -1  # highest sentence id in the in-memory index (for catching up)
        self._ann_lock = threading.Lock()  # held while the in-memory index is searched/changed
        self._refresh_lock = threading.Lock()  # one thread reloads/rebuilds it at a time
        self._write_lock = threading.RLock()
        self._writer: int | None = None  # thread id inside writing(), if any
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._stale = False
        self._dirty = False
        self.conn = self._connect()

    # -- opening ------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        fix = f"move {self.db_path} aside and rebuild the index with `workbench index add`"
        try:
            conn = sqlite3.connect(
                self.db_path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.close()
                raise WorkbenchError(
                    f"The index {self.db_path} has schema version {version}, newer than this "
                    f"workbench supports ({SCHEMA_VERSION}); upgrade the workbench package."
                )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut
            conn.execute("PRAGMA foreign_keys=ON")
            if version < SCHEMA_VERSION:
                with self._transaction(conn):
                    migrate_user_version(conn, version, INDEX_MIGRATIONS)
            conn.execute("SELECT count(*) FROM documents").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            raise WorkbenchError(
                f"The index database {self.db_path} is corrupt ({exc}); {fix}."
            ) from exc

    class _Txn:
        def __init__(self, conn: sqlite3.Connection, store: Store | None = None):
            self.conn = conn
            self.writing = store.writing() if store is not None else contextlib.nullcontext()

        def __enter__(self):
            self.writing.__enter__()
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.writing.__exit__(None, None, None)
                raise
            return self.conn

        def __exit__(self, exc_type, exc, tb):
            try:
                if exc_type is None:
                    self.conn.execute("COMMIT")
                else:
                    self.conn.execute("ROLLBACK")
            finally:
                self.writing.__exit__(None, None, None)
            return False

    def _transaction(self, conn: sqlite3.Connection | None = None) -> Store._Txn:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (also KeyboardInterrupt)."""
        if conn is not None:
            return Store._Txn(conn)
        return Store._Txn(self.conn, self)

    @contextlib.contextmanager
    def writing(self):
        """Make this thread the (only) writer: other writers wait, readers carry on."""
        with self._write_lock:
            previous, self._writer = self._writer, threading.get_ident()
            try:
                yield self
            finally:
                self._writer = previous

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection: the writer's inside writing(), else its own reader."""
        if self._writer == threading.get_ident():
            return self.conn
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.conn is None:
                raise WorkbenchError(f"The index in {self.dir} is closed; open it again.")
            conn = sqlite3.connect(
                self.db_path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @contextlib.contextmanager
    def snapshot(self):
        """Reads inside see one committed state of the database, whatever writers do meanwhile."""
        conn = self.db
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # -- metadata -----------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def _set_meta(self, key: str, value: object) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def get_setting(self, key: str) -> dict | None:
        """A JSON object saved with set_setting (None if absent)."""
        raw = self.get_meta(f"setting:{key}")
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, dict):
            raise WorkbenchError(
                f"The setting '{key}' in {self.db_path} is not valid JSON; "
                f"reset it (for verdict parameters: `workbench index params --reset`)."
            )
        return value

    def set_setting(self, key: str, value: dict | None) -> None:
        """Save (or with None, delete) a JSON object in the meta table, in one transaction."""
        with self._transaction():
            if value is None:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (f"setting:{key}",))
            else:
                self._set_meta(f"setting:{key}", json.dumps(value, sort_keys=True))

    def set_model(self, name: str, dimension: int | None) -> None:
        """Record the embedding model (and its dimension once known)."""
        with self._transaction():
            self._set_meta("model", name)
            if dimension is not None:
                self._set_meta("dimension", dimension)
            else:
                self.conn.execute("DELETE FROM meta WHERE key = 'dimension'")

    @property
    def model(self) -> str | None:
        return self.get_meta("model")

    @property
    def dimension(self) -> int | None:
        value = self.get_meta("dimension")
        return int(value) if value else None

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation", "0"))

    def _bump(self) -> None:
        self._set_meta("generation", self.generation + 1)

    def read_manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    # -- counts and listings ------------------------------------------------------------
    def count_documents(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def count_sentences(self) -> int:
        return self.db.execute("SELECT count(*) FROM sentences").fetchone()[0]

    def document_hash(self, doc_id: str) -> str | None:
        row = self.db.execute(
            "SELECT content_hash FROM documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        return row[0] if row else None

    def find_by_hash(self, content_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT doc_id FROM documents WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        return row[0] if row else None

    def documents(self) -> list[DocumentInfo]:
        rows = self.db.execute(
            "SELECT doc_id, title, date, source, n_sentences, added_at, url FROM documents "
            "ORDER BY doc_id"
        )
        return [DocumentInfo(*row) for row in rows]

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute(
            "SELECT doc_id, title, date, source, n_sentences, added_at, url, text, content_hash "
            "FROM documents WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        return Document(*row) if row else None

    # -- writes -------------------------------------------------------------------------
    def put_documents(
        self, batch: list[tuple[SourceDocument, list[Sentence], np.ndarray]]
    ) -> tuple[list[int], list[int]]:
        """Insert or replace documents in one transaction; returns (new sentence ids, old ids).

        Nothing of the batch is visible to readers until the transaction commits.
        """
        new: list[int] = []
        old: list[int] = []
        with self._transaction() as conn:
            for doc, sentences, embeddings in batch:
                embeddings = np.ascontiguousarray(embeddings, dtype=np.float32)
                old += [
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM sentences WHERE doc_id = ?", (doc.doc_id,)
                    )
                ]
                conn.execute("DELETE FROM sentences WHERE doc_id = ?", (doc.doc_id,))
                conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
                conn.execute(
                    "INSERT INTO documents(doc_id, title, date, source, url, text, content_hash, "
                    "n_sentences, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.doc_id,
                        doc.title,
                        doc.date,
                        doc.source,
                        doc.url,
                        doc.text,
                        doc.content_hash,
                        len(sentences),
                        _now(),
                    ),
                )
                for position, (sentence, vector) in enumerate(zip(sentences, embeddings)):
                    cursor = conn.execute(
                        "INSERT INTO sentences(doc_id, position, start_char, end_char, text, "
                        "embedding) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            doc.doc_id,
                            position,
                            sentence.start,
                            sentence.end,
                            sentence.text,
                            vector.tobytes(),
                        ),
                    )
                    new.append(cursor.lastrowid)
            self._bump()
        return new, old

    def delete_document(self, doc_id: str) -> list[int] | None:
        """Delete one document; returns its sentence ids, or None when it was not there."""
        with self._transaction() as conn:
            if (
                conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
                is None
            ):
                return None
            old = [
                r[0] for r in conn.execute("SELECT id FROM sentences WHERE doc_id = ?", (doc_id,))
            ]
            conn.execute("DELETE FROM sentences WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self._bump()
        return old

    # -- vectors ------------------------------------------------------------------------
    def _iter_embeddings(
        self, chunk: int = 50_000, after: int = -1
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        last = after
        while True:
            rows = self.db.execute(
                "SELECT id, embedding FROM sentences WHERE id > ? ORDER BY id LIMIT ?",
                (last, chunk),
            ).fetchall()
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            yield ids, vecs.reshape(len(rows), -1)
            last = int(ids[-1])

    def embeddings(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        """Stored vectors for the given sentence ids."""
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, embedding FROM sentences WHERE id IN ({marks})", ids)
        return {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows}

    def _build_vectors(self) -> tuple[vectors.ANN, int, int]:
        """A fresh index from the embeddings in SQLite: (index, generation, max sentence id)."""
        with self.snapshot():
            generation = self.generation
            chunks = list(self._iter_embeddings())
            dim = self.dimension or (chunks[0][1].shape[1] if chunks else 1)
        n = sum(len(ids) for ids, _ in chunks)
        kind, params = vectors.choose(n)
        ann = vectors.create(kind, dim, params)
        if chunks:
            ids = np.concatenate([c[0] for c in chunks])
            vecs = np.vstack([c[1] for c in chunks])
            ann.build(ids, vecs)
        else:
            ann.index = ann.make(0)
        max_id = int(chunks[-1][0][-1]) if chunks else -1
        return ann, generation, max_id

    def _swap(self, ann: vectors.ANN, generation: int, max_id: int) -> None:
        """Make `ann` the index searches use (readers switch over between two searches)."""
        with self._ann_lock:
            self._ann, self._ann_generation, self._ann_max_id = ann, generation, max_id

    def rebuild_vectors(self, save: bool = True) -> vectors.ANN:
        """Rebuild the FAISS index from the embeddings stored in SQLite (and save it)."""
        ann, generation, max_id = self._build_vectors()
        self._swap(ann, generation, max_id)
        if save:
            self.save_vectors()
        return ann

    def _load_vectors(self) -> tuple[vectors.ANN, int, int] | None:
        """The saved FAISS index if it matches the database, else None."""
        manifest = self.read_manifest()
        index_info = manifest.get("index") or {}
        with self.snapshot() as conn:
            generation = self.generation
            n_sentences = self.count_sentences()
            max_id = conn.execute("SELECT max(id) FROM sentences").fetchone()[0]
        if (
            not self.vectors_path.exists()
            or manifest.get("generation") != generation
            or not index_info.get("type")
        ):
            return None
        params = {k: v for k, v in index_info.items() if k != "type"}
        try:
            ann = vectors.load(self.vectors_path, index_info["type"], self.dimension or 0, params)
        except Exception:  # noqa: BLE001 - any unreadable file is rebuilt from SQLite
            return None
        if ann.count() != n_sentences or ann.index.d != (self.dimension or ann.index.d):
            return None
        return ann, generation, -1 if max_id is None else int(max_id)

    def _catch_up(self) -> bool:
        """Add sentences another process committed since the index was loaded (no removals)."""
        ann = self._ann
        if ann is None:
            return False
        with self.snapshot():
            generation = self.generation
            n_sentences = self.count_sentences()
            chunks = list(self._iter_embeddings(after=self._ann_max_id))
        n_new = sum(len(ids) for ids, _ in chunks)
        if ann.count() + n_new != n_sentences:  # something was removed or replaced: rebuild
            return False
        max_id = self._ann_max_id
        with self._ann_lock:
            for ids, vecs in chunks:
                if ann.index.d != vecs.shape[1]:
                    return False
                ann.add(ids, vecs)
                max_id = int(ids[-1])
            self._ann_generation, self._ann_max_id = generation, max_id
        return True

    @property
    def ann(self) -> vectors.ANN:
        """The vector index, in step with the database (reloaded or rebuilt when it is not).

        While another thread of this process is writing, readers use the index as it is: the
        writer adds each committed batch to it, and sentences it does not hold yet are still
        found by BM25.
        """
        me = threading.get_ident()
        if self._ann is not None and self._writer is not None and self._writer != me:
            return self._ann
        generation = self.generation
        if self._ann is None or self._ann_generation != generation:
            with self._refresh_lock:
                if self._ann is None or self._ann_generation != self.generation:
                    self._refresh(writer=self._writer == me)
        return self._ann

    def _refresh(self, writer: bool) -> None:
        loaded = self._load_vectors()
        if loaded is not None:
            self._swap(*loaded)
            return
        if writer:
            self.rebuild_vectors()
        elif not self._catch_up():
            if self._write_lock.acquire(blocking=False):  # nobody writing here: repair the file
                try:
                    with self.writing():
                        self.rebuild_vectors()
                finally:
                    self._write_lock.release()
            else:
                self.rebuild_vectors(save=False)  # only writers write files

    def apply_vectors(self, added: list[int], vecs: np.ndarray, removed: list[int]) -> None:
        """Mirror a committed write in the in-memory index (call ensure_vectors() before it).

        The file is written by finish_vectors(); a kill in between leaves an older file that the
        next open detects (generation mismatch) and rebuilds from SQLite.
        """
        ann = self._ann
        if ann is None or self._stale or (len(added) and ann.index.d != vecs.shape[1]):
            self._stale = True
            return
        try:
            with self._ann_lock:
                ann.remove(np.asarray(removed, dtype=np.int64))
                ann.add(np.asarray(added, dtype=np.int64), vecs)
                if len(added):
                    self._ann_max_id = max(self._ann_max_id, int(max(added)))
        except NotImplementedError:
            self._stale = True
            return
        self._dirty = True
        if ann.count() != self.count_sentences():  # another process wrote meanwhile
            self._stale = True
            return
        self._ann_generation = self.generation

    def finish_vectors(self) -> None:
        """Save the index after writes, rebuilding when stale or when its size class changed."""
        ann = self._ann
        if not (self._dirty or self._stale):
            return
        kind, params = vectors.choose(self.count_sentences())
        stale = self._stale or ann is None or ann.kind != kind
        if not stale and kind == "ivf":
            nlist = ann.params.get("nlist", 0)
            stale = not (params["nlist"] / 2 <= nlist <= params["nlist"] * 2)
            stale = stale or ann.params.get("quantizer") != params["quantizer"]
        self._stale = self._dirty = False
        if stale:
            self.rebuild_vectors()
        else:
            self.save_vectors()

    def ensure_vectors(self) -> None:
        """Bring the in-memory index in step with the database before a batch of writes."""
        self._stale = self._dirty = False
        self._remove_stale_temp_files()
        _ = self.ann

    def _remove_stale_temp_files(self, age_s: float = 600.0) -> None:
        """Delete temp files a killed writer left behind (old enough not to be in use)."""
        now = time.time()
        for tmp in self.dir.glob("*.tmp"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > age_s:
                    tmp.unlink()

    def save_vectors(self) -> None:
        """Write the FAISS file, then the manifest (both atomic)."""
        if self._ann is None:
            return
        self._ann.save(self.vectors_path)
        self.write_manifest()

    def write_manifest(self) -> None:
        ann_info = self._ann.describe() if self._ann is not None else {}
        payload = {
            "schema_version": SCHEMA_VERSION,
            "embedding_model": self.model,
            "dimension": self.dimension,
            "index": ann_info,
            "documents": self.count_documents(),
            "sentences": self.count_sentences(),
            "vectors": self._ann.count() if self._ann is not None else 0,
            "generation": self._ann_generation,
            "database": DB_NAME,
            "vectors_file": VECTORS_NAME,
            "updated_at": _now(),
        }
        write_json_atomic(self.manifest_path, payload)

    def search_vectors(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        ann = self.ann
        with self._ann_lock:
            scores, ids = ann.search(query.reshape(1, -1), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    # -- BM25 and sentence lookups ------------------------------------------------------
    def search_bm25(self, match: str, k: int) -> list[tuple[int, float]]:
        """FTS5 bm25() ranking (lower is better in SQLite; returned as positive scores)."""
        if not match:
            return []
        rows = self.db.execute(
            "SELECT rowid, bm25(sentences_fts) AS rank FROM sentences_fts "
            "WHERE sentences_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, k),
        )
        return [(int(r[0]), -float(r[1])) for r in rows]

    def sentences(self, ids: list[int], context: int = 1) -> dict[int, Passage]:
        """Sentences by id with document metadata and +-context neighbouring sentences.

        A passage's source is its document's URL when it has one, else the file path.
        """
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            "SELECT s.id, s.doc_id, d.title, d.date, d.source, d.url, s.text, s.start_char,"
            " s.end_char, (SELECT substr(d.text, min(n.start_char) + 1,"
            "   max(n.end_char) - min(n.start_char)) FROM sentences n"
            "   WHERE n.doc_id = s.doc_id AND n.position BETWEEN s.position - ? AND s.position + ?)"
            f" FROM sentences s JOIN documents d ON d.doc_id = s.doc_id WHERE s.id IN ({marks})",
            [context, context, *ids],
        )
        out = {}
        for r in rows:
            sid, doc_id, title, date, source, url, text, start, end, ctx = r
            out[sid] = Passage(doc_id, title, date, url or source, text, start, end, ctx or text)
        return out

    def stats(self) -> dict:
        ann = self._ann
        manifest = self.read_manifest()
        index_info = ann.describe() if ann is not None else manifest.get("index", {})
        db_bytes = sum(p.stat().st_size for p in self.dir.glob(DB_NAME + "*") if p.is_file())
        return {
            "index_dir": str(self.dir),
            "documents": self.count_documents(),
            "sentences": self.count_sentences(),
            "embedding_model": self.model,
            "dimension": self.dimension,
            "vector_index": index_info,
            "schema_version": SCHEMA_VERSION,
            "database_bytes": db_bytes,
            "vectors_bytes": self.vectors_path.stat().st_size if self.vectors_path.exists() else 0,
        }

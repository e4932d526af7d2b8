"""The FAISS file as a cache of the embeddings stored in SQLite: load it, rebuild it, save it.

SQLite is the source of truth. The FAISS file and the manifest record the write generation they
were saved at; when the file is missing, corrupt or behind the database (a writer killed between
its commit and the file write, or another process wrote since) the index is rebuilt from the
stored embeddings. Reading never writes: a reader builds what it needs in memory, so a check
works on a read-only or full disk; only the writer path (ensure/apply/finish, i.e. `index add`
and `index remove`) saves the file, with the one atomic-write helper.

Readers never wait for a build: the in-memory index is mutated only briefly under a lock, and
rebuilt indexes are swapped in whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from pathlib import Path

import numpy as np

from . import documents, meta, vectors
from .connection import DB_NAME, SCHEMA_VERSION, Database
from .files import write_json_atomic

VECTORS_NAME = "vectors.faiss"
MANIFEST_NAME = "manifest.json"
TEMP_FILE_MAX_AGE_S = 600.0  # a temp file older than this was left by a killed writer


class VectorCache:
    """The in-memory vector index of one index folder, kept in step with its database."""

    def __init__(self, db: Database, index_dir: Path):
        self.db = db
        self.dir = Path(index_dir)
        self.path = self.dir / VECTORS_NAME
        self.manifest_path = self.dir / MANIFEST_NAME
        self._ann: vectors.ANN | None = None
        self._generation = -1  # the database generation the in-memory index reflects
        self._max_id = -1  # highest sentence id in the in-memory index (for catching up)
        self._saved = False  # the files on disk hold exactly the in-memory index
        self._lock = threading.Lock()  # held while the in-memory index is searched/changed
        self._refresh_lock = threading.Lock()  # one thread reloads/rebuilds it at a time
        self._stale = False  # a write could not be mirrored: rebuild at finish()
        self._dirty = False  # a write was mirrored: save at finish()

    # -- reading (never writes a file) ----------------------------------------------------
    @property
    def loaded(self) -> vectors.ANN | None:
        """The in-memory index as it is now, without bringing it in step (None before use)."""
        return self._ann

    def current(self) -> vectors.ANN:
        """The vector index, in step with the database (reloaded or rebuilt when it is not).

        While another thread of this process is writing, readers use the index as it is: the
        writer adds each committed batch to it, and sentences it does not hold yet are still
        found by BM25.
        """
        if self._ann is not None and self.db.writing_elsewhere():
            return self._ann
        if self._ann is None or self._generation != self._db_generation():
            with self._refresh_lock:
                if self._ann is None or self._generation != self._db_generation():
                    self._refresh()
        return self._ann

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(sentence id, inner product) of the k nearest stored sentences.

        A compressed index (IVF-PQ) names `rerank` x k candidates; their exact scores come
        from the float32 embeddings SQLite keeps anyway, so the order is exact among them.
        """
        ann = self.current()
        depth = k * int(ann.params.get("rerank", 1))
        with self._lock:
            scores, ids = ann.search(query.reshape(1, -1), depth)
        found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        if depth > k and found:
            stored = documents.embeddings(self.db.connection, [i for i, _ in found])
            q = np.asarray(query, dtype=np.float32).reshape(-1)
            exact = [(i, float(stored[i] @ q)) for i, _ in found if i in stored]
            found = sorted(exact, key=lambda pair: -pair[1])
        return found[:k]

    def read_manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def describe(self) -> dict:
        """Type and parameters of the index in memory, else of the saved one."""
        ann = self._ann
        return ann.describe() if ann is not None else self.read_manifest().get("index", {})

    def file_bytes(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def _db_generation(self) -> int:
        return meta.generation(self.db.connection)

    def _refresh(self) -> None:
        loaded = self._load()
        if loaded is not None:
            self._swap(*loaded, saved=True)
        elif self.db.is_writer():
            self.rebuild(save=True)
        elif not self._catch_up():
            self.rebuild(save=False)

    def _load(self) -> tuple[vectors.ANN, int, int] | None:
        """The saved FAISS index if it matches the database, else None."""
        manifest = self.read_manifest()
        index_info = manifest.get("index") or {}
        with self.db.snapshot() as conn:
            generation = meta.generation(conn)
            dimension = meta.dimension(conn)
            n_sentences = documents.count_sentences(conn)
            max_id = documents.max_sentence_id(conn)
        if (
            not self.path.exists()
            or manifest.get("generation") != generation
            or not index_info.get("type")
        ):
            return None
        params = {k: v for k, v in index_info.items() if k != "type"}
        try:
            ann = vectors.load(self.path, index_info["type"], dimension or 0, params)
        except Exception:  # noqa: BLE001 - any unreadable file is rebuilt from SQLite
            return None
        if ann.count() != n_sentences or (dimension and ann.dimension != dimension):
            return None
        return ann, generation, max_id

    def _build(self) -> tuple[vectors.ANN, int, int]:
        """A fresh index from the embeddings in SQLite: (index, generation, max sentence id).

        Training takes a sample and the vectors are added chunk by chunk as they are read, so
        a rebuild holds the index itself, not every float32 vector at once (that would be
        150 GB at 100M sentences; IVF-PQ's codes are 5.6 GB).
        """
        with self.db.snapshot() as conn:
            generation = meta.generation(conn)
            n = documents.count_sentences(conn)
            dimension = meta.dimension(conn)
            if dimension is None:
                first = next(documents.iter_embeddings(conn, chunk=1), None)
                dimension = first[1].shape[1] if first else 1
            kind, params = vectors.choose(n)
            ann = vectors.create(kind, dimension, params)
            ann.index = ann.make(n)
            if n and ann.training_sample():
                ann.train(documents.sample_embeddings(conn, ann.training_sample()))
            max_id = -1
            for ids, vecs in documents.iter_embeddings(conn):
                ann.add(ids, vecs)
                max_id = int(ids[-1])
        return ann, generation, max_id

    def _catch_up(self) -> bool:
        """Add sentences another process committed since the index was loaded (no removals)."""
        ann = self._ann
        if ann is None:
            return False
        with self.db.snapshot() as conn:
            generation = meta.generation(conn)
            n_sentences = documents.count_sentences(conn)
            chunks = list(documents.iter_embeddings(conn, after=self._max_id))
        n_new = sum(len(ids) for ids, _ in chunks)
        if ann.count() + n_new != n_sentences:  # something was removed or replaced: rebuild
            return False
        if any(vecs.shape[1] != ann.dimension for _, vecs in chunks):
            return False
        with self._lock:
            for ids, vecs in chunks:
                ann.add(ids, vecs)
                self._max_id = int(ids[-1])
            self._generation = generation
            self._saved = self._saved and n_new == 0
        return True

    def _swap(self, ann: vectors.ANN, generation: int, max_id: int, saved: bool) -> None:
        """Make `ann` the index searches use (readers switch over between two searches)."""
        with self._lock:
            self._ann, self._generation, self._max_id = ann, generation, max_id
            self._saved = saved

    def rebuild(self, save: bool = True) -> vectors.ANN:
        """Rebuild the index from the stored embeddings (and, for a writer, save it)."""
        ann, generation, max_id = self._build()
        self._swap(ann, generation, max_id, saved=False)
        if save:
            self.save()
        return ann

    # -- the writer path (callers hold Database.writing()) --------------------------------
    def ensure(self) -> None:
        """Bring the index (and the files) in step with the database before a batch of writes."""
        self._stale = self._dirty = False
        self._remove_stale_temp_files()
        self.current()
        if not self._saved:  # a reader built it in memory: repair the file now
            self.save()

    def apply(self, added: list[int], vecs: np.ndarray, removed: list[int]) -> None:
        """Mirror a committed write in the in-memory index (call ensure() before it).

        The file is written by finish(); a kill in between leaves an older file that the next
        open detects (generation mismatch) and rebuilds from SQLite.
        """
        ann = self._ann
        if ann is None or self._stale or (len(added) and ann.dimension != vecs.shape[1]):
            self._stale = True
            return
        try:
            with self._lock:
                ann.remove(np.asarray(removed, dtype=np.int64))
                ann.add(np.asarray(added, dtype=np.int64), vecs)
                if len(added):
                    self._max_id = max(self._max_id, int(max(added)))
                self._saved = False
        except NotImplementedError:
            self._stale = True
            return
        self._dirty = True
        conn = self.db.connection
        if ann.count() != documents.count_sentences(conn):  # another process wrote meanwhile
            self._stale = True
            return
        self._generation = meta.generation(conn)

    def finish(self) -> None:
        """Save the index after writes, rebuilding when stale or when its size class changed."""
        ann = self._ann
        if not (self._dirty or self._stale):
            return
        kind, params = vectors.choose(documents.count_sentences(self.db.connection))
        stale = self._stale or ann is None or ann.kind != kind
        if not stale and kind == "ivf":
            nlist = ann.params.get("nlist", 0)
            stale = not (params["nlist"] / 2 <= nlist <= params["nlist"] * 2)
            stale = stale or ann.params.get("quantizer") != params["quantizer"]
        self._stale = self._dirty = False
        if stale:
            self.rebuild()
        else:
            self.save()

    def save(self) -> None:
        """Write the FAISS file, then the manifest (both atomic)."""
        if self._ann is None:
            return
        self._ann.save(self.path)
        self.write_manifest()
        self._saved = True

    def write_manifest(self) -> None:
        ann = self._ann
        conn = self.db.connection
        payload = {
            "schema_version": SCHEMA_VERSION,
            "embedding_model": meta.get(conn, "model"),
            "dimension": meta.dimension(conn),
            "index": ann.describe() if ann is not None else {},
            "documents": documents.count_documents(conn),
            "sentences": documents.count_sentences(conn),
            "vectors": ann.count() if ann is not None else 0,
            "generation": self._generation,
            "database": DB_NAME,
            "vectors_file": VECTORS_NAME,
            "updated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        write_json_atomic(self.manifest_path, payload)

    def _remove_stale_temp_files(self, age_s: float = TEMP_FILE_MAX_AGE_S) -> None:
        """Delete temp files a killed writer left behind (old enough not to be in use)."""
        now = time.time()
        for tmp in self.dir.glob("*.tmp"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > age_s:
                    tmp.unlink()

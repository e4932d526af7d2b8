"""The BM25 engine of one index folder, kept in step with its database like the FAISS file.

Below the crossover size FTS5 answers directly (its triggers keep it in step). Above it the
bm25s files in `<index>/text.bm25s/` are a cache of the sentences in SQLite: they record the
write generation, highest sentence id and count they were built from. Sentences added since are
searched with FTS5 (`rowid > max_id`) and merged by score, removed ones are dropped from the
results, until either exceeds DELTA of the built count; then the engine is rebuilt from SQLite.
Missing, corrupt or foreign files are rebuilt too. As for vectors, reading never writes a file:
a reader builds in memory, and only the writer path (ensure/finish: `index add`/`remove`)
saves, into a temp folder renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

from .. import documents, meta
from ..connection import Database
from .base import TextIndex
from .factory import choose, create
from .fts5 import search_fts5

TEXT_DIR = "text.bm25s"
DELTA = 0.10  # added or removed sentences, as a share of the built count, served without rebuild
TEMP_MAX_AGE_S = 600.0


class TextCache:
    """Chooses, loads, builds and saves the BM25 engine of one index folder."""

    def __init__(self, db: Database, index_dir: Path):
        self.db = db
        self.dir = Path(index_dir)
        self.path = self.dir / TEXT_DIR
        self._fts5 = create("fts5")
        self._engine: TextIndex | None = None  # None: FTS5 answers
        self._checked = -1  # database generation the choice below was made at
        self._added = 0  # sentences newer than the engine (searched with FTS5)
        self._removed = 0  # sentences of the engine no longer stored (dropped from results)
        self._saved = False  # the files hold exactly self._engine
        self._lock = threading.Lock()

    # -- reading (never writes a file) ----------------------------------------------------
    def current(self) -> TextIndex:
        """The engine in step with the database (chosen by size; loaded or built when needed)."""
        if self._checked >= 0 and self.db.writing_elsewhere():
            return self._engine or self._fts5  # a writer here: use what there is meanwhile
        generation = meta.generation(self.db.connection)
        if generation != self._checked:
            with self._lock:
                if generation != self._checked:
                    self._refresh()
        return self._engine or self._fts5

    def search(self, claim: str, k: int) -> list[tuple[int, float]]:
        """(sentence id, BM25 score) of the k best sentences for the claim, best first."""
        engine = self.current()
        conn = self.db.connection
        if engine is self._fts5:
            return engine.search(conn, claim, k)
        added, removed = self._added, self._removed
        hits = engine.search(conn, claim, k + (removed and k))
        if removed:  # drop sentences deleted since the build
            marks = ",".join("?" * len(hits))
            alive = (
                {
                    r[0]
                    for r in conn.execute(
                        f"SELECT id FROM sentences WHERE id IN ({marks})", [i for i, _ in hits]
                    )
                }
                if hits
                else set()
            )
            hits = [h for h in hits if h[0] in alive]
        if added:
            hits += search_fts5(conn, claim, k, after=int(engine.info["max_id"]))
            hits.sort(key=lambda h: -h[1])
        return hits[:k]

    def describe(self) -> dict:
        engine = self._engine
        if engine is None:
            return self._fts5.describe()
        return {**engine.describe(), "added_since_build": self._added}

    def file_bytes(self) -> int:
        if not self.path.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())

    def _refresh(self) -> None:
        with self.db.snapshot() as conn:
            generation = meta.generation(conn)
            n = documents.count_sentences(conn)
            if choose(n) == "fts5":
                self._engine, self._added, self._removed = None, 0, 0
                self._checked = generation
                return
            engine = self._engine
            if engine is None:
                engine, self._saved = self._load(generation), True
            if engine is not None and not self._usable(conn, engine, n, generation):
                engine = None
            if engine is None:
                engine = self._build(conn, generation, n)
        self._engine = engine
        self._checked = generation
        if self.db.is_writer() and not self._saved:
            self.save()

    def _usable(self, conn, engine: TextIndex, n: int, generation: int) -> bool:
        """Close enough to the database to answer with the FTS5 delta (sets added/removed)."""
        info = engine.info
        if info.get("generation", -1) > generation:  # files of another (recreated) database
            return False
        max_id = int(info.get("max_id", -1))
        added = conn.execute("SELECT count(*) FROM sentences WHERE id > ?", (max_id,)).fetchone()
        added = int(added[0])
        removed = engine.count() - (n - added)
        if removed < 0 or max(added, removed) > DELTA * max(engine.count(), 1):
            return False
        self._added, self._removed = added, removed
        return True

    def _build(self, conn, generation: int, n: int) -> TextIndex:
        engine = create("bm25s").build(conn)
        engine.info = {
            "generation": generation,
            "max_id": documents.max_sentence_id(conn),
            "count": engine.count(),
        }
        self._added, self._removed, self._saved = 0, 0, False
        return engine

    def _load(self, generation: int) -> TextIndex | None:
        if not self.path.is_dir():
            return None
        try:
            return create("bm25s").load(self.path)
        except Exception:  # noqa: BLE001 - any unreadable file is rebuilt from SQLite
            return None

    # -- the writer path (callers hold Database.writing()) --------------------------------
    def ensure(self) -> None:
        """Before a batch of writes: remove what killed writers left, repair unsaved files."""
        now = time.time()
        for tmp in self.dir.glob(f".{TEXT_DIR}.*"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > TEMP_MAX_AGE_S:
                    shutil.rmtree(tmp, ignore_errors=True)
        self.finish()

    def finish(self) -> None:
        """After writes: bring the engine in step (rebuilt past DELTA or a size change), save."""
        self._checked = -1
        self.current()
        if self._engine is not None and not self._saved:
            self.save()
        elif self._engine is None and self.path.exists():
            shutil.rmtree(self.path, ignore_errors=True)  # back below the crossover

    def save(self) -> None:
        """Write the engine into a temp folder, then swap it in (a kill leaves old or new)."""
        if self._engine is None:
            return
        tmp = self.dir / f".{TEXT_DIR}.{os.getpid()}.new"
        old = self.dir / f".{TEXT_DIR}.{os.getpid()}.old"
        for leftover in (tmp, old):
            shutil.rmtree(leftover, ignore_errors=True)
        self._engine.save(tmp)
        if self.path.exists():
            os.replace(self.path, old)
        os.replace(tmp, self.path)
        shutil.rmtree(old, ignore_errors=True)
        self._saved = True

"""Stage 4: persistent index = one SQLite database + a FAISS file + a JSON manifest.

Store is a thin facade over the parts, so callers have one object per index folder:

- connection.py: connections, transactions, per-thread read snapshots, WAL, migrations;
- documents.py: document, sentence and embedding SQL (SQLite is the source of truth);
- meta.py: model, dimension, write generation and saved settings;
- vector_cache.py: the FAISS file built from the stored embeddings, loaded, rebuilt, saved;
- text/: BM25 - FTS5, or above text.CROSSOVER sentences bm25s files built from SQLite the same way.

A kill at any moment leaves an index that opens with every committed document and nothing
half-written; reading never writes a file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ..errors import WorkbenchError
from ..model.evidence import Passage
from . import documents, meta, vectors
from .connection import DB_NAME, SCHEMA_VERSION, Database
from .documents import Document, DocumentBatch, DocumentEdit, DocumentInfo
from .text import TextCache
from .vector_cache import MANIFEST_NAME, VECTORS_NAME, VectorCache

__all__ = [
    "DB_NAME",
    "MANIFEST_NAME",
    "SCHEMA_VERSION",
    "VECTORS_NAME",
    "Document",
    "DocumentEdit",
    "DocumentInfo",
    "Store",
]


class Store:
    """SQLite + FAISS index in one folder, shared by the threads of one process.

    Writes go through writing() (one writer thread at a time, on the writer connection);
    every other thread reads on its own connection.
    """

    def __init__(self, index_dir: str | os.PathLike, create: bool = True):
        self.dir = Path(index_dir)
        self.db_path = self.dir / DB_NAME
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
        self.database = Database(self.db_path)
        self.vectors = VectorCache(self.database, self.dir)
        self.vectors_path = self.vectors.path
        self.manifest_path = self.vectors.manifest_path
        self.text = TextCache(self.database, self.dir)

    # -- connections --------------------------------------------------------------------
    @property
    def conn(self):
        """The writer connection (None once closed)."""
        return self.database.writer

    @property
    def db(self):
        """This thread's connection: the writer's inside writing(), else its own reader."""
        return self.database.connection

    def writing(self) -> contextlib.AbstractContextManager:
        """Make this thread the (only) writer: other writers wait, readers carry on."""
        return self.database.writing()

    def snapshot(self) -> contextlib.AbstractContextManager:
        """Reads inside see one committed state of the database, whatever writers do meanwhile."""
        return self.database.snapshot()

    def close(self) -> None:
        self.database.close()

    # -- metadata -----------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        return meta.get(self.db, key, default)

    def get_setting(self, key: str) -> dict | None:
        """A JSON object saved with set_setting (None if absent)."""
        return meta.get_setting(self.db, key, self.db_path)

    def set_setting(self, key: str, value: dict | None) -> None:
        """Save (or with None, delete) a JSON object in the meta table, in one transaction."""
        with self.database.transaction() as conn:
            meta.put_setting(conn, key, value)

    def set_model(self, name: str, dimension: int | None) -> None:
        """Record the embedding model (and its dimension once known)."""
        with self.database.transaction() as conn:
            meta.put(conn, "model", name)
            if dimension is not None:
                meta.put(conn, "dimension", dimension)
            else:
                meta.delete(conn, "dimension")

    @property
    def model(self) -> str | None:
        return meta.get(self.db, "model")

    @property
    def dimension(self) -> int | None:
        return meta.dimension(self.db)

    @property
    def generation(self) -> int:
        return meta.generation(self.db)

    def _bump(self) -> None:
        """Count one more write, inside its transaction (the crash tests kill the process here)."""
        meta.bump_generation(self.conn)

    def read_manifest(self) -> dict:
        return self.vectors.read_manifest()

    # -- documents ----------------------------------------------------------------------
    def count_documents(self) -> int:
        return documents.count_documents(self.db)

    def count_sentences(self) -> int:
        return documents.count_sentences(self.db)

    def document_hash(self, doc_id: str) -> str | None:
        return documents.content_hash(self.db, doc_id)

    def find_by_hash(self, content_hash: str) -> str | None:
        return documents.find_by_hash(self.db, content_hash)

    def documents(self) -> list[DocumentInfo]:
        return documents.list_documents(self.db)

    def document(self, doc_id: str) -> Document | None:
        return documents.get_document(self.db, doc_id)

    def put_documents(self, batch: DocumentBatch) -> tuple[list[int], list[int]]:
        """Insert or replace documents in one transaction; returns (new sentence ids, old ids).

        Nothing of the batch is visible to readers until the transaction commits.
        """
        with self.database.transaction() as conn:
            new, old = documents.put_documents(conn, batch)
            self._bump()
        return new, old

    def delete_document(self, doc_id: str) -> list[int] | None:
        """Delete one document; returns its sentence ids, or None when it was not there."""
        with self.database.transaction() as conn:
            old = documents.delete_document(conn, doc_id)
            if old is not None:
                self._bump()
        return old

    def document_overrides(self, doc_id: str) -> dict[str, str | None]:
        """The title/date corrections in force for a document (applied on every re-add)."""
        return documents.overrides(self.db, doc_id)

    def document_edits(self, doc_id: str) -> list[DocumentEdit]:
        """A document's edit log (old value, new value, when), oldest first."""
        return documents.document_edits(self.db, doc_id)

    def document_sentences(self, doc_id: str) -> list[tuple[int, str]]:
        return documents.document_sentences(self.db, doc_id)

    def edit_document(
        self,
        doc_id: str,
        changes: dict[str, str | None],
        vectors: dict[int, np.ndarray] | None = None,
    ) -> list[DocumentEdit] | None:
        """Correct a document's title/date (logged, kept in force) and, with vectors, replace
        its sentences' embeddings, in one transaction; None when there is no such document."""
        with self.database.transaction() as conn:
            edits = documents.edit_document(conn, doc_id, changes)
            if edits is not None and vectors:
                documents.set_embeddings(conn, vectors)
                self._bump()
        return edits

    def embeddings(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        """Stored vectors for the given sentence ids."""
        return documents.embeddings(self.db, ids)

    def _iter_embeddings(
        self, chunk: int = 50_000, after: int = -1
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return documents.iter_embeddings(self.db, after=after, chunk=chunk)

    def search_bm25(self, match: str, k: int) -> list[tuple[int, float]]:
        """FTS5 bm25() ranking of a MATCH expression (SQLite's own BM25, whatever the size)."""
        return documents.search_bm25(self.db, match, k)

    def search_text(self, claim: str, k: int) -> list[tuple[int, float]]:
        """BM25 ranking of the claim's words by the engine chosen for this size (text/)."""
        return self.text.search(claim, k)

    def sentences(self, ids: list[int], context: int = 1) -> dict[int, Passage]:
        """Sentences by id with document metadata and +-context neighbouring sentences."""
        return documents.passages(self.db, ids, context)

    # -- vectors ------------------------------------------------------------------------
    @property
    def ann(self) -> vectors.ANN:
        """The vector index in step with the database; reading it never writes a file."""
        return self.vectors.current()

    def search_vectors(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        return self.vectors.search(query, k)

    def ensure_vectors(self) -> None:
        """Writer path: bring the vector and text indexes and their files in step before writes."""
        self.vectors.ensure()
        self.text.ensure()

    def apply_vectors(self, added: list[int], vecs: np.ndarray, removed: list[int]) -> None:
        """Writer path: mirror a committed write in the in-memory index."""
        self.vectors.apply(added, vecs, removed)

    def finish_vectors(self) -> None:
        """Writer path: save the vector and text indexes after writes (rebuilt if stale/resized)."""
        self.vectors.finish()
        self.text.finish()

    def rebuild_vectors(self, save: bool = True) -> vectors.ANN:
        """Rebuild the FAISS index from the embeddings stored in SQLite (and save it)."""
        return self.vectors.rebuild(save=save)

    def save_vectors(self) -> None:
        self.vectors.save()

    def stats(self) -> dict:
        db_bytes = sum(p.stat().st_size for p in self.dir.glob(DB_NAME + "*") if p.is_file())
        return {
            "index_dir": str(self.dir),
            "documents": self.count_documents(),
            "sentences": self.count_sentences(),
            "embedding_model": self.model,
            "dimension": self.dimension,
            "vector_index": self.vectors.describe(),
            "schema_version": SCHEMA_VERSION,
            "database_bytes": db_bytes,
            "vectors_bytes": self.vectors.file_bytes(),
            "text_index": self.text.describe(),
            "text_index_bytes": self.text.file_bytes(),
        }

"""Document, sentence and embedding SQL: the source of truth the vector cache is built from.

Functions take the connection to use (the writer's inside a transaction, a reader's otherwise),
so the caller decides what is one transaction and what one snapshot.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ..model.documents import Sentence, SourceDocument
from ..model.evidence import Passage

DocumentBatch = list[tuple[SourceDocument, list[Sentence], np.ndarray]]


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
    content_hash: str = ""  # of the document as read from its file: edits leave it as it is


EDITABLE = ("title", "date")  # the fields `index edit` corrects (document_edits, m002)


@dataclass
class DocumentEdit:
    """One manual correction of a document's field, as logged in document_edits."""

    id: int
    doc_id: str
    field: str
    old_value: str | None
    new_value: str | None
    edited_at: str


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# -- counts and listings --------------------------------------------------------------------
def count_documents(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def count_sentences(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM sentences").fetchone()[0]


def max_sentence_id(conn: sqlite3.Connection) -> int:
    """The highest sentence id, -1 when there are none."""
    value = conn.execute("SELECT max(id) FROM sentences").fetchone()[0]
    return -1 if value is None else int(value)


def content_hash(conn: sqlite3.Connection, doc_id: str) -> str | None:
    row = conn.execute("SELECT content_hash FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def find_by_hash(conn: sqlite3.Connection, digest: str) -> str | None:
    row = conn.execute(
        "SELECT doc_id FROM documents WHERE content_hash = ? LIMIT 1", (digest,)
    ).fetchone()
    return row[0] if row else None


def list_documents(conn: sqlite3.Connection) -> list[DocumentInfo]:
    rows = conn.execute(
        "SELECT doc_id, title, date, source, n_sentences, added_at, url FROM documents "
        "ORDER BY doc_id"
    )
    return [DocumentInfo(*row) for row in rows]


def get_document(conn: sqlite3.Connection, doc_id: str) -> Document | None:
    row = conn.execute(
        "SELECT doc_id, title, date, source, n_sentences, added_at, url, text, content_hash "
        "FROM documents WHERE doc_id = ?",
        (doc_id,),
    ).fetchone()
    return Document(*row) if row else None


# -- writes (inside the caller's transaction) ------------------------------------------------
def _sentence_ids(conn: sqlite3.Connection, doc_id: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM sentences WHERE doc_id = ?", (doc_id,))]


def _delete(conn: sqlite3.Connection, doc_id: str) -> None:
    conn.execute("DELETE FROM sentences WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


def _apply_overrides(conn: sqlite3.Connection, doc_id: str) -> None:
    """Put the corrections in force back on a document just stored from its file."""
    for field, value in overrides(conn, doc_id).items():
        conn.execute(f"UPDATE documents SET {field} = ? WHERE doc_id = ?", (value, doc_id))


def put_documents(conn: sqlite3.Connection, batch: DocumentBatch) -> tuple[list[int], list[int]]:
    """Insert or replace documents with their sentences and embeddings: (new ids, old ids)."""
    new: list[int] = []
    old: list[int] = []
    for doc, sentences, embeddings in batch:
        embeddings = np.ascontiguousarray(embeddings, dtype=np.float32)
        old += _sentence_ids(conn, doc.doc_id)
        _delete(conn, doc.doc_id)
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
        _apply_overrides(conn, doc.doc_id)  # a person's correction wins over the file's own
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
    return new, old


def delete_document(conn: sqlite3.Connection, doc_id: str) -> list[int] | None:
    """Delete one document: its sentence ids, or None when it was not there."""
    if conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is None:
        return None
    old = _sentence_ids(conn, doc_id)
    _delete(conn, doc_id)
    conn.execute("DELETE FROM document_overrides WHERE doc_id = ?", (doc_id,))  # log stays
    return old


# -- manual corrections (title, date) --------------------------------------------------------
def overrides(conn: sqlite3.Connection, doc_id: str) -> dict[str, str | None]:
    """The corrections in force for a document: {field: value}, applied on every re-add."""
    rows = conn.execute(
        "SELECT field, value FROM document_overrides WHERE doc_id = ? ORDER BY field", (doc_id,)
    )
    return {field: value for field, value in rows if field in EDITABLE}


def document_edits(conn: sqlite3.Connection, doc_id: str) -> list[DocumentEdit]:
    """A document's edit log, oldest first."""
    rows = conn.execute(
        "SELECT id, doc_id, field, old_value, new_value, edited_at FROM document_edits "
        "WHERE doc_id = ? ORDER BY id",
        (doc_id,),
    )
    return [DocumentEdit(*row) for row in rows]


def document_sentences(conn: sqlite3.Connection, doc_id: str) -> list[tuple[int, str]]:
    """(sentence id, text) of a document, in order."""
    rows = conn.execute(
        "SELECT id, text FROM sentences WHERE doc_id = ? ORDER BY position", (doc_id,)
    )
    return [(int(r[0]), r[1]) for r in rows]


def edit_document(
    conn: sqlite3.Connection, doc_id: str, changes: dict[str, str | None]
) -> list[DocumentEdit] | None:
    """Set fields of a stored document, log each change and keep it in force; None when there
    is no such document. A field already holding the value is left out (nothing logged)."""
    row = conn.execute("SELECT title, date FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    current = dict(zip(("title", "date"), row))
    edits, when = [], _now()
    for field, value in changes.items():
        if field not in EDITABLE:
            raise ValueError(f"{field} is not an editable document field")
        if current[field] == value:
            continue
        conn.execute(f"UPDATE documents SET {field} = ? WHERE doc_id = ?", (value, doc_id))
        cursor = conn.execute(
            "INSERT INTO document_edits(doc_id, field, old_value, new_value, edited_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (doc_id, field, current[field], value, when),
        )
        conn.execute(
            "INSERT INTO document_overrides(doc_id, field, value, edit_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(doc_id, field) DO UPDATE SET value = excluded.value, "
            "edit_id = excluded.edit_id",
            (doc_id, field, value, cursor.lastrowid),
        )
        edits.append(DocumentEdit(cursor.lastrowid, doc_id, field, current[field], value, when))
    return edits


def set_embeddings(conn: sqlite3.Connection, vectors: dict[int, np.ndarray]) -> None:
    """Replace stored sentence embeddings (a re-embedding after a title correction)."""
    conn.executemany(
        "UPDATE sentences SET embedding = ? WHERE id = ?",
        [(np.ascontiguousarray(v, dtype=np.float32).tobytes(), int(i)) for i, v in vectors.items()],
    )


# -- embeddings -----------------------------------------------------------------------------
def iter_embeddings(
    conn: sqlite3.Connection, after: int = -1, chunk: int = 50_000
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(ids, vectors) in id order for sentences with id > after, `chunk` rows at a time."""
    last = after
    while True:
        rows = conn.execute(
            "SELECT id, embedding FROM sentences WHERE id > ? ORDER BY id LIMIT ?",
            (last, chunk),
        ).fetchall()
        if not rows:
            return
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
        yield ids, vecs.reshape(len(rows), -1)
        last = int(ids[-1])


def sample_embeddings(conn: sqlite3.Connection, k: int) -> np.ndarray:
    """Up to k stored vectors in a fixed pseudo-random order (to train a vector index).

    A multiplicative hash of the id orders the rows, so the sample is the same on every
    rebuild and SQLite keeps only the k best rows while it scans.
    """
    rows = conn.execute(
        "SELECT embedding FROM sentences ORDER BY (id * 2654435761) % 4294967291 LIMIT ?",
        (k,),
    ).fetchall()
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    vecs = np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float32)
    return vecs.reshape(len(rows), -1)


def embeddings(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, np.ndarray]:
    """Stored vectors for the given sentence ids."""
    ids = list(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, embedding FROM sentences WHERE id IN ({marks})", ids)
    return {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows}


# -- BM25 and sentence lookups --------------------------------------------------------------
def search_bm25(conn: sqlite3.Connection, match: str, k: int) -> list[tuple[int, float]]:
    """FTS5 bm25() ranking (lower is better in SQLite; returned as positive scores)."""
    if not match:
        return []
    rows = conn.execute(
        "SELECT rowid, bm25(sentences_fts) AS rank FROM sentences_fts "
        "WHERE sentences_fts MATCH ? ORDER BY rank LIMIT ?",
        (match, k),
    )
    return [(int(r[0]), -float(r[1])) for r in rows]


def passages(conn: sqlite3.Connection, ids: list[int], context: int = 1) -> dict[int, Passage]:
    """Sentences by id with document metadata and +-context neighbouring sentences.

    A passage's source is its document's URL when it has one, else the file path.
    """
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
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

"""Indexing: documents in (read here, or prepared by Ray workers), sentences and vectors stored.

One writer path for everything: each document is classified (added / updated / unchanged, by
content hash), segmented and embedded unless it arrives so, and committed every EMBED_CHUNK
sentences in one SQLite transaction mirrored in FAISS, so a kill keeps what was committed and a
rerun skips the unchanged files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import WorkbenchError
from .model.dates import validate_date
from .model.documents import Sentence, SourceDocument, fallback_title
from .pipeline.backends import resolve
from .pipeline.embed import DEFAULT_MODEL, Embedder, canonical_model_name
from .pipeline.normalize import normalize_text
from .pipeline.segment import segment
from .pipeline.verdict import DEFAULT_PARAMS, VerdictParams
from .storage.store import DocumentEdit, Store

ProgressCallback = Callable[[int, "int | None", str], None]
EMBED_CHUNK = 512  # sentences embedded (and committed) together while adding
PROGRESS_MIN_FILES = 5  # fewer files: no per-file bar (a long single file gets an embedding bar)


@dataclass
class AddReport:
    """What an add did: doc ids added, updated (content changed), unchanged; error sentences."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        )
        return text + (f", {len(self.errors)} skipped with errors" if self.errors else "")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Prepared:
    """A document read elsewhere (a Ray worker), with its sentences and vectors when it was
    segmented and embedded there too; add_prepared stores it through the one writer path."""

    doc: SourceDocument
    sentences: list[Sentence] | None = None
    vectors: np.ndarray | None = None  # one row per sentence


# (label, [(document or Prepared, None) or (None, error sentence)]) per file
DocumentStream = Iterable[
    tuple[str, Iterable[tuple["SourceDocument | Prepared | None", "str | None"]]]
]


def embedding_text(doc: SourceDocument, sentence: str) -> str:
    """What is embedded for a sentence: "title: sentence" when the document has a real title.

    The title supplies the context a lone sentence lacks (what "it" is, which topic): on the
    Climate-FEVER dev half it raised dense recall@5 from 0.33 to 0.35 and fused recall@5 from
    0.39 to 0.41 (docs/evaluation.md). A stand-in title (the text's first line, used when a
    document has none) adds nothing but that line, so such documents embed the bare sentence,
    as does a sentence that starts with the title. Only the vector changes: stored, shown and
    stance-scored text is the bare sentence.
    """
    title = (doc.title or "").strip()
    if not title or title == fallback_title(doc.text) or sentence.startswith(title):
        return sentence
    return f"{title}: {sentence}"


def open_embedder(store: Store, model_name: str, backend: str | None) -> Embedder:
    """The embedding model, checked against (or setting) the index's vector dimension."""
    embedder = Embedder(model_name, backend=backend)
    dim = embedder.dimension
    if store.dimension is None:
        store.set_model(model_name, dim)
    elif store.dimension != dim:
        raise WorkbenchError(
            f"Embedding model '{model_name}' gives {dim}-dimensional vectors "
            f"but the index in {store.dir} holds {store.dimension}-"
            "dimensional ones; use the index's own model or a new --index folder."
        )
    return embedder


def _disk_full(exc: BaseException) -> bool:
    """Whether an error from SQLite, FAISS or the file system means the disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return True
    text = str(exc)
    return "database or disk is full" in text or "No space left on device" in text


@contextlib.contextmanager
def first_error_reported(index_dir: Path) -> Iterator[None]:
    """A full disk during a write is said as such (SQLite's "database or disk is full", or
    FAISS's write error, which would otherwise read as a bug to report)."""
    try:
        yield
    except (OSError, RuntimeError, sqlite3.Error) as exc:
        if not _disk_full(exc):
            raise
        detail = "database or disk is full" if "disk is full" in str(exc) else "no space left"
        raise WorkbenchError(
            f"The disk holding the index {index_dir} is full ({detail}); free some space and run "
            "the same command again: what was committed is kept and unchanged files are skipped."
        ) from exc


def classify(store: Store, doc: SourceDocument, seen: dict[str, str] | None = None) -> str:
    """added / updated / unchanged, by content hash (also within one batch: seen)."""
    current = (seen or {}).get(doc.doc_id) or store.document_hash(doc.doc_id)
    if current == doc.content_hash:
        return "unchanged"
    if current is None and not doc.explicit_id:
        # the same file seen under another path (e.g. another working directory)
        if store.find_by_hash(doc.content_hash) is not None:
            return "unchanged"
    return "updated" if current is not None else "added"


class Indexer:
    """The one writer of an index: add_stream stores documents, remove deletes one."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    def add_stream(
        self,
        stream: DocumentStream,
        total: int | None,
        progress: bool = False,
        progress_callback: ProgressCallback | None = None,
    ) -> AddReport:
        """Store every document of the stream; error sentences go to the report."""
        bar = None
        if progress and (total is None or total >= PROGRESS_MIN_FILES):
            from tqdm import tqdm

            bar = tqdm(total=total, desc="Indexing", unit="file", file=sys.stderr)
        with first_error_reported(self.store.dir), self.store.writing():
            self.store.ensure_vectors()  # one writer at a time; checks go on meanwhile
            failed = False
            try:
                return self._store_all(stream, total, bar, progress_callback)
            except BaseException:
                failed = True
                raise
            finally:
                if bar is not None:
                    bar.close()
                try:
                    self.store.finish_vectors()
                except Exception:  # noqa: BLE001 - after a failure, the first error is the news
                    if not failed:  # (the next writer brings the vector file in step again)
                        raise

    def _store_all(self, stream: DocumentStream, total, bar, progress_callback) -> AddReport:
        report = AddReport()
        pending: list[tuple[SourceDocument, list[Sentence], np.ndarray | None, SourceDocument]] = []
        pending_sentences = 0
        seen: dict[str, str] = {}
        for done, (label, pairs) in enumerate(stream, start=1):
            for doc, error in pairs:
                if error:
                    report.errors.append(error)
                    continue
                prepared = doc if isinstance(doc, Prepared) else Prepared(doc)
                doc = prepared.doc
                status = classify(self.store, doc, seen)
                if status == "unchanged":
                    report.unchanged.append(doc.doc_id)
                    continue
                (report.updated if status == "updated" else report.added).append(doc.doc_id)
                seen[doc.doc_id] = doc.content_hash
                sentences = prepared.sentences
                vectors = prepared.vectors if sentences is not None else None
                if sentences is None:
                    sentences = segment(doc.text)
                embedded = self._as_corrected(doc)  # its title as a person corrected it
                if embedded.title != doc.title:
                    vectors = None  # embedded elsewhere with the file's own title
                pending.append((doc, sentences, vectors, embedded))
                pending_sentences += len(sentences)
                if pending_sentences >= EMBED_CHUNK:
                    self._commit(pending, own_bar=bar is None)
                    pending, pending_sentences = [], 0
            if bar is not None:
                bar.update(1)
            if progress_callback is not None:
                progress_callback(done, total, str(label))
        if pending:
            self._commit(pending, own_bar=bar is None)
        return report

    def _as_corrected(self, doc: SourceDocument) -> SourceDocument:
        """The document with the corrections in force for its id (`index edit`): they win over
        what the file says, so a re-add never reverts one (the stored row gets them in SQL)."""
        corrected = self.store.document_overrides(doc.doc_id)
        return replace(doc, **corrected) if corrected else doc

    def _commit(self, pending: list, own_bar: bool = True) -> None:
        """Embed pending documents together, store them in one transaction, mirror in FAISS.

        Documents that arrive with their vectors (add_prepared) are not embedded again.
        """
        texts = [
            embedding_text(embedded, s.text)
            for _, sentences, given, embedded in pending
            if given is None
            for s in sentences
        ]
        fresh = self.embedder.encode(texts, progress=None if own_bar else False)
        batch, offset = [], 0
        for doc, sentences, given, _ in pending:
            if given is None:
                given = fresh[offset : offset + len(sentences)]
                offset += len(sentences)
            batch.append((doc, sentences, given))
        vecs = np.vstack([given for _, _, given in batch]) if batch else fresh
        new, old = self.store.put_documents(batch)
        self.store.apply_vectors(new, vecs, old)


def remove_document(store: Store, doc_id: str) -> bool:
    """Remove one document and its vectors; False when there is no such document."""
    with first_error_reported(store.dir), store.writing():
        store.ensure_vectors()
        old = store.delete_document(doc_id)
        if old is None:
            return False
        store.apply_vectors([], np.zeros((0, 1), np.float32), old)
        store.finish_vectors()
        return True


MAX_TITLE_CHARS = 1000


def _edit_changes(title: str | None, date: str | None) -> dict[str, str | None]:
    """The checked fields of an edit: None leaves a field alone, date "" removes the date."""
    changes: dict[str, str | None] = {}
    if title is not None:
        title = " ".join(normalize_text(title).split())
        if not title:
            raise WorkbenchError("A document's title cannot be empty; give the corrected title.")
        if len(title) > MAX_TITLE_CHARS:
            raise WorkbenchError(
                f"The title is {len(title)} characters long; a title is at most {MAX_TITLE_CHARS}."
            )
        changes["title"] = title
    if date is not None:
        changes["date"] = validate_date(date)  # "" -> None: the document becomes undated
    return changes


def edit_document(
    store: Store,
    embedder: Callable[[], Embedder],
    doc_id: str,
    title: str | None = None,
    date: str | None = None,
) -> list[DocumentEdit]:
    """Correct a document's title and/or date: the changes made (none when it already has
    them). Each is logged in document_edits and stays in force over re-adds of the file
    (document_overrides). A new title is part of what is embedded (embedding_text), so the
    document's sentences are embedded again. WorkbenchError (nothing changed) for an unknown
    id, an empty title or a bad date."""
    changes = _edit_changes(title, date)
    with first_error_reported(store.dir), store.writing():
        doc = store.document(doc_id)
        if doc is None:
            raise WorkbenchError(
                f"No document with id '{doc_id}' in {store.dir}; see `workbench index list`."
            )
        changes = {k: v for k, v in changes.items() if getattr(doc, k) != v}
        if not changes:
            return []
        vectors = None
        if "title" in changes:
            before = SourceDocument(doc.doc_id, doc.text, doc.title)
            after = replace(before, title=changes["title"])
            sentences = store.document_sentences(doc_id)
            texts = [embedding_text(after, text) for _, text in sentences]
            if texts != [embedding_text(before, text) for _, text in sentences]:
                store.ensure_vectors()
                encoded = embedder().encode(texts)
                vectors = {sid: vec for (sid, _), vec in zip(sentences, encoded)}
        edits = store.edit_document(doc_id, changes, vectors) or []
        if vectors:
            ids = list(vectors)
            store.apply_vectors(ids, np.vstack([vectors[i] for i in ids]), ids)
            store.finish_vectors()
        return edits


def index_model(store: Store, requested: str | None) -> str:
    """The embedding model to use with this index, recorded in it; a model other than the one
    a non-empty index was built with is a WorkbenchError."""
    stored = store.model or store.read_manifest().get("embedding_model")
    requested = canonical_model_name(requested) if requested else None
    if stored and requested and requested != stored and store.count_documents() > 0:
        raise WorkbenchError(
            f"The index in {store.dir} was built with embedding model '{stored}' (see "
            f"{store.manifest_path.name}), not '{requested}'; open it without --model, "
            "or build a separate index for the new model with --index OTHER_DIR."
        )
    name = requested or stored or DEFAULT_MODEL
    if store.model != name:
        store.set_model(name, None if name != stored else store.dimension)
    return name


PARAMS_SETTING = "verdict_params"  # key of the index's own verdict thresholds (meta table)


def saved_params(store: Store) -> VerdictParams | None:
    """The verdict thresholds saved in the index (eval --tune --save-params), or None."""
    saved = store.get_setting(PARAMS_SETTING)
    if saved is None:
        return None
    return VerdictParams.from_dict(
        saved.get("params"), f"verdict parameters saved in {store.db_path}"
    )


def save_params(store: Store, params: VerdictParams, provenance: dict | None) -> VerdictParams:
    """Keep params as the index's verdict thresholds; returns them as read back."""
    params = VerdictParams.from_dict(params.to_dict())
    store.set_setting(PARAMS_SETTING, {"params": params.to_dict(), "provenance": provenance or {}})
    return params


def describe_params(store: Store, params: VerdictParams) -> dict:
    """params for stats(), with where they came from (and the saved provenance)."""
    try:
        saved = store.get_setting(PARAMS_SETTING)
    except WorkbenchError:
        saved = None
    if saved and params.to_dict() == saved.get("params"):
        source = "saved in the index"
    elif params == DEFAULT_PARAMS:
        source = "built-in defaults"
    else:
        source = "set by the caller"
    out = {**params.to_dict(), "source": source}
    if source == "saved in the index" and saved.get("provenance"):
        out["provenance"] = saved["provenance"]
    return out


def open_index(
    index_dir: str | os.PathLike,
    model: str | None,
    create: bool,
    params: VerdictParams | None,
    backend: str | None,
) -> tuple[Store, str, VerdictParams]:
    """The store, embedding model name and verdict parameters Workbench.open opens with."""
    if backend is not None:
        resolve(backend)  # an unknown name fails here, before anything is opened
    store = Store(index_dir, create=create)
    try:
        name = index_model(store, model)
        if params is None:
            params = saved_params(store) or DEFAULT_PARAMS
    except BaseException:
        store.close()
        raise
    return store, name, params

"""The Python API: open an index, add documents, search, check one claim or many.

Data flows one way - ingest -> segment -> embed -> store -> retrieve -> stance -> verdict. This
facade only wires the stages: indexing.py writes the index, checking.py checks claims. The CLI,
the UI and the Ray paths are thin shells over Workbench.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import checking, indexing
from .checking import Checker, validate_claim
from .defaults import TOP_K
from .indexing import AddReport, Indexer, Prepared, ProgressCallback
from .model.dates import validate_date
from .model.evidence import Hit
from .model.results import CheckResult
from .pipeline import ingest
from .pipeline.backends import resolve
from .pipeline.retrieve import Retriever
from .pipeline.stance import DEFAULT_STANCE_PATH
from .session import Session
from .storage.store import Document, DocumentEdit, DocumentInfo

Callback = ProgressCallback | None
Paths = list[str | os.PathLike] | str | os.PathLike
SOURCES_FOLDER = "sources"  # <index>/sources/: documents an empty index is built from


class Workbench(Session):
    """An evidence index on disk plus the models that check claims against it."""

    def add(
        self, paths: Paths, progress: bool = False, progress_callback: Callback = None
    ) -> AddReport:
        """Index files and folders (recursive). Unchanged files are skipped, edited ones replaced.

        progress_callback(done, total, message) is called after each file. Bad files are
        reported in AddReport.errors and do not stop the batch.
        """
        files = list(ingest.iter_files([paths] if isinstance(paths, (str, os.PathLike)) else paths))
        stream = ((path, ingest.load_path(path)) for path in files)
        return self.add_prepared(stream, len(files), progress, progress_callback)

    def add_records(
        self,
        records: Iterable[dict],
        progress: bool = False,
        progress_callback: Callback = None,
        origin: str = "records",
    ) -> AddReport:
        """Index in-memory records (dicts with id, title, text, date, url; text required)."""
        records = list(records)
        pairs = ingest.load_records(records, origin)
        stream = ((f"record {i + 1}", [pair]) for i, pair in enumerate(pairs))
        return self.add_prepared(stream, len(records), progress, progress_callback)

    def add_prepared(
        self,
        stream: Iterable[tuple[str, list[tuple[Prepared | None, str | None]]]],
        total: int | None,
        progress: bool = False,
        progress_callback: Callback = None,
    ) -> AddReport:
        """Store documents read (and usually segmented and embedded) by other processes.

        stream yields (label, [(Prepared, None) or (None, error sentence)]) per file, in any
        order. Classifying, committing every EMBED_CHUNK sentences and the FAISS mirror are
        those of add(): the result is the same index, and a kill keeps what was committed.
        """
        indexer = Indexer(self.store, self.embedder)
        return indexer.add_stream(stream, total, progress, progress_callback)

    def build_from_sources(
        self,
        progress: bool = False,
        progress_callback: Callback = None,
        announce: Callable[[Path], None] | None = None,
    ) -> AddReport | None:
        """Index ``<index>/sources/`` when the index holds no documents yet; None otherwise.

        An index folder shipped with its sources (as ./index is) then builds itself on first
        use, e.g. when the UI starts. announce(sources) is called before a build starts.
        """
        sources = self.index_dir / SOURCES_FOLDER
        if self.documents() or not sources.is_dir() or not any(sources.iterdir()):
            return None
        if announce is not None:
            announce(sources)
        return self.add([str(sources)], progress=progress, progress_callback=progress_callback)

    def remove(self, doc_id: str) -> bool:
        """Remove one document; False when there is no such document."""
        return indexing.remove_document(self.store, doc_id)

    def edit_document(
        self, doc_id: str, title: str | None = None, date: str | None = None
    ) -> list[DocumentEdit]:
        """Correct a document's title and/or date (date "": no date); the changes made. Logged
        in the index and kept over re-adds of its file; WorkbenchError if id or date is bad."""
        return indexing.edit_document(self.store, lambda: self.embedder, doc_id, title, date)

    def document_edits(self, doc_id: str) -> list[DocumentEdit]:
        """A document's corrections (field, old value, new value, when), oldest first."""
        return self.store.document_edits(doc_id)

    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def document(self, doc_id: str) -> Document | None:
        """A stored document with .text (the normalised text all offsets refer to), or None."""
        return self.store.document(doc_id)

    def stats(self) -> dict:
        with self.store.snapshot():
            stats = self.store.stats()
            stats["stance_model"] = self.stance_model_name or str(DEFAULT_STANCE_PATH)
            stats["backend"] = resolve(self.backend)
            stats["verdict_params"] = indexing.describe_params(self.store, self.params)
        return stats

    def search(self, claim: str, top_k: int = TOP_K, date: str | None = None) -> list[Hit]:
        """Hybrid retrieval only (no stance): the top_k sentences for the claim."""
        claim, date = validate_claim(claim), validate_date(date)
        return Retriever(self.store, self.embedder).search(claim, top_k, date)

    def _checker(self) -> Checker:
        stance = self.stance  # the stance model first: a missing one is the news
        return Checker(self.store, self.embedder, stance, self.params, self.factchecks.finder)

    def check(
        self,
        claim: str,
        date: str | None = None,
        top_k: int = TOP_K,
        claim_id: str | None = None,
        score_all: bool = False,
    ) -> CheckResult:
        """Verdict, confidence and evidence for one claim (WorkbenchError on bad input).

        Evidence that cannot move the verdict (relevance weight 0) is "not scored" unless
        score_all: the verdict and confidence are the same either way.
        """
        text, date = validate_claim(claim), validate_date(date)
        checking.validate_top_k(top_k)
        return self._checker().check(text, date, top_k, claim_id, score_all)

    def check_many(
        self,
        claims: Iterable[dict | str],
        progress: bool = False,
        progress_callback: Callback = None,
        top_k: int = TOP_K,
        retrieve_k: int | None = None,
        score_all: bool = False,
    ) -> Iterator[CheckResult]:
        """Check claims (dicts with id, claim, optional date; or strings), in input order.

        Stance pairs of several claims are scored in one batch. A claim that cannot be checked
        (empty, bad date) yields a NOT_ENOUGH_INFO result with .error set instead of raising.
        retrieve_k (> top_k): also keep that many retrieved sentences in .retrieved (retrieval
        order; the first top_k are the judged ones), for evaluation's recall@k. score_all: also
        score the evidence that cannot move the verdict (as check()).
        """
        return checking.check_many(
            self._checker, claims, progress, progress_callback, top_k, retrieve_k, score_all
        )

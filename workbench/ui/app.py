"""The reviewer app's state, shared by every browser session: one open index and its reviews.

Every engine call of the UI goes through ReviewerApp, so the tabs and the script API
(workbench/ui/api.py) hold no engine logic. The engine is thread-safe: checks go on while a
writer adds documents.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from ..api import AddReport, CheckResult, ProgressCallback, Workbench
from ..batch.claims import read_claims
from ..batch.results import ResultWriter
from ..batch.runner import BatchReport, run_batch
from ..errors import WorkbenchError
from ..reviews.store import ReviewStore
from ..storage.store import Document
from .uploads import CLAIM_SUFFIXES, UploadError, check_upload, safe_filename

MAX_UPLOAD_MB = 20
TOP_K = 10  # evidence sentences per claim, as `workbench check` does by default


class ReviewerApp:
    """The open index, its reviews, the upload folder and the size limit of one server."""

    def __init__(self, wb: Workbench, index_dir: str | Path, max_upload_mb: float = MAX_UPLOAD_MB):
        self.wb = wb
        self.index_dir = Path(index_dir).resolve()
        self.uploads_dir = self.index_dir / "uploads"
        self.cache_dir = self.index_dir / "ui-cache"
        self.max_upload_bytes = int(max_upload_mb * 1_000_000)
        self.reviews = ReviewStore(wb.db_path)

    def is_empty(self) -> bool:
        """Whether the index has no documents (every check would be NOT ENOUGH INFO)."""
        return self.wb.store.count_documents() == 0

    def empty_index_message(self) -> str:
        return (
            f"The index in {self.index_dir} has no documents yet, so no claim can be checked; "
            "add documents in the Corpus tab (or with `workbench index add PATH --index "
            f"{self.index_dir}`) first."
        )

    def require_documents(self) -> None:
        """Refuse to check against an empty index, saying how to fill it."""
        if self.is_empty():
            raise WorkbenchError(self.empty_index_message())

    def check(self, claim: str, date: str | None = None) -> tuple[dict, float]:
        """The output-contract dict for one claim, and the seconds it took."""
        self.require_documents()
        claim = (claim or "").strip()
        date = (date or "").strip() or None
        t0 = time.perf_counter()
        result = self.wb.check(claim, date=date, top_k=TOP_K).to_dict()
        return result, time.perf_counter() - t0

    def check_many(
        self, claims: list[dict], progress: ProgressCallback | None = None
    ) -> list[dict]:
        """Output-contract dicts for claims ({id, claim, date}), in order, stance-scored in
        batches (Workbench.check_many); progress(done, total, claim_id) after each."""
        self.require_documents()
        results = self.wb.check_many(claims, progress_callback=progress, top_k=TOP_K)
        return [result.to_dict() for result in results]

    def checkworthy_model(self):
        """The shipped check-worthiness model (loaded once per process, on first use), sharing
        the index's embedding model when it is the same encoder."""
        from ..checkworthy.model import load_model

        return load_model(embedder=self.wb.embedder)

    def documents(self) -> list[dict]:
        return [asdict(d) for d in self.wb.documents()]

    def edit_document(self, doc_id: str, title: str, date: str):
        """Correct a document's title and date (Workbench.edit_document: logged, kept)."""
        return self.wb.edit_document(doc_id, title=title, date=date)

    def document(self, doc_id: str) -> Document | None:
        return self.wb.document(doc_id)

    def remove(self, doc_id: str) -> bool:
        return self.wb.remove(doc_id)

    def add_files(self, paths: list[Path], progress: ProgressCallback | None = None) -> AddReport:
        return self.wb.add([str(p) for p in paths], progress=False, progress_callback=progress)

    def read_claims_file(self, path: str | Path) -> list[dict]:
        """The claims of an uploaded claims file (type and size checked first)."""
        check_upload(path, CLAIM_SUFFIXES, self.max_upload_bytes)
        claims = read_claims(path)
        if not claims:
            raise UploadError(f"{Path(path).name} contains no claims.")
        return claims

    def run_batch(
        self,
        claims: list[dict],
        name: str,
        progress: ProgressCallback | None = None,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> tuple[BatchReport, Path, Path]:
        """Check claims into fresh JSONL and CSV results files, as `workbench verify` does."""
        self.require_documents()
        folder = self.export_dir()
        stem = safe_filename(Path(name).stem, "claims")
        jsonl_path, csv_path = folder / f"{stem}-results.jsonl", folder / f"{stem}-results.csv"
        with ResultWriter(jsonl_path, "jsonl") as jsonl, ResultWriter(csv_path, "csv") as flat:
            report = run_batch(
                self.wb,
                claims,
                [jsonl, flat],
                top_k=TOP_K,
                progress_callback=progress,
                on_result=on_result,
            )
        return report, jsonl_path, csv_path

    def export_dir(self) -> Path:
        """A fresh folder for files the browser downloads (inside the index, never outside)."""
        d = self.cache_dir / "exports" / time.strftime("%Y%m%d-%H%M%S")
        d.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=d))

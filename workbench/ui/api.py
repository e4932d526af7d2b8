"""API endpoints of the reviewer app, for scripts (gradio_client or plain HTTP).

Registered by :func:`workbench.ui.build_blocks`; every call goes through the same
:class:`~workbench.ui.ReviewerApp` as the browser, so the same rules hold (upload types, size
limit and name sanitising, append-only reviews, --auth when the server has it):

* ``/check_claim(claim, date)`` - the engine's result as JSON (verdict, confidence, evidence);
* ``/save_review(claim, reviewer, final_verdict, ...)`` - record a review, returns it;
* ``/add_text(name, text)`` - store text as ``<index>/uploads/<safe name>`` and index it.

Errors come back as one sentence (a ``gr.Error``), never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".csv")


def register_api(app: Any) -> None:
    """Add the API endpoints to the Blocks being built (call inside ``with gr.Blocks()``)."""
    import gradio as gr

    from ..errors import WorkbenchError
    from ..reviews.store import ReviewError
    from .app import UploadError, safe_filename

    errors = (WorkbenchError, ReviewError, UploadError)

    def check_claim(claim: str, date: str = "") -> dict:
        """Check one claim against the index; returns verdict, confidence and evidence."""
        try:
            result, elapsed = app.check(claim, date)
        except errors as exc:
            raise gr.Error(str(exc)) from None
        result["elapsed_ms"] = round(elapsed * 1000, 1)
        return result

    def save_review(
        claim: str,
        reviewer: str,
        final_verdict: str,
        note: str = "",
        machine_verdict: str = "",
        machine_confidence: float = 0.0,
        evidence: list | None = None,
        claim_id: str = "",
        claim_date: str = "",
    ) -> dict:
        """Record a reviewer's verdict on a claim (append-only); returns the stored review."""
        try:
            review = app.reviews.save(
                claim=claim,
                reviewer=reviewer,
                final_verdict=final_verdict,
                note=note or "",
                machine_verdict=machine_verdict or None,
                machine_confidence=machine_confidence if machine_verdict else None,
                evidence=evidence or [],
                claim_id=claim_id or None,
                claim_date=claim_date or None,
            )
        except errors as exc:
            raise gr.Error(str(exc)) from None
        return review.to_dict()

    def add_text(name: str, text: str) -> dict:
        """Store `text` as a document file named `name` (sanitised) and index it."""
        data = (text or "").encode("utf-8")
        safe = safe_filename(name or "document.txt", "document")
        if Path(safe).suffix.lower() not in TEXT_SUFFIXES:
            raise gr.Error(
                f"{safe}: only {', '.join(TEXT_SUFFIXES)} documents can be added as text."
            )
        if len(data) > app.max_upload_bytes:
            raise gr.Error(
                f"{safe} is {len(data) / 1e6:.1f} MB; the limit is "
                f"{app.max_upload_bytes / 1e6:.0f} MB per file."
            )
        uploads = Path(app.uploads_dir).resolve()
        uploads.mkdir(parents=True, exist_ok=True)
        dest = (uploads / safe).resolve()
        if dest.parent != uploads:
            raise gr.Error("That file name is not allowed.")
        fd, tmp = tempfile.mkstemp(dir=uploads, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, dest)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        try:
            report = app.add_files([dest])
        except errors as exc:
            raise gr.Error(str(exc)) from None
        return {"file": dest.name, **report.to_dict()}

    gr.api(check_claim, api_name="check_claim")
    gr.api(save_review, api_name="save_review")
    gr.api(add_text, api_name="add_text", concurrency_limit=1)

"""API endpoints of the reviewer app, for scripts (gradio_client or plain HTTP).

Registered by workbench.ui.blocks.build_blocks; every call goes through the same ReviewerApp as
the browser, so the same rules hold (upload types, size limit and name sanitising, append-only
reviews, --auth when the server has it):

* ``/check_claim(claim, date)`` - the engine's result as JSON (verdict, confidence, evidence);
* ``/save_review(claim, reviewer, final_verdict, ...)`` - record a review, returns it;
* ``/add_text(name, text)`` - store text as ``<index>/uploads/<safe name>`` and index it.

Errors come back as one sentence (a ``gr.Error``), never a traceback.
"""

from __future__ import annotations

import gradio as gr

from ..errors import WorkbenchError
from ..reviews.store import ReviewError
from .app import ReviewerApp
from .uploads import UploadError, store_text

PEOPLE_ERRORS = (WorkbenchError, ReviewError, UploadError)


def check_claim(app: ReviewerApp, claim: str, date: str = "") -> dict:
    """Check one claim against the index; returns verdict, confidence and evidence."""
    try:
        result, elapsed = app.check(claim, date)
    except PEOPLE_ERRORS as exc:
        raise gr.Error(str(exc)) from None
    result["elapsed_ms"] = round(elapsed * 1000, 1)
    return result


def save_review(
    app: ReviewerApp,
    claim: str,
    reviewer: str,
    final_verdict: str,
    note: str = "",
    machine_verdict: str = "",
    machine_confidence: float = 0.0,
    evidence: list | None = None,
    claim_id: str = "",
    claim_date: str = "",
    claim_source: str = "",
    claim_author: str = "",
) -> dict:
    """Record a reviewer's verdict on a claim (append-only); returns the stored review.

    Each evidence item may carry the reviewer's ``judgment`` (agree, disagree, irrelevant) and
    ``stance_override`` (supports, refutes, neutral); claim_source (where the claim appeared)
    and claim_author become the ClaimReview's itemReviewed appearance and author."""
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
            claim_source=claim_source or None,
            claim_author=claim_author or None,
        )
    except PEOPLE_ERRORS as exc:
        raise gr.Error(str(exc)) from None
    return review.to_dict()


def add_text(app: ReviewerApp, name: str, text: str) -> dict:
    """Store `text` as a document file named `name` (sanitised) and index it."""
    try:
        dest = store_text(name, text, app.uploads_dir, app.max_upload_bytes)
        report = app.add_files([dest])
    except PEOPLE_ERRORS as exc:
        raise gr.Error(str(exc)) from None
    return {"file": dest.name, **report.to_dict()}


def register_api(app: ReviewerApp) -> None:
    """Add the API endpoints to the Blocks being built (call inside ``with gr.Blocks()``)."""

    def check_claim_endpoint(claim: str, date: str = "") -> dict:
        """Check one claim against the index; returns verdict, confidence and evidence."""
        return check_claim(app, claim, date)

    def save_review_endpoint(
        claim: str,
        reviewer: str,
        final_verdict: str,
        note: str = "",
        machine_verdict: str = "",
        machine_confidence: float = 0.0,
        evidence: list | None = None,
        claim_id: str = "",
        claim_date: str = "",
        claim_source: str = "",
        claim_author: str = "",
    ) -> dict:
        """Record a reviewer's verdict on a claim (append-only); returns the stored review."""
        return save_review(
            app,
            claim,
            reviewer,
            final_verdict,
            note,
            machine_verdict,
            machine_confidence,
            evidence,
            claim_id,
            claim_date,
            claim_source,
            claim_author,
        )

    def add_text_endpoint(name: str, text: str) -> dict:
        """Store `text` as a document file named `name` (sanitised) and index it."""
        return add_text(app, name, text)

    # gr.api reads the parameter names and types from these signatures, hence the wrappers
    gr.api(check_claim_endpoint, api_name="check_claim")
    gr.api(save_review_endpoint, api_name="save_review")
    gr.api(add_text_endpoint, api_name="add_text", concurrency_limit=1)

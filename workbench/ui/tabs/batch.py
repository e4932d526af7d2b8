"""The Batch tab: a claims file in, a results table and JSONL / CSV results files out.

It runs the same batch runner as `workbench verify` (workbench/batch/runner.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ...api import CheckResult
from ...errors import WorkbenchError
from ..app import ReviewerApp
from ..render import VERDICT_LABELS, message_html
from ..uploads import CLAIM_SUFFIXES, UploadError
from . import bind, progress_callback

RESULT_COLUMNS = ["id", "claim", "verdict", "confidence", "top evidence", "document"]


@dataclass
class BatchTab:
    claims_file: Any
    run_btn: Any
    message: Any
    table: Any
    jsonl: Any
    csv: Any


def result_row(result: CheckResult) -> list:
    """One table row: the claim, its verdict and its top evidence (or why it was skipped)."""
    top = result.evidence[0] if result.evidence else None
    return [
        result.id,
        result.claim,
        VERDICT_LABELS.get(result.verdict, result.verdict),
        round(float(result.confidence or 0), 3),
        result.error or (top.sentence if top else ""),
        top.title if top else "",
    ]


def run_claims_file(app: ReviewerApp, file: Any, progress=gr.Progress()) -> tuple:  # noqa: B008
    """Check every claim of the uploaded file; message, table, JSONL and CSV results files."""

    def fail(text: str) -> tuple:
        return message_html(text, "error"), gr.skip(), gr.skip(), gr.skip()

    if not file:
        return fail("Choose a claims file (CSV or JSONL with fields id, claim[, date]).")
    path = getattr(file, "name", file)
    try:
        claims = app.read_claims_file(path)
    except (WorkbenchError, UploadError) as exc:
        return fail(str(exc).replace(str(path), Path(path).name))
    table: list[list] = []
    progress((0, len(claims)), desc="Checking claims")
    t0 = time.perf_counter()
    try:
        report, jsonl_path, csv_path = app.run_batch(
            claims,
            Path(path).name,
            progress=progress_callback(progress, "Checking claims"),
            on_result=lambda result: table.append(result_row(result)),
        )
    except WorkbenchError as exc:
        return fail(str(exc))
    summary = f"Checked {report.written} claims in {time.perf_counter() - t0:.1f} s: " + ", ".join(
        f"{VERDICT_LABELS.get(k, k)} {v}" for k, v in sorted(report.counts.items())
    )
    if report.skipped:
        summary += f"\nSkipped {len(report.skipped)}:\n" + "\n".join(report.skipped)
    kind = "error" if report.skipped else "ok"
    return message_html(summary, kind), table, str(jsonl_path), str(csv_path)


def layout() -> BatchTab:
    with gr.Tab("Batch", id="batch", elem_id="tab-batch"):
        claims_file = gr.File(
            label="Claims file (CSV or JSONL with fields id, claim, optional date)",
            file_types=list(CLAIM_SUFFIXES),
            type="filepath",
            elem_id="batch-file",
        )
        run_btn = gr.Button("Run", variant="primary", elem_id="batch-run")
        message = gr.HTML("", elem_id="batch-msg")
        table = gr.Dataframe(
            headers=RESULT_COLUMNS,
            interactive=False,
            column_widths=["7%", "28%", "12%", "8%", "33%", "12%"],
            max_chars=300,
            elem_id="batch-table",
            wrap=True,
        )
        with gr.Row():
            jsonl = gr.File(label="Results (JSONL)", interactive=False, elem_id="batch-jsonl")
            csv = gr.File(label="Results (CSV)", interactive=False, elem_id="batch-csv")
    return BatchTab(claims_file, run_btn, message, table, jsonl, csv)


def wire(app: ReviewerApp, tab: BatchTab) -> None:
    tab.run_btn.click(
        bind(run_claims_file, app),
        [tab.claims_file],
        [tab.message, tab.table, tab.jsonl, tab.csv],
        api_visibility="private",
    )

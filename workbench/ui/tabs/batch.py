"""The Batch tab: a claims file in; a summary chart, a filterable results table, JSONL / CSV
results files out; any checked result opens in the Review tab.

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
from ..render import VERDICT_CHOICES, VERDICT_LABELS, batch_chart_html, message_html
from ..uploads import CLAIM_SUFFIXES, UploadError
from . import bind, progress_callback

RESULT_COLUMNS = ["id", "claim", "verdict", "confidence", "top evidence", "document"]
ALL = "ALL"  # the verdict filter that keeps every row
SKIPPED = "SKIPPED"  # the verdict filter for claims that could not be checked
VERDICT_FILTERS = [("All", ALL), *VERDICT_CHOICES, ("Skipped (not checked)", SKIPPED)]


@dataclass
class BatchTab:
    claims_file: Any
    run_btn: Any
    message: Any
    chart: Any
    verdict_filter: Any
    min_confidence: Any
    text_filter: Any
    shown: Any  # "Showing n of m results"
    table: Any
    pick: Any
    open_btn: Any
    open_message: Any
    jsonl: Any
    csv: Any

    @property
    def filters(self) -> list:
        return [self.verdict_filter, self.min_confidence, self.text_filter]


def record_row(record: dict) -> list:
    """One table row of an output-contract dict: the claim, its verdict and its top evidence
    (or why it was skipped)."""
    evidence = record.get("evidence") or []
    top = evidence[0] if evidence else {}
    verdict = record.get("verdict")
    return [
        record.get("id"),
        record.get("claim"),
        VERDICT_LABELS.get(verdict, verdict),
        round(float(record.get("confidence") or 0), 3),
        record.get("error") or top.get("sentence") or "",
        top.get("title") or "",
    ]


def result_row(result: CheckResult) -> list:
    """One table row of a result, as record_row."""
    return record_row(result.to_dict())


def matches(record: dict, verdict: str | None, min_confidence: Any, text: str | None) -> bool:
    """Whether a result passes the filters: its verdict (ALL, SKIPPED or a verdict), at least
    min_confidence, and `text` (any case) in its id, claim, top evidence or document."""
    skipped = bool(record.get("error"))
    if verdict == SKIPPED and not skipped:
        return False
    if verdict not in (None, "", ALL, SKIPPED) and (skipped or record.get("verdict") != verdict):
        return False
    try:
        floor = float(min_confidence or 0)
    except (TypeError, ValueError):
        floor = 0.0
    if floor > 0 and (skipped or float(record.get("confidence") or 0) < floor):
        return False
    needle = (text or "").strip().casefold()
    if needle:
        row = record_row(record)
        haystack = " ".join(str(x or "") for x in (*row[:2], *row[4:]))
        if needle not in haystack.casefold():
            return False
    return True


def result_choices(results: list[dict] | None, keep: list[int]) -> list[tuple[str, str]]:
    """The picker's choices: every checked result among the kept ones (skipped claims have
    nothing to review); the value is the result's position in the run."""
    choices = []
    for i in keep:
        r = results[i]
        if r.get("error"):
            continue
        label = VERDICT_LABELS.get(r.get("verdict"), r.get("verdict"))
        choices.append((f"{r.get('id')} · {label} · {str(r.get('claim') or '')[:80]}", str(i)))
    return choices


def filter_results(
    results: list[dict] | None, verdict: str | None, min_confidence: Any, text: str | None
) -> tuple:
    """The table of the results that pass the filters, "Showing n of m", the picker."""
    results = results or []
    keep = [i for i, r in enumerate(results) if matches(r, verdict, min_confidence, text)]
    table = [record_row(results[i]) for i in keep]
    shown = (
        f"<div class='wb-batch-shown'>Showing {len(keep)} of {len(results)} results.</div>"
        if results
        else ""
    )
    return table, shown, gr.update(choices=result_choices(results, keep), value=None)


def _run(app: ReviewerApp, file: Any, progress) -> tuple:
    """message, table, JSONL path, CSV path, the results (output-contract dicts) or None."""

    def fail(text: str) -> tuple:
        return message_html(text, "error"), gr.skip(), gr.skip(), gr.skip(), None

    if not file:
        return fail("Choose a claims file (CSV or JSONL with fields id, claim[, date]).")
    path = getattr(file, "name", file)
    try:
        claims = app.read_claims_file(path)
    except (WorkbenchError, UploadError) as exc:
        return fail(str(exc).replace(str(path), Path(path).name))
    records: list[dict] = []
    progress((0, len(claims)), desc="Checking claims")
    t0 = time.perf_counter()
    try:
        report, jsonl_path, csv_path = app.run_batch(
            claims,
            Path(path).name,
            progress=progress_callback(progress, "Checking claims"),
            on_result=lambda result: records.append(result.to_dict()),
        )
    except WorkbenchError as exc:
        return fail(str(exc))
    summary = f"Checked {report.written} claims in {time.perf_counter() - t0:.1f} s: " + ", ".join(
        f"{VERDICT_LABELS.get(k, k)} {v}" for k, v in sorted(report.counts.items())
    )
    if report.skipped:
        summary += f"\nSkipped {len(report.skipped)}:\n" + "\n".join(report.skipped)
    kind = "error" if report.skipped else "ok"
    table = [record_row(r) for r in records]
    return message_html(summary, kind), table, str(jsonl_path), str(csv_path), records


def run_claims_file(app: ReviewerApp, file: Any, progress=gr.Progress()) -> tuple:  # noqa: B008
    """Check every claim of the uploaded file; message, table, JSONL and CSV results files."""
    return _run(app, file, progress)[:4]


def run_and_summarize(
    app: ReviewerApp,
    file: Any,
    verdict: str | None = ALL,
    min_confidence: Any = 0,
    text: str | None = "",
    progress=gr.Progress(),  # noqa: B008
) -> tuple:
    """The Run button: message, JSONL, CSV, the results (kept for the filters and the
    picker), the chart, then the filtered table, "Showing n of m" and the picker."""
    message, _table, jsonl, csv, records = _run(app, file, progress)
    if records is None:  # nothing ran: the last run's results, chart and table stay
        return message, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    return (
        message,
        jsonl,
        csv,
        records,
        batch_chart_html(records),
        *filter_results(records, verdict, min_confidence, text),
    )


def pick_row(results: list[dict] | None, evt: gr.SelectData) -> Any:
    """A click on a table row picks its result (found by id and claim, so a sorted table
    still picks the right one); a skipped claim's row picks nothing."""
    row = getattr(evt, "row_value", None) or []
    return pick_by_row(results, row)


def pick_by_row(results: list[dict] | None, row: list) -> Any:
    if len(row) < 2:
        return gr.skip()
    for i, r in enumerate(results or []):
        if not r.get("error") and str(r.get("id")) == str(row[0]) and r.get("claim") == row[1]:
            return gr.update(value=str(i))
    return gr.skip()


def open_in_review(results: list[dict] | None, pick: str | None) -> tuple:
    """The picked result becomes the one the Review tab shows, and the Review tab opens:
    message, tabs, result."""
    try:
        record = (results or [])[int(pick)]
    except (TypeError, ValueError, IndexError):
        record = None
    if not record or record.get("error"):
        text = "Run a claims file, then pick a checked result (or click its row) to open it."
        return message_html(text, "error"), gr.skip(), gr.skip()
    return "", gr.update(selected="review"), record


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
        chart = gr.HTML("", elem_id="batch-chart")
        with gr.Row(elem_classes="wb-stack-narrow"):
            verdict_filter = gr.Dropdown(
                choices=VERDICT_FILTERS,
                value=ALL,
                label="Verdict",
                elem_id="batch-filter-verdict",
                scale=2,
            )
            min_confidence = gr.Slider(
                0.0,
                1.0,
                value=0.0,
                step=0.05,
                label="Minimum confidence",
                elem_id="batch-filter-confidence",
                scale=2,
            )
            text_filter = gr.Textbox(
                label="Text contains",
                placeholder="claim, id, evidence or document",
                elem_id="batch-filter-text",
                scale=3,
            )
        shown = gr.HTML("", elem_id="batch-shown")
        table = gr.Dataframe(
            headers=RESULT_COLUMNS,
            interactive=False,
            column_widths=["7%", "28%", "12%", "8%", "33%", "12%"],
            max_chars=300,
            elem_id="batch-table",
            wrap=True,
        )
        with gr.Row():
            pick = gr.Dropdown(
                choices=[],
                value=None,
                label="Result (or click its row in the table)",
                elem_id="batch-pick",
                scale=4,
            )
            open_btn = gr.Button("Open in Review →", elem_id="batch-open-review", scale=1)
        open_message = gr.HTML("", elem_id="batch-open-msg")
        with gr.Row():
            jsonl = gr.File(label="Results (JSONL)", interactive=False, elem_id="batch-jsonl")
            csv = gr.File(label="Results (CSV)", interactive=False, elem_id="batch-csv")
    return BatchTab(
        claims_file, run_btn, message, chart, verdict_filter, min_confidence, text_filter, shown,
        table, pick, open_btn, open_message, jsonl, csv,
    )  # fmt: skip


def wire(app: ReviewerApp, tab: BatchTab, result_state: Any, tabs: Any) -> None:
    results_state = gr.State(None)  # the last run's results (output-contract dicts)
    filtered = [tab.table, tab.shown, tab.pick]
    # One progress bar: Gradio draws one on every output of an event unless show_progress_on
    # names where; the table is where the results will appear.
    tab.run_btn.click(
        bind(run_and_summarize, app),
        [tab.claims_file, *tab.filters],
        [tab.message, tab.jsonl, tab.csv, results_state, tab.chart, *filtered],
        show_progress_on=[tab.table],
        api_visibility="private",
    )
    # .change: the filters are only ever set by the reviewer (a run keeps them as they are)
    for control in tab.filters:
        control.change(
            filter_results,
            [results_state, *tab.filters],
            filtered,
            show_progress="hidden",
            api_visibility="private",
        )
    tab.table.select(
        pick_row, [results_state], tab.pick, show_progress="hidden", api_visibility="private"
    )
    # Selecting the Review tab (here by setting the Tabs) fills its form from result_state,
    # as the Article tab's "Open in Review →" does.
    tab.open_btn.click(
        open_in_review,
        [results_state, tab.pick],
        [tab.open_message, tabs, result_state],
        api_visibility="private",
    )

"""The Review tab: judge each evidence card (and set its stance yourself), set the final
verdict, list and export reviews, set the publisher of the ClaimReview export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...errors import WorkbenchError
from ...pipeline.verdict import VERDICTS
from ...reviews.store import JUDGMENTS, STANCE_OVERRIDES, Review, ReviewError
from ..app import ReviewerApp
from ..render import (
    NO_CLAIM_HTML,
    VERDICT_CHOICES,
    VERDICT_LABELS,
    card_html,
    deciding_numbers,
    esc,
    fmt_prob,
    message_html,
)
from . import bind

MAX_SLOTS = 10  # evidence cards that can be judged
# head, verdict, note, message, history + per slot: row, card, judgment, stance (your call)
FORM_FIELDS = 5 + 4 * MAX_SLOTS
REVIEW_COLUMNS = [
    "review",
    "claim",
    "final verdict",
    "machine verdict",
    "reviewer",
    "reviewed at",
    "reviews",
    "note",
]


@dataclass
class ReviewTab:
    tab: Any
    head: Any
    slot_rows: list
    slot_cards: list
    slot_judgments: list
    slot_stances: list  # the reviewer's own stance per card (stance_override)
    reviewer: Any
    final_verdict: Any
    note: Any
    save_btn: Any
    message: Any
    history: Any
    filters: list  # reviewer, verdict, text, overruled
    filter_btn: Any
    table: Any
    export_jsonl_btn: Any
    export_ld_btn: Any
    export_message: Any
    export_file: Any
    publisher_box: Any  # the collapsed Publisher accordion
    publisher_name: Any
    publisher_url: Any
    publisher_btn: Any
    publisher_message: Any

    @property
    def form_outputs(self) -> list:
        """Every per-claim field of the form, in review_form's order (the reviewer's name is
        left out on purpose: the same person reviews claim after claim)."""
        return [
            self.head,
            self.final_verdict,
            self.note,
            self.message,
            self.history,
            *self.slot_rows,
            *self.slot_cards,
            *self.slot_judgments,
            *self.slot_stances,
        ]


def shown_key(result: dict | None) -> str:
    """What identifies the result the form shows (claim, date, verdict, evidence)."""
    if not result:
        return json.dumps(None)
    evidence = [(e.get("doc_id"), e.get("start")) for e in result.get("evidence") or []]
    return json.dumps([result.get("claim"), result.get("date"), result.get("verdict"), evidence])


def open_review(app: ReviewerApp, result: dict | None, shown: str | None) -> tuple:
    """Fill the form for the checked result, unless it already shows that one (opening the
    tab twice must not clear the reviewer's marks)."""
    key = shown_key(result)
    if key == shown:
        return tuple(gr.skip() for _ in range(FORM_FIELDS)) + (shown,)
    return (*review_form(app, result), key)


def review_form(app: ReviewerApp, result: dict | None) -> tuple:
    """A fresh form for this result: head, preset final verdict, an empty note and message,
    history, then MAX_SLOTS rows, cards, empty judgments and empty stances. Nothing of the
    previous claim's review survives (a stale note or mark would be saved into the next
    review)."""
    evidence = (result or {}).get("evidence") or []
    if result:
        head = (
            f"<div class='wb-review-claim'><b>Claim:</b> “{esc(result.get('claim'))}”"
            f" — machine verdict <b>{esc(VERDICT_LABELS.get(result.get('verdict'), ''))}</b>"
            f" (confidence {fmt_prob(result.get('confidence'))})</div>"
        )
    else:
        head = NO_CLAIM_HTML
    rows, cards, judgments, stances = [], [], [], []
    deciding = deciding_numbers(result)
    for i in range(MAX_SLOTS):
        shown = i < len(evidence)
        rows.append(gr.update(visible=shown))
        cards.append(card_html(evidence[i], i + 1, i + 1 in deciding) if shown else "")
        judgments.append(gr.update(value=None))
        stances.append(gr.update(value=None))
    verdict = result.get("verdict") if result else None
    return (
        head,
        gr.update(value=verdict),
        gr.update(value=""),
        "",
        history_html(app, result),
        *rows,
        *cards,
        *judgments,
        *stances,
    )


def history_html(app: ReviewerApp, result: dict | None) -> str:
    if not result:
        return ""
    hist = app.reviews.history(result.get("claim") or "")
    if not hist:
        return "<div class='wb-history'>No earlier reviews of this claim.</div>"
    items = "".join(
        f"<li>{esc(r.created_at)} — <b>{esc(r.reviewer)}</b>:"
        f" {esc(VERDICT_LABELS.get(r.final_verdict))}"
        f"{(' — ' + esc(r.note)) if r.note else ''}</li>"
        for r in reversed(hist)
    )
    return (
        f"<details class='wb-history'><summary>Earlier reviews of this claim ({len(hist)})"
        f"</summary><ul>{items}</ul></details>"
    )


def save_review(
    app: ReviewerApp, result: dict | None, reviewer: str, final_verdict: str, note: str, *marks
) -> tuple:
    """Store the review (append-only); a message and the claim's updated history. marks: the
    MAX_SLOTS judgments, then the MAX_SLOTS stances the reviewer set (either may be short)."""
    if not result:
        return message_html("Check a claim first, then review it.", "error"), gr.skip()
    judgments, stances = marks[:MAX_SLOTS], marks[MAX_SLOTS : 2 * MAX_SLOTS]
    evidence = []
    for i, ev in enumerate(result.get("evidence") or []):
        evidence.append(
            {
                **ev,
                "judgment": judgments[i] if i < len(judgments) else None,
                "stance_override": stances[i] if i < len(stances) else None,
            }
        )
    try:
        review = app.reviews.save(
            claim=result.get("claim") or "",
            claim_id=result.get("id"),
            claim_date=result.get("date"),
            claim_source=result.get("source"),  # where the claim appeared, when the result says
            claim_author=result.get("author"),
            reviewer=reviewer,
            final_verdict=final_verdict or "",
            note=note or "",
            machine_verdict=result.get("verdict"),
            machine_confidence=result.get("confidence"),
            evidence=evidence,
        )
    except (ReviewError, WorkbenchError) as exc:
        return message_html(str(exc), "error"), gr.skip()
    msg = (
        f"Review #{review.review_id} saved: {VERDICT_LABELS[review.final_verdict]}"
        f" by {review.reviewer} at {review.created_at}"
        + (f" (supersedes review #{review.supersedes})." if review.supersedes else ".")
    )
    return message_html(msg, "ok"), history_html(app, result)


def filtered_reviews(
    app: ReviewerApp, reviewer: str, verdict: str, text: str, overruled: bool
) -> list[Review]:
    return app.reviews.reviewed_claims(
        reviewer=(reviewer or "").strip() or None,
        verdict=verdict if verdict in VERDICTS else None,
        text=(text or "").strip() or None,
        disagrees_with_machine=bool(overruled),
    )


def list_reviews(app: ReviewerApp, reviewer: str, verdict: str, text: str, overruled: bool):
    """Rows of the reviewed-claims table (latest review of each claim) for the filter."""
    return [
        [
            r.review_id,
            r.claim,
            VERDICT_LABELS.get(r.final_verdict),
            VERDICT_LABELS.get(r.machine_verdict or "", ""),
            r.reviewer,
            r.created_at,
            r.n_reviews,
            r.note,
        ]
        for r in filtered_reviews(app, reviewer, verdict, text, overruled)
    ]


def export_reviews(
    app: ReviewerApp, kind: str, reviewer: str, verdict: str, text: str, overruled: bool
) -> tuple:
    """Write what the filter shows as JSONL or ClaimReview JSON-LD; a message and the file."""
    rows = filtered_reviews(app, reviewer, verdict, text, overruled)
    if not rows:
        msg = "No reviewed claims match the filter; nothing to export."
        return message_html(msg, "error"), None
    folder = app.export_dir()
    notice = ""
    if kind == "jsonl":
        path = folder / "reviews.jsonl"
        app.reviews.export_jsonl(path, rows)
    else:
        path = folder / "claimreview.jsonld"
        app.reviews.export_claimreview(path, rows)
        notice = app.reviews.publisher().notice()
    text = f"Exported {len(rows)} reviewed claim(s)." + (f" {notice}" if notice else "")
    return message_html(text, "ok"), str(path)


def show_publisher(app: ReviewerApp) -> tuple:
    """The Publisher box's fields as stored, and what the export lacks without them."""
    publisher = app.reviews.publisher()
    notice = publisher.notice()
    return publisher.name, publisher.url, message_html(notice, "info") if notice else ""


def save_publisher(app: ReviewerApp, name: str, url: str) -> tuple:
    """Store the publisher's name and base url (empty fields clear them); a message and the
    fields as stored."""
    try:
        publisher = app.reviews.set_publisher(name=name or "", url=url or "")
    except (ReviewError, WorkbenchError) as exc:
        return gr.skip(), gr.skip(), message_html(str(exc), "error")
    msg = "Publisher saved."
    if publisher.url:
        msg += f" Review pages: {publisher.url}/reviews/<review id>."
    notice = publisher.notice()
    return publisher.name, publisher.url, message_html(msg + (f" {notice}" if notice else ""), "ok")


def _slot_radio(choices, label: str, slot: int, kind: str) -> Any:
    """One of a slot's choices beside its card (elem_id judge-N / stance-N)."""
    return gr.Radio(
        choices=list(choices), label=label, elem_id=f"{kind}-{slot + 1}", scale=1, min_width=220
    )


def _evidence_slots() -> tuple[list, list, list, list]:
    """MAX_SLOTS hidden rows, each a card with the reviewer's judgment and stance beside it."""
    rows, cards, judgments, stances = [], [], [], []
    for i in range(MAX_SLOTS):
        with gr.Row(visible=False, elem_id=f"slot-{i + 1}", equal_height=False) as row:
            cards.append(gr.HTML("", scale=4))
            judgments.append(
                _slot_radio(JUDGMENTS, f"Evidence #{i + 1}: your judgment", i, "judge")
            )
            stances.append(
                _slot_radio(STANCE_OVERRIDES, f"Evidence #{i + 1}: stance (your call)", i, "stance")
            )
        rows.append(row)
    return rows, cards, judgments, stances


def _filters() -> list:
    """Reviewer, final verdict, text and overruled filters of the reviewed-claims list."""
    with gr.Row():
        return [
            gr.Textbox(label="Reviewer", elem_id="filter-reviewer"),
            gr.Dropdown(
                choices=[("All", "")] + VERDICT_CHOICES,
                value="",
                label="Final verdict",
                elem_id="filter-verdict",
            ),
            gr.Textbox(label="Claim contains", elem_id="filter-text"),
            gr.Checkbox(
                label="Only where the reviewer overruled the machine", elem_id="filter-overruled"
            ),
        ]


def _publisher_box() -> tuple:
    """The index's publisher (name, base url) for the ClaimReview export, set once."""
    with gr.Accordion("Publisher", open=False, elem_id="publisher") as box:
        gr.Markdown(
            "Who publishes these fact checks, set once for this index: the ClaimReview "
            "export's author and publisher, and the base url of its pages "
            "(a review's page is `URL/reviews/<review id>`)."
        )
        with gr.Row():
            name = gr.Textbox(label="Publisher name", elem_id="publisher-name")
            url = gr.Textbox(label="Base url", placeholder="https://", elem_id="publisher-url")
        button = gr.Button("Save", elem_id="publisher-save")
        message = gr.HTML("", elem_id="publisher-msg")
    return box, name, url, button, message


def layout() -> ReviewTab:
    with gr.Tab("Review", id="review", elem_id="tab-review") as tab:
        head = gr.HTML(NO_CLAIM_HTML, elem_id="review-claim")
        rows, cards, judgments, stances = _evidence_slots()
        with gr.Row():
            reviewer = gr.Textbox(label="Reviewer", elem_id="reviewer", scale=1)
            final_verdict = gr.Radio(
                choices=VERDICT_CHOICES, label="Final verdict", elem_id="final-verdict", scale=3
            )
        note = gr.Textbox(label="Note", lines=2, elem_id="note")
        save_btn = gr.Button("Save review", variant="primary", elem_id="save-review")
        message = gr.HTML("", elem_id="review-msg")
        history = gr.HTML("", elem_id="review-history")
        gr.Markdown("### Reviewed claims")
        filters = _filters()
        filter_btn = gr.Button("Apply filter", elem_id="filter-btn")
        table = gr.Dataframe(
            headers=REVIEW_COLUMNS,
            interactive=False,
            column_widths=["6%", "30%", "11%", "11%", "10%", "12%", "6%", "14%"],
            elem_id="reviews-table",
            wrap=True,
        )
        with gr.Row():
            export_jsonl_btn = gr.Button("Export JSONL", elem_id="export-jsonl")
            export_ld_btn = gr.Button("Export ClaimReview JSON-LD", elem_id="export-claimreview")
        export_message = gr.HTML("", elem_id="export-msg")
        export_file = gr.File(label="Export", interactive=False, elem_id="export-file")
        publisher = _publisher_box()
    return ReviewTab(
        tab,
        head,
        rows,
        cards,
        judgments,
        stances,
        reviewer,
        final_verdict,
        note,
        save_btn,
        message,
        history,
        filters,
        filter_btn,
        table,
        export_jsonl_btn,
        export_ld_btn,
        export_message,
        export_file,
        *publisher,
    )


def wire(app: ReviewerApp, tab: ReviewTab, result_state: Any, tabs: Any, to_review_btn: Any):
    shown_state = gr.State(None)  # which checked result the form shows
    io = ([result_state, shown_state], [*tab.form_outputs, shown_state])
    tab.tab.select(bind(open_review, app), *io, api_visibility="private")
    to_review_btn.click(
        lambda: gr.update(selected="review"), None, tabs, api_visibility="private"
    ).then(bind(open_review, app), *io, api_visibility="private")
    tab.save_btn.click(
        bind(save_review, app),
        [
            result_state,
            tab.reviewer,
            tab.final_verdict,
            tab.note,
            *tab.slot_judgments,
            *tab.slot_stances,
        ],
        [tab.message, tab.history],
        api_visibility="private",
    ).success(bind(list_reviews, app), tab.filters, tab.table, api_visibility="private")
    tab.filter_btn.click(bind(list_reviews, app), tab.filters, tab.table, api_visibility="private")
    for button, kind in ((tab.export_jsonl_btn, "jsonl"), (tab.export_ld_btn, "jsonld")):
        button.click(
            bind(export_reviews, app, kind),
            tab.filters,
            [tab.export_message, tab.export_file],
            api_visibility="private",
        )
    publisher_fields = [tab.publisher_name, tab.publisher_url, tab.publisher_message]
    tab.publisher_box.expand(
        bind(show_publisher, app), None, publisher_fields, api_visibility="private"
    )
    tab.publisher_btn.click(
        bind(save_publisher, app),
        [tab.publisher_name, tab.publisher_url],
        publisher_fields,
        api_visibility="private",
    )

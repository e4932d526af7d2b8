"""The Check tab: a claim (or an example), its date, the verdict and the evidence columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...errors import WorkbenchError
from ..app import ReviewerApp
from ..render import (
    document_html,
    message_html,
    prior_checks_html,
    render_result,
    sources_html,
    verdict_html,
)
from . import bind


@dataclass
class CheckTab:
    claim: Any
    date: Any
    example: Any
    check_btn: Any
    to_review_btn: Any
    verdict: Any
    prior: Any
    supporting: Any
    conflicting: Any
    neutral: Any
    sources: Any
    open_pick: Any
    docview: Any
    card_open: Any


# Clicking an evidence card (not a link in it) opens it in its document: the page writes the
# card's number into the hidden #card-open box, whose change event runs open_clicked_card
# (Gradio's input event only follows typing).
CARD_CLICK_JS = """
document.addEventListener('click', (event) => {
  const card = event.target.closest(
    '#supporting .wb-card, #conflicting .wb-card, #neutral .wb-card');
  if (!card || event.target.closest('a, summary')) return;
  const box = document.querySelector('#card-open textarea, #card-open input');
  if (!box) return;
  box.value = card.dataset.evidence + ' ' + Date.now();
  box.dispatchEvent(new Event('input', {bubbles: true}));
});
"""

# scroll the opened document to the marked evidence sentence (runs in the browser)
SCROLL_TO_MARK_JS = (
    "() => { const m = document.getElementById('wb-docmark');"
    " if (m) m.scrollIntoView({block: 'center'}); }"
)


def check_claim(app: ReviewerApp, claim: str, date: str) -> tuple:
    """Verdict badge, the three evidence sections, and the result (kept for the Review tab)."""
    if not (claim or "").strip():
        return message_html("Enter a claim to check.", "error"), "", "", "", None
    try:
        result, elapsed = app.check(claim, date)
    except WorkbenchError as exc:
        return message_html(str(exc), "error"), "", "", "", None
    return (*render_result(result, elapsed), result)


def evidence_links(result: dict | None) -> tuple:
    """For a new result: its Sources list, the evidence picker's choices, an empty document,
    and the "Fact-checked before" panel."""
    choices = [
        (f"#{n} · {str(ev.get('sentence') or '')[:80]}", str(n - 1))
        for n, ev in enumerate((result or {}).get("evidence") or [], start=1)
    ]
    return (
        sources_html(result),
        gr.update(choices=choices, value=None),
        "",
        prior_checks_html(result),
    )


def open_evidence(app: ReviewerApp, result: dict | None, pick: str | None) -> str:
    """The picked card's source document, its sentence marked (title, date, source, url)."""
    evidence = (result or {}).get("evidence") or []
    try:
        ev = evidence[int(pick)]
    except (TypeError, ValueError, IndexError):
        return message_html("Check a claim, then pick one of its evidence cards.", "error")
    try:
        doc = app.document(str(ev.get("doc_id")))
    except WorkbenchError as exc:
        return message_html(str(exc), "error")
    if doc is None:
        return message_html(
            f"Document {ev.get('doc_id')} is no longer in the index; check the claim again.",
            "error",
        )
    return document_html(doc, ev.get("start"), ev.get("end"))


def open_clicked_card(app: ReviewerApp, result: dict | None, clicked: str | None) -> tuple:
    """The clicked card (its number, as the page wrote it) in its document; the picker follows."""
    try:
        position = int(str(clicked).split()[0]) - 1
    except (ValueError, IndexError):
        return gr.skip(), gr.skip()
    return open_evidence(app, result, str(position)), gr.update(value=str(position))


def pick_example(dates: dict[str, str], claim: str | None) -> tuple:
    """Fill the claim and its date from the picked example claim."""
    return (claim, dates.get(claim, "")) if claim else (gr.skip(), gr.skip())


def layout(examples: list[list[str]]) -> CheckTab:
    with gr.Tab("Check", id="check", elem_id="tab-check"):
        with gr.Row(elem_id="claim-row", elem_classes="wb-stack-narrow"):
            # lines=1 with max_lines > 1: Gradio's Textbox then submits on Enter and inserts a
            # newline on Shift+Enter (lines > 1 would do the opposite); it grows up to 6 lines.
            claim = gr.Textbox(
                label="Claim",
                placeholder="Type a claim to check… (Enter checks, Shift+Enter: new line)",
                lines=1,
                max_lines=6,
                scale=5,
                elem_id="claim",
            )
            date = gr.Textbox(
                label="Claim date (optional)",
                placeholder="YYYY-MM-DD",
                scale=1,
                elem_id="claim-date",
            )
        example = gr.Dropdown(
            choices=[e[0] for e in examples],
            value=None,
            label=f"Example claims ({len(examples)}, from claims/)",
            elem_id="example-pick",
            visible=bool(examples),
        )
        with gr.Row():
            check_btn = gr.Button("Check", variant="primary", elem_id="check-btn", scale=3)
            to_review_btn = gr.Button("Review this claim →", elem_id="to-review-btn", scale=1)
        verdict = gr.HTML(verdict_html(None), elem_id="verdict")
        prior = gr.HTML("", elem_id="previously-checked")
        empty = render_result(None)
        with gr.Row(equal_height=False, elem_id="evidence-row", elem_classes="wb-stack-narrow"):
            supporting = gr.HTML(empty[1], elem_id="supporting")
            conflicting = gr.HTML(empty[2], elem_id="conflicting")
        neutral = gr.HTML("", elem_id="neutral")
        sources = gr.HTML("", elem_id="sources")
        open_pick = gr.Dropdown(
            choices=[],
            value=None,
            label="Open an evidence card in its document",
            elem_id="open-evidence",
        )
        docview = gr.HTML("", elem_id="check-docview")
        card_open = gr.Textbox(value="", elem_id="card-open", elem_classes="wb-hidden", label="")
    return CheckTab(
        claim,
        date,
        example,
        check_btn,
        to_review_btn,
        verdict,
        prior,
        supporting,
        conflicting,
        neutral,
        sources,
        open_pick,
        docview,
        card_open,
    )


def wire(app: ReviewerApp, tab: CheckTab, result_state: Any, examples: list[list[str]]) -> None:
    outputs = [tab.verdict, tab.supporting, tab.conflicting, tab.neutral, result_state]
    handler = bind(check_claim, app)
    # The Review tab is filled when it is opened, not after every check: a chained event
    # here delayed the verdict in the browser by about a quarter of a second.
    tab.check_btn.click(handler, [tab.claim, tab.date], outputs, api_name="check")
    tab.claim.submit(handler, [tab.claim, tab.date], outputs, api_visibility="private")
    # every new result (checked here or opened from the Article tab) refreshes the links
    result_state.change(
        evidence_links, [result_state], [tab.sources, tab.open_pick, tab.docview, tab.prior],
        api_visibility="private",
    )  # fmt: skip
    tab.open_pick.input(
        bind(open_evidence, app), [result_state, tab.open_pick], tab.docview,
        api_visibility="private",
    ).then(None, None, None, js=SCROLL_TO_MARK_JS)  # fmt: skip
    tab.card_open.change(
        bind(open_clicked_card, app), [result_state, tab.card_open], [tab.docview, tab.open_pick],
        api_visibility="private", show_progress="hidden",
    ).then(None, None, None, js=SCROLL_TO_MARK_JS)  # fmt: skip
    tab.example.input(
        bind(pick_example, {e[0]: e[1] for e in examples}),
        [tab.example],
        [tab.claim, tab.date],
        api_visibility="private",
    )

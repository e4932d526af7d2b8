"""The Article tab: paste an article or upload one, see which sentences are worth checking,
tick some, check them, and open any checked claim in the Check or Review tab.

Sentences are read, split and scored by workbench.checkworthy (the readers and segmenter of
`index add`, the shipped check-worthiness model; `workbench claims extract` does the same), and
checked by the app's engine as a batch (`workbench check-article` does both in one go).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ...checkworthy.errors import NoClaimsError
from ...checkworthy.extract import ScoredSentence, read_document, score_text, select_claims
from ...errors import WorkbenchError
from ...model.dates import validate_date
from ..app import ReviewerApp
from ..render import VERDICT_LABELS, esc, fmt_prob, message_html, render_result
from ..uploads import UploadError, check_upload
from . import bind, progress_callback

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
MAX_LISTED = 50  # check-worthy sentences offered for ticking, highest score first
PASTED = "the pasted text"
PASTED_ID = "article"
FALLBACK_THRESHOLD = 0.5  # only shown when the model cannot load (extracting then says why)
NO_ARTICLE = "Paste an article's text or upload a file (txt, md, html or pdf) first."


@dataclass
class ArticleTab:
    text: Any
    file: Any
    date: Any
    threshold: Any
    extract_btn: Any
    message: Any
    view: Any
    claims: Any
    check_btn: Any
    results: Any
    checked_pick: Any
    open_check_btn: Any
    open_review_btn: Any


def default_threshold(app: ReviewerApp) -> float:
    """The model's own decision threshold (its config.json), the slider's starting value."""
    try:
        return float(app.checkworthy_model().threshold)
    except WorkbenchError:
        return FALLBACK_THRESHOLD


def _sentence(text: str) -> str:
    """A library message as a sentence for the UI (CLI flags in words; "the pasted text"
    capitalised where it starts one; a file's name is left as it is)."""
    text = str(text).replace("lower --threshold", "lower the threshold")
    return "T" + text[1:] if text.startswith(PASTED) else text


def _file_path(file: Any) -> str:
    """The path of an upload (Gradio gives a path; older versions a tempfile wrapper)."""
    return str(file if isinstance(file, str | os.PathLike) else getattr(file, "name", file))


def _read_upload(app: ReviewerApp, file: Any) -> list:
    """The document(s) of an uploaded article file, type and size checked first."""
    path = _file_path(file)
    check_upload(path, ARTICLE_SUFFIXES, app.max_upload_bytes)
    try:
        return read_document(path)
    except WorkbenchError as exc:  # say the file's name, not Gradio's copy of it
        raise WorkbenchError(str(exc).replace(str(Path(path).parent) + os.sep, "")) from exc


def score_article(
    app: ReviewerApp, text: str, file: Any, date: str, threshold: float | None
) -> dict:
    """Every sentence of the uploaded file (if any) or else the pasted text, scored, in
    document order: {"source", "text", "threshold", "sentences": [ScoredSentence as dict]}."""
    if not file and not (text or "").strip():
        raise WorkbenchError(NO_ARTICLE)
    date = validate_date(date)
    model = app.checkworthy_model()
    threshold = model.threshold if threshold is None else float(threshold)
    if not file:
        scored = score_text(text, PASTED, PASTED_ID, date, "", model, threshold)
        return _article(PASTED, text, threshold, scored)
    source = Path(_file_path(file)).name
    scored, texts = [], []
    for document in _read_upload(app, file):  # one document for these file types
        texts.append(document.text)
        scored += score_text(
            document.text,
            source,
            document.doc_id,
            date or document.date,
            document.title,
            model,
            threshold,
        )
    return _article(source, "\n\n".join(texts), threshold, scored)


def _article(source: str, text: str, threshold: float, scored: list[ScoredSentence]) -> dict:
    return {
        "source": source,
        "text": text,
        "threshold": threshold,
        "sentences": [asdict(s) for s in scored],
    }


def _ranked(article: dict | None) -> list[ScoredSentence]:
    """The check-worthy sentences, highest score first (select_claims); [] when none."""
    sentences = [ScoredSentence(**s) for s in (article or {}).get("sentences") or []]
    try:
        return select_claims(sentences, source=(article or {}).get("source") or PASTED)
    except (NoClaimsError, ValueError):  # none reaches the threshold (or no sentence at all)
        return []


def ranked_ids(article: dict | None) -> list[str]:
    """Ids of the check-worthy sentences, highest score first."""
    return [s.id for s in _ranked(article)]


def claim_choices(article: dict | None) -> list[tuple[str, str]]:
    """(label, sentence id) for ticking: the top MAX_LISTED check-worthy claims."""
    return [
        (f"#{n} · {s.score:.2f} · {s.claim}", s.id)
        for n, s in enumerate(_ranked(article)[:MAX_LISTED], start=1)
    ]


def _verdict_class(result: dict) -> str:
    return esc(str(result.get("verdict") or "NOT_ENOUGH_INFO").lower())


def _badge(result: dict) -> str:
    verdict = str(result.get("verdict") or "NOT_ENOUGH_INFO")
    return f"<span class='wb-badge'>{esc(VERDICT_LABELS.get(verdict, verdict))}</span>"


def article_html(article: dict | None, checked: dict | None = None) -> str:
    """The article's text, every sentence titled with its score, the check-worthy ones marked
    and numbered by rank, and a checked sentence followed by its verdict."""
    if not article:
        return ""
    checked = checked or {}
    text = article.get("text") or ""
    sentences = article.get("sentences") or []
    ranks = {sid: n for n, sid in enumerate(ranked_ids(article), start=1)}
    in_text = all(text[s["start"] : s["end"]] == s["sentence"] for s in sentences)
    parts, position = [], 0
    for s in sentences:
        if in_text:
            parts.append(esc(text[position : s["start"]]))
            position = s["end"]
        elif parts:
            parts.append(" ")
        rank = ranks.get(s["id"])
        attrs = (
            f" data-id='{esc(s['id'])}' data-score='{s['score']:.4f}'"
            f" title='check-worthiness {s['score']:.2f}'"
        )
        if rank is None:
            parts.append(f"<span class='wb-sent'{attrs}>{esc(s['sentence'])}</span>")
        else:
            parts.append(
                f"<mark class='wb-sent wb-cw'{attrs} data-rank='{rank}'>{esc(s['sentence'])}"
                f"<sup class='wb-rank'>#{rank} · {s['score']:.2f}</sup></mark>"
            )
        result = checked.get(s["id"])
        if result:
            parts.append(
                f" <span class='wb-inline-verdict wb-v-{_verdict_class(result)}'"
                f" data-verdict='{esc(result.get('verdict'))}'>{_badge(result)}"
                f" {fmt_prob(result.get('confidence'))}</span>"
            )
    if in_text:
        parts.append(esc(text[position:]))
    n_worthy = len(ranks)
    head = (
        f"<div class='wb-article-meta'>{esc(_sentence(article.get('source') or PASTED))}:"
        f" {len(sentences)} sentences,"
        f" {n_worthy} check-worthy (score ≥ {float(article.get('threshold') or 0):.2f}),"
        " marked and numbered from the highest score.</div>"
    )
    body = f"<div class='wb-article-text'>{''.join(parts)}</div>"
    return f"<div class='wb-article'>{head}{body}</div>"


def results_html(article: dict | None, checked: dict | None) -> str:
    """The checked claims, highest check-worthiness first: verdict badge, confidence, claim
    and the top evidence sentence with its document."""
    checked = checked or {}
    if not checked:
        return ""
    order = {s["id"]: n for n, s in enumerate((article or {}).get("sentences") or [])}
    ranks = {sid: n for n, sid in enumerate(ranked_ids(article), start=1)}
    items = []
    for sid in sorted(checked, key=lambda i: (ranks.get(i, 1 << 30), order.get(i, 0))):
        result = checked[sid]
        top = (result.get("evidence") or [None])[0]
        if result.get("error"):
            evidence = f"<span class='wb-empty'>{esc(result['error'])}</span>"
        elif top is None:
            evidence = "<span class='wb-empty'>No evidence in the index.</span>"
        else:
            date = f" <span class='wb-date'>{esc(top['date'])}</span>" if top.get("date") else ""
            evidence = (
                f"<b>Top evidence</b> ({esc(top.get('stance'))}):"
                f" <q>{esc(top.get('sentence'))}</q> — <span class='wb-title'>"
                f"{esc(top.get('title') or top.get('doc_id'))}</span>{date}"
            )
        rank = ranks.get(sid)
        items.append(
            f"<li class='wb-article-result wb-v-{_verdict_class(result)}' data-id='{esc(sid)}'"
            f" data-verdict='{esc(result.get('verdict'))}'>"
            f"<div class='wb-article-result-head'>{_badge(result)}"
            f"<span class='wb-conf'>confidence {fmt_prob(result.get('confidence'))}</span>"
            + (f"<span class='wb-rank'>#{rank}</span>" if rank else "")
            + f"</div><div class='wb-claim'>“{esc(result.get('claim'))}”</div>"
            f"<div class='wb-top-evidence'>{evidence}</div></li>"
        )
    return f"<ol class='wb-article-results'>{''.join(items)}</ol>"


def checked_choices(article: dict | None, checked: dict | None) -> list[tuple[str, str]]:
    """(label, sentence id) of the checked claims, in results_html's order."""
    checked = checked or {}
    ranks = {sid: n for n, sid in enumerate(ranked_ids(article), start=1)}
    return [
        (f"{VERDICT_LABELS.get(r.get('verdict'), r.get('verdict'))} — {r.get('claim')}", sid)
        for sid, r in sorted(checked.items(), key=lambda item: ranks.get(item[0], 1 << 30))
    ]


def extract_article(
    app: ReviewerApp, text: str, file: Any, date: str, threshold: float | None
) -> tuple:
    """Message, the marked article, the claims to tick, the article and checked states (the
    latter emptied), the results list and the checked-claim picker (emptied)."""
    no_claims = gr.update(choices=[], value=[])
    no_checked = gr.update(choices=[], value=None)
    try:
        article = score_article(app, text, file, date, threshold)
    except (WorkbenchError, UploadError) as exc:
        return message_html(_sentence(exc), "error"), "", no_claims, None, {}, "", no_checked
    view = article_html(article)
    try:
        select_claims([ScoredSentence(**s) for s in article["sentences"]], source=article["source"])
    except NoClaimsError as exc:  # every sentence is below the threshold: still show the scores
        return message_html(_sentence(exc), "error"), view, no_claims, article, {}, "", no_checked
    n, total = len(ranked_ids(article)), len(article["sentences"])
    listed = f"the top {MAX_LISTED} are listed" if n > MAX_LISTED else "listed below"
    message = (
        f"{n} of the {total} sentences of {article['source']} are check-worthy ({listed},"
        " highest score first). Tick the ones to check, then press Check."
    )
    choices = gr.update(choices=claim_choices(article), value=[])
    return message_html(message, "ok"), view, choices, article, {}, "", no_checked


def check_sentences(
    app: ReviewerApp,
    article: dict | None,
    selected: list[str] | None,
    checked: dict | None,
    progress=gr.Progress(),  # noqa: B008
) -> tuple:
    """Check the ticked claims; message, the article with their verdicts inline, the results,
    the checked state (earlier checks of this article kept) and the checked-claim picker."""

    def fail(text: str) -> tuple:
        return (message_html(text, "error"), *(gr.skip() for _ in range(4)))

    if not article:
        return fail("Find the check-worthy sentences of an article first.")
    by_id = {s["id"]: s for s in article.get("sentences") or []}
    picked = [by_id[i] for i in selected or [] if i in by_id]
    if not picked:
        return fail("Tick at least one sentence to check.")
    requests = [{"id": s["id"], "claim": s["claim"], "date": s["date"]} for s in picked]
    progress((0, len(requests)), desc="Checking claims")
    try:
        results = app.check_many(requests, progress_callback(progress, "Checking claims"))
    except WorkbenchError as exc:
        return fail(_sentence(exc))
    checked = {**(checked or {}), **{str(r["id"]): r for r in results}}
    counts: dict[str, int] = {}
    for r in results:
        label = VERDICT_LABELS.get(r["verdict"], r["verdict"])
        counts[label] = counts.get(label, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    best = checked_choices(article, {str(r["id"]): r for r in results})[0][1]
    return (
        message_html(f"Checked {len(results)} claim(s): {summary}.", "ok"),
        article_html(article, checked),
        results_html(article, checked),
        checked,
        gr.update(choices=checked_choices(article, checked), value=best),
    )


def open_checked(tab: str, checked: dict | None, claim_id: str | None) -> tuple:
    """Show a checked claim in the Check tab (and keep it as the result the Review tab reads),
    then switch to `tab`: message, tabs, claim, date, the Check tab's four outputs, result."""
    result = (checked or {}).get(claim_id) if claim_id else None
    if not result:
        text = "Check a ticked sentence first, then pick it here to open it."
        return (message_html(text, "error"), *(gr.skip() for _ in range(8)))
    return (
        gr.skip(),
        gr.update(selected=tab),
        result.get("claim") or "",
        result.get("date") or "",
        *render_result(result),
        result,
    )


def layout(threshold: float) -> ArticleTab:
    with gr.Tab("Article", id="article", elem_id="tab-article"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                text = gr.Textbox(
                    label="Article text",
                    placeholder="Paste an article…",
                    lines=8,
                    max_lines=20,
                    elem_id="article-text",
                )
            with gr.Column(scale=2):
                file = gr.File(
                    label="…or upload one (txt, md, html, pdf; used instead of the text)",
                    file_types=list(ARTICLE_SUFFIXES),
                    type="filepath",
                    elem_id="article-file",
                )
                date = gr.Textbox(
                    label="Article date (optional; a file's own date otherwise)",
                    placeholder="YYYY-MM-DD",
                    elem_id="article-date",
                )
                threshold_slider = gr.Slider(
                    0.0,
                    1.0,
                    value=round(threshold, 2),
                    step=0.01,
                    label="Check-worthiness threshold (the model's own by default)",
                    elem_id="article-threshold",
                )
        extract_btn = gr.Button(
            "Find check-worthy sentences", variant="primary", elem_id="article-extract"
        )
        message = gr.HTML("", elem_id="article-msg")
        view = gr.HTML("", elem_id="article-view")
        claims = gr.CheckboxGroup(
            choices=[],
            label="Check-worthy sentences, highest score first: tick the ones to check",
            elem_id="article-claims",
        )
        check_btn = gr.Button("Check ticked sentences", variant="primary", elem_id="article-check")
        results = gr.HTML("", elem_id="article-results")
        with gr.Row():
            checked_pick = gr.Dropdown(
                choices=[], value=None, label="Checked claim", elem_id="article-checked", scale=4
            )
            open_check_btn = gr.Button("Open in Check", elem_id="article-open-check", scale=1)
            open_review_btn = gr.Button("Open in Review →", elem_id="article-open-review", scale=1)
    return ArticleTab(
        text,
        file,
        date,
        threshold_slider,
        extract_btn,
        message,
        view,
        claims,
        check_btn,
        results,
        checked_pick,
        open_check_btn,
        open_review_btn,
    )


def wire(app: ReviewerApp, tab: ArticleTab, result_state: Any, tabs: Any, check_tab: Any) -> None:
    article_state = gr.State(None)  # the scored sentences of the article shown
    checked_state = gr.State({})  # sentence id -> checked result, for this article
    tab.extract_btn.click(
        bind(extract_article, app),
        [tab.text, tab.file, tab.date, tab.threshold],
        [
            tab.message,
            tab.view,
            tab.claims,
            article_state,
            checked_state,
            tab.results,
            tab.checked_pick,
        ],
        api_visibility="private",
    )
    tab.check_btn.click(
        bind(check_sentences, app),
        [article_state, tab.claims, checked_state],
        [tab.message, tab.view, tab.results, checked_state, tab.checked_pick],
        api_visibility="private",
    )
    outputs = [
        tab.message,
        tabs,
        check_tab.claim,
        check_tab.date,
        check_tab.verdict,
        check_tab.supporting,
        check_tab.conflicting,
        check_tab.neutral,
        result_state,
    ]
    # Selecting the Review tab (here by setting the Tabs) fills its form from result_state,
    # as its header and the Check tab's "Review this claim →" do.
    for button, target in ((tab.open_check_btn, "check"), (tab.open_review_btn, "review")):
        button.click(
            bind(open_checked, target),
            [checked_state, tab.checked_pick],
            outputs,
            api_visibility="private",
        )

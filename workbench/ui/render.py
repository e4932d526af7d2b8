"""HTML for verdicts, evidence cards and documents; pure functions, no Gradio import.

Every piece of document text, title, source and claim goes through html.escape *before* any
highlighting markup is added (esc, highlight), so a document containing <script> shows as text.
"""

from __future__ import annotations

import html
import re
from typing import Any

from ..pipeline.verdict import NOT_SCORED, VERDICTS

VERDICT_LABELS = {v: v.replace("_", " ") for v in VERDICTS}  # NOT_ENOUGH_INFO -> NOT ENOUGH INFO
VERDICT_CHOICES = [(VERDICT_LABELS[v], v) for v in VERDICTS]


def esc(value: Any) -> str:
    """HTML-escape any value (None -> empty string), quotes included."""
    return html.escape("" if value is None else str(value), quote=True)


def highlight(context: str | None, sentence: str | None) -> str:
    """The context with the sentence marked; both escaped before the <mark> is added."""
    context = context or ""
    sentence = sentence or ""
    i = context.find(sentence) if sentence else -1
    if i < 0:
        marked = f"<mark>{esc(sentence)}</mark>"
        if not context.strip():
            return marked
        return f"{marked}<span class='wb-ctx-extra'> — in context: {esc(context)}</span>"
    before, after = context[:i], context[i + len(sentence) :]
    return f"{esc(before)}<mark>{esc(sentence)}</mark>{esc(after)}"


def fmt_prob(p: Any) -> str:
    try:
        return f"{float(p):.2f}"
    except (TypeError, ValueError):
        return "–"


def _pct(p: Any) -> float:
    try:
        return max(0.0, min(100.0, float(p) * 100))
    except (TypeError, ValueError):
        return 0.0


def _source_html(source: Any) -> str:
    s = "" if source is None else str(source)
    if re.match(r"^https?://", s, re.IGNORECASE):
        return f"<a href='{esc(s)}' target='_blank' rel='noopener noreferrer nofollow'>{esc(s)}</a>"
    return f"<code>{esc(s)}</code>" if s else ""


def probs_html(ev: dict) -> str:
    if ev.get("stance") == NOT_SCORED:
        return (
            "<div class='wb-probs wb-not-scored'>Not scored: too far from the claim to change "
            "the verdict (relevance below the threshold).</div>"
        )
    rows = []
    for key, label in (
        ("p_supports", "supports"),
        ("p_refutes", "refutes"),
        ("p_neutral", "neutral"),
    ):
        p = ev.get(key)
        rows.append(
            f"<div class='wb-prob wb-prob-{label}' title='P({label})'>"
            f"<span class='wb-prob-label'>{label}</span>"
            f"<span class='wb-prob-bar'><span style='width:{_pct(p):.0f}%'></span></span>"
            f"<span class='wb-prob-val'>{fmt_prob(p)}</span></div>"
        )
    return f"<div class='wb-probs'>{''.join(rows)}</div>"


DECIDING_TAG = "<span class='wb-deciding-tag'>deciding</span>"


def card_html(ev: dict, number: int, deciding: bool = False) -> str:
    """One evidence card: marked sentence inside its context, metadata, stance probabilities;
    `deciding` marks the card the verdict rests on."""
    stance = str(ev.get("stance") or "neutral")
    css = re.sub(r"[^a-z-]+", "-", stance.lower())  # "not scored" -> not-scored
    meta = [f"<span class='wb-title'>{esc(ev.get('title') or ev.get('doc_id'))}</span>"]
    if ev.get("date"):
        meta.append(f"<span class='wb-date'>{esc(ev.get('date'))}</span>")
    src = _source_html(ev.get("source"))
    if src:
        meta.append(f"<span class='wb-source'>{src}</span>")
    return (
        f"<article class='wb-card wb-stance-{esc(css)}{' wb-deciding' if deciding else ''}'"
        f" data-evidence='{number}'"
        f" data-doc-id='{esc(ev.get('doc_id'))}' data-start='{esc(ev.get('start'))}'"
        f" data-end='{esc(ev.get('end'))}'>"
        f"<div class='wb-card-head'><span class='wb-num'>#{number}</span>"
        f"<span class='wb-stance'>{esc(stance)}</span>"
        f"{DECIDING_TAG if deciding else ''}</div>"
        f"<div class='wb-context'>{highlight(ev.get('context'), ev.get('sentence'))}</div>"
        f"<div class='wb-meta'>{' · '.join(meta)}</div>"
        f"{probs_html(ev)}</article>"
    )


def verdict_html(result: dict | None, elapsed: float | None = None) -> str:
    if not result:
        return (
            "<div class='wb-verdict wb-v-none'><span class='wb-hint'>"
            "Enter a claim and press Check.</span></div>"
        )
    verdict = str(result.get("verdict") or "NOT_ENOUGH_INFO")
    label = VERDICT_LABELS.get(verdict, verdict)
    conf = result.get("confidence")
    extra = f" · {elapsed * 1000:.0f} ms" if elapsed is not None else ""
    calibrated = (
        " title='Calibrated on labelled claims of this corpus: about how often such a verdict "
        "is right.'"
        if result.get("confidence_calibrated")
        else " title='Raw strength of the evidence, not calibrated on this corpus "
        "(workbench eval --tune --save-params calibrates it).'"
    )
    kind = "calibrated " if result.get("confidence_calibrated") else ""
    date = (
        f" <span class='wb-claim-date'>({esc(result['date'])})</span>" if result.get("date") else ""
    )
    return (
        f"<div class='wb-verdict wb-v-{esc(verdict.lower())}' data-verdict='{esc(verdict)}'>"
        f"<span class='wb-badge'>{esc(label)}</span>"
        f"<span class='wb-conf'{calibrated}>{kind}confidence {fmt_prob(conf)}</span>"
        f"<div class='wb-claim'>“{esc(result.get('claim'))}”{date}"
        f"<span class='wb-elapsed'>{esc(extra)}</span></div>{why_html(result)}</div>"
    )


def deciding_numbers(result: dict | None) -> set[int]:
    """Card numbers (1-based, as shown) of the evidence the verdict rests on."""
    basis = (result or {}).get("basis") or {}
    return {int(i) + 1 for i in basis.get("deciding") or []}


def why_html(result: dict) -> str:
    """The rule or aggregator that decided, its numbers in words, and the deciding cards."""
    basis = result.get("basis") or {}
    if not basis.get("text"):
        return ""
    cards = sorted(deciding_numbers(result))
    rests_on = (
        " Deciding evidence: " + ", ".join(f"<b>#{n}</b>" for n in cards) + "."
        if cards
        else " No card decided it."
    )
    return (
        f"<div class='wb-why' data-rule='{esc(basis.get('rule'))}'><b>Why:</b>"
        f" {esc(basis.get('rule'))}. {esc(basis['text'])}{rests_on}</div>"
    )


def split_evidence(result: dict | None) -> tuple[list, list, list]:
    """(supporting, conflicting, neutral) lists of (number, evidence) in the engine's order."""
    sup, con, neu = [], [], []
    for n, ev in enumerate((result or {}).get("evidence") or [], start=1):
        stance = ev.get("stance")
        (sup if stance == "supports" else con if stance == "refutes" else neu).append((n, ev))
    return sup, con, neu


def column_html(
    title: str, items: list, empty: str, kind: str, deciding: set[int] = frozenset()
) -> str:
    cards = "".join(card_html(ev, n, n in deciding) for n, ev in items)
    cards = cards or f"<p class='wb-empty'>{esc(empty)}</p>"
    return (
        f"<section class='wb-col wb-col-{kind}'><h3>{esc(title)}"
        f" <span class='wb-count'>({len(items)})</span></h3>{cards}</section>"
    )


def neutral_html(items: list) -> str:
    if not items:
        return ""
    cards = "".join(card_html(ev, n) for n, ev in items)
    return (
        "<details class='wb-neutral'><summary>Related, no stance (neutral, or too weakly"
        " related to count)"
        f" ({len(items)})</summary>{cards}</details>"
    )


def render_result(result: dict | None, elapsed: float | None = None) -> tuple[str, str, str, str]:
    """HTML for the verdict badge, Supporting column, Conflicting column, neutral section."""
    sup, con, neu = split_evidence(result)
    waiting = result is None
    deciding = deciding_numbers(result)
    return (
        verdict_html(result, elapsed),
        column_html(
            "Supporting evidence",
            sup,
            "" if waiting else "No supporting evidence.",
            "supporting",
            deciding,
        ),
        column_html(
            "Conflicting evidence",
            con,
            "" if waiting else "No conflicting evidence.",
            "conflicting",
            deciding,
        ),
        neutral_html(neu),
    )


def document_html(doc: Any, start: int | None = None, end: int | None = None) -> str:
    """A stored document for reading: metadata and its escaped text, with text[start:end] (an
    evidence sentence's offsets) marked as `#wb-docmark` so the view can scroll to it."""
    if doc is None:
        return ""
    get = (lambda k: doc.get(k)) if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    meta = [f"<b>{esc(get('title') or get('doc_id'))}</b>", f"<code>{esc(get('doc_id'))}</code>"]
    if get("date"):
        meta.append(esc(get("date")))
    if get("source") or get("url"):
        meta.append(_source_html(get("url") or get("source")))
    text = str(get("text") or "")
    if start is not None and end is not None and 0 <= start < end <= len(text):
        body = (
            f"{esc(text[:start])}<mark id='wb-docmark' class='wb-docmark'>"
            f"{esc(text[start:end])}</mark>{esc(text[end:])}"
        )
    else:
        body = esc(text)
    return (
        f"<div class='wb-docview'><div class='wb-meta'>{' · '.join(meta)}</div>"
        f"<div class='wb-doctext'>{body}</div></div>"
    )


def sources_html(result: dict | None) -> str:
    """The distinct documents behind a verdict's cards, with how many cards (and which) each."""
    by_doc: dict[str, dict] = {}
    for n, ev in enumerate((result or {}).get("evidence") or [], start=1):
        entry = by_doc.setdefault(str(ev.get("doc_id")), {"ev": ev, "cards": []})
        entry["cards"].append(n)
    if not by_doc:
        return ""
    items = "".join(
        f"<li data-doc-id='{esc(doc_id)}'><b>{esc(e['ev'].get('title') or doc_id)}</b>"
        f"{(' · ' + esc(e['ev'].get('date'))) if e['ev'].get('date') else ''}"
        f" — {len(e['cards'])} card{'s' * (len(e['cards']) != 1)}"
        f" ({', '.join(f'#{n}' for n in e['cards'])})</li>"
        for doc_id, e in by_doc.items()
    )
    return (
        f"<details class='wb-sources' open><summary>Sources ({len(by_doc)} document"
        f"{'s' * (len(by_doc) != 1)})</summary><ul>{items}</ul></details>"
    )


def _safe_url(url: Any) -> str | None:
    url = str(url or "")
    return url if url.lower().startswith(("http://", "https://")) else None


def prior_checks_html(result: dict | None) -> str:
    """The "Fact-checked before" panel: earlier fact-checks and reviews of (nearly) this claim,
    each with its rating, who and when, and a link to the fact-check; "" when there are none."""
    prior = (result or {}).get("previously_checked") or []
    if not prior:
        return ""
    items = []
    for match in prior:
        who = "reviewed in this index" if match.get("origin") == "review" else "fact-checked"
        by = f" by {esc(match['publisher'])}" if match.get("publisher") else ""
        when = f" on {esc(match['date'])}" if match.get("date") else ""
        url = _safe_url(match.get("url"))
        link = f" · <a href='{esc(url)}' target='_blank' rel='noopener'>open</a>" if url else ""
        items.append(
            f"<li><span class='wb-prior-rating'>{esc(match.get('rating') or 'no rating')}</span>"
            f" “{esc(match.get('claim'))}” <small>{who}{by}{when} · similarity "
            f"{float(match.get('score') or 0):.2f}{link}</small></li>"
        )
    return (
        f"<div class='wb-prior'><b>Fact-checked before</b> ({len(prior)} similar claim"
        f"{'s' * (len(prior) != 1)}: reuse the work if it is the same claim)<ul>"
        + "".join(items)
        + "</ul></div>"
    )


def message_html(text: str, kind: str = "info") -> str:
    return f"<div class='wb-msg wb-msg-{esc(kind)}'>{esc(text)}</div>"


NO_CLAIM_HTML = message_html("Check a claim in the Check tab first; its evidence appears here.")


CONFIDENCE_BINS = 10  # the Batch tab's confidence histogram: [0, 0.1), [0.1, 0.2), … [0.9, 1]


def confidence_bin(confidence: Any, bins: int = CONFIDENCE_BINS) -> int:
    """The histogram bin of a confidence (0 … bins - 1; 1.0 falls in the last bin)."""
    try:
        value = max(0.0, min(1.0, float(confidence)))
    except (TypeError, ValueError):
        value = 0.0
    return min(bins - 1, int(value * bins))


def batch_counts(results: list[dict] | None) -> tuple[dict[str, int], list[int]]:
    """Counts per verdict (every verdict, zeros included) and per confidence bin of the
    checked results of a batch run (skipped claims, which carry an error, left out)."""
    counts = {v: 0 for v in VERDICTS}
    hist = [0] * CONFIDENCE_BINS
    for r in results or []:
        if r.get("error"):
            continue
        verdict = str(r.get("verdict"))
        counts[verdict] = counts.get(verdict, 0) + 1
        hist[confidence_bin(r.get("confidence"))] += 1
    return counts, hist


def _bar_rows(rows: list[tuple[str, str, int, str]]) -> str:
    """Horizontal bars: (css class, label, count, data attributes) each, scaled to the
    largest count."""
    top = max([count for _, _, count, _ in rows] + [1])
    return "".join(
        f"<div class='wb-bar-row {esc(css)}'{attrs}>"
        f"<span class='wb-bar-label'>{esc(label)}</span>"
        f"<span class='wb-bar'><span style='width:{100 * count / top:.0f}%'></span></span>"
        f"<span class='wb-bar-count'>{count}</span></div>"
        for css, label, count, attrs in rows
    )


def batch_chart_html(results: list[dict] | None) -> str:
    """The summary of a batch run: a bar per verdict and a confidence histogram (HTML/CSS
    only, drawn on the server, every label escaped)."""
    if not results:
        return ""
    counts, hist = batch_counts(results)
    checked = sum(counts.values())
    verdict_rows = [
        (
            f"wb-v-{v.lower()}",
            VERDICT_LABELS.get(v, v),
            n,
            f" data-verdict='{esc(v)}' data-count='{n}'",
        )
        for v, n in counts.items()
    ]
    width = 1 / CONFIDENCE_BINS
    bin_rows = [
        (
            "wb-bin",
            f"{i * width:.1f}–{(i + 1) * width:.1f}",
            n,
            f" data-bin='{i}' data-count='{n}'",
        )
        for i, n in enumerate(hist)
    ]
    skipped = len(results) - checked
    note = f" · {skipped} skipped" if skipped else ""
    return (
        f"<div class='wb-batch-chart' data-checked='{checked}'>"
        f"<section class='wb-chart wb-chart-verdicts'><h4>Verdicts ({checked} checked{note})</h4>"
        f"{_bar_rows(verdict_rows)}</section>"
        "<section class='wb-chart wb-chart-confidence'><h4>Confidence</h4>"
        f"{_bar_rows(bin_rows)}</section></div>"
    )

"""The reviewer UI: a Gradio app over the engine's Python API.

Run it with ``python app.py`` or ``workbench serve`` (``--index DIR --host --port --auth``).
This module holds presentation only; checking, indexing and verdicts are the engine's
(:class:`workbench.Workbench`), review records are :mod:`workbench.review`'s.

Safety rules kept here:

* every piece of document text, title, source and claim is passed through
  :func:`html.escape` *before* any highlighting markup is added (:func:`esc`,
  :func:`highlight`), so a document containing ``<script>`` shows as text;
* uploads are limited in size and type, saved under ``<index>/uploads/`` with sanitised
  names (:func:`safe_filename`), never outside it;
* Gradio's own upload/cache folder is moved inside the index (``<index>/ui-cache``) and no
  extra ``allowed_paths`` are given, so the server serves nothing outside the index.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..reviews.store import JUDGMENTS, VERDICTS, ReviewError, ReviewStore
from .api import register_api

DEFAULT_PORT = 7860
MAX_UPLOAD_MB = 20
DOC_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl", ".csv")
CLAIM_SUFFIXES = (".csv", ".jsonl")
MAX_SLOTS = 10  # evidence cards that can be judged in the Review tab
TOP_K = 10

VERDICT_LABELS = {
    "SUPPORTED": "SUPPORTED",
    "REFUTED": "REFUTED",
    "CONFLICTING": "CONFLICTING",
    "NOT_ENOUGH_INFO": "NOT ENOUGH INFO",
}
VERDICT_CHOICES = [(VERDICT_LABELS[v], v) for v in VERDICTS]
ROOT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------------------------
# Pure rendering helpers (no Gradio import): HTML for verdicts and evidence cards.
# --------------------------------------------------------------------------------------------


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


def _fmt(p: Any) -> str:
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
            f"<span class='wb-prob-val'>{_fmt(p)}</span></div>"
        )
    return f"<div class='wb-probs'>{''.join(rows)}</div>"


def card_html(ev: dict, number: int) -> str:
    """One evidence card: marked sentence inside its context, metadata, stance probabilities."""
    stance = str(ev.get("stance") or "neutral")
    meta = [f"<span class='wb-title'>{esc(ev.get('title') or ev.get('doc_id'))}</span>"]
    if ev.get("date"):
        meta.append(f"<span class='wb-date'>{esc(ev.get('date'))}</span>")
    src = _source_html(ev.get("source"))
    if src:
        meta.append(f"<span class='wb-source'>{src}</span>")
    return (
        f"<article class='wb-card wb-stance-{esc(stance)}' data-evidence='{number}'"
        f" data-doc-id='{esc(ev.get('doc_id'))}' data-start='{esc(ev.get('start'))}'"
        f" data-end='{esc(ev.get('end'))}'>"
        f"<div class='wb-card-head'><span class='wb-num'>#{number}</span>"
        f"<span class='wb-stance'>{esc(stance)}</span></div>"
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
    date = (
        f" <span class='wb-claim-date'>({esc(result['date'])})</span>" if result.get("date") else ""
    )
    return (
        f"<div class='wb-verdict wb-v-{esc(verdict.lower())}' data-verdict='{esc(verdict)}'>"
        f"<span class='wb-badge'>{esc(label)}</span>"
        f"<span class='wb-conf'>confidence {_fmt(conf)}</span>"
        f"<div class='wb-claim'>“{esc(result.get('claim'))}”{date}"
        f"<span class='wb-elapsed'>{esc(extra)}</span></div></div>"
    )


def split_evidence(result: dict | None) -> tuple[list, list, list]:
    """(supporting, conflicting, neutral) lists of (number, evidence) in the engine's order."""
    sup, con, neu = [], [], []
    for n, ev in enumerate((result or {}).get("evidence") or [], start=1):
        stance = ev.get("stance")
        (sup if stance == "supports" else con if stance == "refutes" else neu).append((n, ev))
    return sup, con, neu


def column_html(title: str, items: list, empty: str, kind: str) -> str:
    cards = "".join(card_html(ev, n) for n, ev in items) or f"<p class='wb-empty'>{esc(empty)}</p>"
    return (
        f"<section class='wb-col wb-col-{kind}'><h3>{esc(title)}"
        f" <span class='wb-count'>({len(items)})</span></h3>{cards}</section>"
    )


def neutral_html(items: list) -> str:
    if not items:
        return ""
    cards = "".join(card_html(ev, n) for n, ev in items)
    return (
        "<details class='wb-neutral'><summary>Related but neutral sentences"
        f" ({len(items)})</summary>{cards}</details>"
    )


def render_result(result: dict | None, elapsed: float | None = None) -> tuple[str, str, str, str]:
    """HTML for the verdict badge, Supporting column, Conflicting column, neutral section."""
    sup, con, neu = split_evidence(result)
    waiting = result is None
    return (
        verdict_html(result, elapsed),
        column_html(
            "Supporting evidence", sup, "" if waiting else "No supporting evidence.", "supporting"
        ),
        column_html(
            "Conflicting evidence",
            con,
            "" if waiting else "No conflicting evidence.",
            "conflicting",
        ),
        neutral_html(neu),
    )


def document_html(doc: Any) -> str:
    """A stored document for reading: metadata and its escaped text."""
    if doc is None:
        return ""
    get = (lambda k: doc.get(k)) if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    meta = [f"<b>{esc(get('title') or get('doc_id'))}</b>", f"<code>{esc(get('doc_id'))}</code>"]
    if get("date"):
        meta.append(esc(get("date")))
    if get("source") or get("url"):
        meta.append(_source_html(get("url") or get("source")))
    return (
        f"<div class='wb-docview'><div class='wb-meta'>{' · '.join(meta)}</div>"
        f"<div class='wb-doctext'>{esc(get('text'))}</div></div>"
    )


def message_html(text: str, kind: str = "info") -> str:
    return f"<div class='wb-msg wb-msg-{esc(kind)}'>{esc(text)}</div>"


NO_CLAIM_HTML = message_html("Check a claim in the Check tab first; its evidence appears here.")


# --------------------------------------------------------------------------------------------
# Files: upload names, type and size checks, example claims.
# --------------------------------------------------------------------------------------------


def safe_filename(name: str, default: str = "upload") -> str:
    """A file name safe to create inside a folder: no directories, no dot-files, ASCII-ish.

    ``../../x.txt`` -> ``x.txt``; ``..\\a b.md`` -> ``a_b.md``; ``.bashrc`` -> ``bashrc``.
    """
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.ASCII)
    name = re.sub(r"_+", "_", name).strip("._-")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:100].strip("._-")
    if not stem:
        stem = default
    return f"{stem}.{suffix.lower()}" if suffix else stem


class UploadError(ValueError):
    """An upload was refused; the message is one human sentence."""


def check_upload(path: str | Path, allowed: Iterable[str], max_bytes: int) -> None:
    name = Path(path).name
    suffix = Path(name).suffix.lower()
    allowed = tuple(allowed)
    if suffix not in allowed:
        raise UploadError(
            f"{name}: files of type '{suffix or 'none'}' cannot be added; "
            f"allowed types are {', '.join(allowed)}."
        )
    size = os.path.getsize(path)
    if size > max_bytes:
        raise UploadError(
            f"{name} is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB per file."
        )


def store_upload(src: str | Path, uploads_dir: Path, original_name: str | None = None) -> Path:
    """Copy an uploaded file into ``uploads_dir`` under a sanitised name; returns the path.

    The same name overwrites (atomically), so an edited document replaces its earlier version.
    """
    uploads_dir = Path(uploads_dir).resolve()
    uploads_dir.mkdir(parents=True, exist_ok=True)
    dest = (uploads_dir / safe_filename(original_name or Path(src).name)).resolve()
    if dest.parent != uploads_dir:  # defence in depth; safe_filename already prevents this
        raise UploadError("That file name is not allowed.")
    fd, tmp = tempfile.mkstemp(dir=uploads_dir, prefix=".part-")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return dest


def example_claims(claims_dir: Path | None = None, limit: int = 50) -> list[list[str]]:
    """[[claim, date], ...] from claims/*.csv (columns id, claim, optional date)."""
    claims_dir = claims_dir or ROOT / "claims"
    out: list[list[str]] = []
    for path in sorted(Path(claims_dir).glob("*.csv")):
        try:
            with open(path, newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    claim = (row.get("claim") or "").strip()
                    if claim:
                        out.append([claim, (row.get("date") or "").strip()])
        except (OSError, csv.Error, UnicodeDecodeError):
            continue
    seen: set[str] = set()
    unique = [e for e in out if not (e[0] in seen or seen.add(e[0]))]
    return unique[:limit]


# --------------------------------------------------------------------------------------------
# The app: engine calls (the engine is thread-safe: checks go on while a writer adds) and
# Gradio handlers.
# --------------------------------------------------------------------------------------------


def _doc_info(d: Any) -> dict:
    if isinstance(d, dict):
        return d
    if dataclasses.is_dataclass(d):
        return dataclasses.asdict(d)
    return {k: getattr(d, k, None) for k in ("doc_id", "title", "date", "source", "n_sentences")}


class ReviewerApp:
    """State shared by all browser sessions: the open index, its reviews, upload folder."""

    def __init__(self, wb: Any, index_dir: str | Path, max_upload_mb: float = MAX_UPLOAD_MB):
        self.wb = wb
        self.index_dir = Path(index_dir).resolve()
        self.uploads_dir = self.index_dir / "uploads"
        self.cache_dir = self.index_dir / "ui-cache"
        self.max_upload_bytes = int(max_upload_mb * 1_000_000)
        self.reviews = ReviewStore(wb.db_path)

    # -- engine calls --------------------------------------------------------------------

    def check(self, claim: str, date: str | None = None) -> tuple[dict, float]:
        claim = (claim or "").strip()
        date = (date or "").strip() or None
        t0 = time.perf_counter()
        result = self.wb.check(claim, date=date, top_k=TOP_K).to_dict()
        if date:
            result["date"] = date
        return result, time.perf_counter() - t0

    def documents(self) -> list[dict]:
        return [_doc_info(d) for d in self.wb.documents()]

    def add_files(self, paths: list[Path], progress: Callable | None = None) -> Any:
        return self.wb.add([str(p) for p in paths], progress=False, progress_callback=progress)

    def export_dir(self) -> Path:
        d = self.cache_dir / "exports" / time.strftime("%Y%m%d-%H%M%S")
        d.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=d))


def _progress_adapter(progress: Any, desc: str) -> Callable:
    """A progress_callback for the engine that drives a gr.Progress bar."""

    def cb(*args: Any, **kwargs: Any) -> None:
        done = kwargs.get("done", args[0] if args else None)
        total = kwargs.get("total", args[1] if len(args) > 1 else None)
        try:
            if total:
                progress((int(done), int(total)), desc=desc)
            elif done is not None and float(done) <= 1:
                progress(float(done), desc=desc)
        except (TypeError, ValueError):  # a progress display must never break the work
            return

    return cb


def _engine_error_types() -> tuple[type[BaseException], ...]:
    from ..errors import WorkbenchError

    return (WorkbenchError, ReviewError, UploadError)


CSS = """
.wb-verdict{display:flex;flex-wrap:wrap;align-items:center;gap:.6em;padding:.8em 1em;
  border-radius:10px;background:#f4f4f5;color:#18181b;border:1px solid #d4d4d8}
.wb-badge{font-weight:800;letter-spacing:.04em;padding:.35em .8em;border-radius:999px;
  color:#fff;background:#52525b;font-size:1.15em}
.wb-v-supported .wb-badge{background:#15803d}.wb-v-refuted .wb-badge{background:#b91c1c}
.wb-v-conflicting .wb-badge{background:#b45309}.wb-v-not_enough_info .wb-badge{background:#52525b}
.wb-conf{font-weight:600}.wb-claim{flex-basis:100%;font-style:italic}
.wb-elapsed,.wb-claim-date{color:#52525b;font-style:normal;font-size:.9em}
.wb-col h3{margin:.2em 0 .5em 0}.wb-count{color:#71717a;font-weight:400}
.wb-card{border:1px solid #d4d4d8;border-left:6px solid #a1a1aa;border-radius:8px;
  padding:.6em .8em;margin:0 0 .7em 0;background:#fff;color:#18181b}
.wb-stance-supports{border-left-color:#16a34a}.wb-stance-refutes{border-left-color:#dc2626}
.wb-card-head{display:flex;gap:.6em;font-size:.8em;color:#52525b;text-transform:uppercase}
.wb-num{font-weight:700}.wb-context{line-height:1.5;margin:.3em 0}
.wb-context mark{background:#fde047;color:#18181b;padding:0 .1em;border-radius:2px}
.wb-ctx-extra{color:#52525b}
.wb-meta{font-size:.85em;color:#3f3f46}.wb-title{font-weight:700}
.wb-probs{display:flex;flex-wrap:wrap;gap:.2em 1em;margin-top:.4em;font-size:.8em;color:#3f3f46}
.wb-prob{display:flex;align-items:center;gap:.3em}
.wb-prob-bar{display:inline-block;width:60px;height:7px;background:#e4e4e7;border-radius:4px;
  overflow:hidden}
.wb-prob-bar span{display:block;height:100%;background:#71717a}
.wb-prob-supports .wb-prob-bar span{background:#16a34a}
.wb-prob-refutes .wb-prob-bar span{background:#dc2626}
.wb-empty{color:#71717a;font-style:italic}
.wb-neutral summary{cursor:pointer;font-weight:600;margin:.5em 0}
.wb-docview{border:1px solid #d4d4d8;border-radius:8px;padding:.8em;background:#fff;
  color:#18181b}
.wb-doctext{white-space:pre-wrap;line-height:1.5;margin-top:.6em;max-height:60vh;overflow:auto}
.wb-msg{padding:.5em .8em;border-radius:6px;background:#f4f4f5;color:#18181b;
  white-space:pre-wrap}
.wb-msg-error{background:#fee2e2;color:#7f1d1d}.wb-msg-ok{background:#dcfce7;color:#14532d}
.wb-history{font-size:.85em}
"""


def build_blocks(app: ReviewerApp, examples: list[list[str]] | None = None) -> Any:
    """The Gradio Blocks of the reviewer UI, bound to one ReviewerApp."""
    import gradio as gr

    errors = _engine_error_types()
    examples = example_claims() if examples is None else examples

    # -- Check ---------------------------------------------------------------------------

    def do_check(claim: str, date: str):
        if not (claim or "").strip():
            return message_html("Enter a claim to check.", "error"), "", "", "", None
        try:
            result, elapsed = app.check(claim, date)
        except errors as exc:
            return message_html(str(exc), "error"), "", "", "", None
        return (*render_result(result, elapsed), result)

    # -- Review --------------------------------------------------------------------------

    def review_open(result: dict | None, shown: str | None):
        """Fill the Review tab for the checked result, unless it already shows that one
        (opening the tab twice must not clear the reviewer's marks)."""
        key = json.dumps(
            [
                result.get("claim"),
                result.get("date"),
                result.get("verdict"),
                [(e.get("doc_id"), e.get("start")) for e in result.get("evidence") or []],
            ]
            if result
            else None
        )
        if key == shown:
            return tuple(gr.skip() for _ in review_outputs) + (shown,)
        return (*review_fill(result), key)

    def review_fill(result: dict | None):
        """Review tab contents for the checked claim (None -> empty form)."""
        evidence = (result or {}).get("evidence") or []
        if result:
            head = (
                f"<div class='wb-review-claim'><b>Claim:</b> “{esc(result.get('claim'))}”"
                f" — machine verdict <b>{esc(VERDICT_LABELS.get(result.get('verdict'), ''))}</b>"
                f" (confidence {_fmt(result.get('confidence'))})</div>"
            )
        else:
            head = NO_CLAIM_HTML
        slots_html, slots_radio, slots_col = [], [], []
        for i in range(MAX_SLOTS):
            if i < len(evidence):
                slots_col.append(gr.update(visible=True))
                slots_html.append(card_html(evidence[i], i + 1))
                slots_radio.append(gr.update(value=None))
            else:
                slots_col.append(gr.update(visible=False))
                slots_html.append("")
                slots_radio.append(gr.update(value=None))
        verdict = result.get("verdict") if result else None
        return (
            head,
            gr.update(value=verdict),
            history_html(result),
            *slots_col,
            *slots_html,
            *slots_radio,
        )

    def history_html(result: dict | None) -> str:
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

    def do_save_review(result, reviewer, final_verdict, note, *judgments):
        if not result:
            return message_html("Check a claim first, then review it.", "error"), gr.skip()
        evidence = []
        for i, ev in enumerate(result.get("evidence") or []):
            item = dict(ev)
            item["judgment"] = judgments[i] if i < len(judgments) else None
            evidence.append(item)
        try:
            review = app.reviews.save(
                claim=result.get("claim") or "",
                claim_id=result.get("id"),
                claim_date=result.get("date"),
                reviewer=reviewer,
                final_verdict=final_verdict or "",
                note=note or "",
                machine_verdict=result.get("verdict"),
                machine_confidence=result.get("confidence"),
                evidence=evidence,
            )
        except errors as exc:
            return message_html(str(exc), "error"), gr.skip()
        msg = (
            f"Review #{review.review_id} saved: {VERDICT_LABELS[review.final_verdict]}"
            f" by {review.reviewer} at {review.created_at}"
            + (f" (supersedes review #{review.supersedes})." if review.supersedes else ".")
        )
        return message_html(msg, "ok"), history_html(result)

    def reviews_table(reviewer, verdict, text, overruled):
        rows = app.reviews.reviewed_claims(
            reviewer=(reviewer or "").strip() or None,
            verdict=verdict if verdict in VERDICTS else None,
            text=(text or "").strip() or None,
            disagrees_with_machine=bool(overruled),
        )
        return rows

    def do_list_reviews(reviewer, verdict, text, overruled):
        rows = reviews_table(reviewer, verdict, text, overruled)
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
            for r in rows
        ]

    def do_export(kind, reviewer, verdict, text, overruled):
        rows = reviews_table(reviewer, verdict, text, overruled)
        if not rows:
            msg = "No reviewed claims match the filter; nothing to export."
            return message_html(msg, "error"), None
        d = app.export_dir()
        if kind == "jsonl":
            path = d / "reviews.jsonl"
            app.reviews.export_jsonl(path, rows)
        else:
            path = d / "claimreview.jsonld"
            app.reviews.export_claimreview(path, rows)
        return message_html(f"Exported {len(rows)} reviewed claim(s).", "ok"), str(path)

    # -- Corpus --------------------------------------------------------------------------

    def docs_table():
        return [
            [d.get("doc_id"), d.get("title"), d.get("date"), d.get("n_sentences"), d.get("source")]
            for d in app.documents()
        ]

    def doc_choices():
        return [
            (f"{d.get('title') or d.get('doc_id')} [{d.get('doc_id')}]", d.get("doc_id"))
            for d in app.documents()
        ]

    def corpus_refresh():
        return docs_table(), gr.update(choices=doc_choices())

    def do_upload(files, progress=gr.Progress()):  # noqa: B008
        if not files:
            return message_html("Choose one or more files to add.", "error"), gr.skip(), gr.skip()
        messages, stored = [], []
        for f in files:
            path = getattr(f, "name", f)
            try:
                check_upload(path, DOC_SUFFIXES, app.max_upload_bytes)
                stored.append(store_upload(path, app.uploads_dir))
            except UploadError as exc:
                messages.append(str(exc))
        if not stored:
            return message_html("\n".join(messages), "error"), gr.skip(), gr.skip()
        progress(0, desc="Indexing")
        try:
            report = app.add_files(stored, _progress_adapter(progress, "Indexing"))
        except errors as exc:
            return message_html(str(exc), "error"), gr.skip(), gr.skip()
        summary = (
            f"Indexed {len(stored)} file(s): {len(getattr(report, 'added', []) or [])} added,"
            f" {len(getattr(report, 'updated', []) or [])} updated,"
            f" {len(getattr(report, 'unchanged', []) or [])} unchanged."
        )
        errs = list(getattr(report, "errors", []) or [])
        kind = "error" if (messages or errs) else "ok"
        text = "\n".join([summary, *messages, *errs])
        return message_html(text, kind), docs_table(), gr.update(choices=doc_choices())

    def do_open(doc_id):
        if not doc_id:
            return message_html("Choose a document to open.", "error")
        try:
            doc = app.wb.document(doc_id)
        except errors as exc:
            return message_html(str(exc), "error")
        if doc is None:
            return message_html(f"{doc_id} is not in the index.", "error")
        return document_html(doc)

    def do_remove(doc_id):
        if not doc_id:
            msg = message_html("Choose a document to remove.", "error")
            return msg, gr.skip(), gr.skip(), gr.skip()
        removed = app.wb.remove(doc_id)
        msg = f"Removed {doc_id}." if removed else f"{doc_id} was not in the index."
        return (
            message_html(msg, "ok" if removed else "error"),
            docs_table(),
            gr.update(choices=doc_choices(), value=None),
            "",
        )

    # -- Batch ---------------------------------------------------------------------------

    def do_batch(file, progress=gr.Progress()):  # noqa: B008
        from ..batch.files import ResultWriter, read_claims

        def fail(text):
            return message_html(text, "error"), gr.skip(), gr.skip(), gr.skip()

        if not file:
            return fail("Choose a claims file (CSV or JSONL with fields id, claim[, date]).")
        path = getattr(file, "name", file)
        try:
            check_upload(path, CLAIM_SUFFIXES, app.max_upload_bytes)
            claims = read_claims(path)
        except errors as exc:
            return fail(str(exc).replace(str(path), Path(path).name))
        if not claims:
            return fail(f"{Path(path).name} contains no claims.")
        d = app.export_dir()
        stem = safe_filename(Path(path).stem, "claims")
        jsonl_path, csv_path = d / f"{stem}-results.jsonl", d / f"{stem}-results.csv"
        table, counts, skipped = [], {}, []
        progress((0, len(claims)), desc="Checking claims")
        t0 = time.perf_counter()
        try:
            with (
                ResultWriter(jsonl_path, "jsonl") as out_jsonl,
                ResultWriter(csv_path, "csv") as out_csv,
            ):
                for result in app.wb.check_many(
                    claims,
                    top_k=TOP_K,
                    progress_callback=_progress_adapter(progress, "Checking claims"),
                ):
                    res = result.to_dict()
                    top = (res.get("evidence") or [{}])[0]
                    if res.get("error"):  # like `workbench verify`: reported, not written
                        skipped.append(res["error"])
                    else:
                        out_jsonl.write(res)
                        out_csv.write(res)
                        counts[res["verdict"]] = counts.get(res["verdict"], 0) + 1
                    table.append(
                        [
                            res.get("id"),
                            res.get("claim"),
                            VERDICT_LABELS.get(res.get("verdict"), res.get("verdict")),
                            round(float(res.get("confidence") or 0), 3),
                            res.get("error") or top.get("sentence", ""),
                            top.get("title", ""),
                        ]
                    )
        except errors as exc:
            return fail(str(exc))
        n = sum(counts.values())
        summary = f"Checked {n} claims in {time.perf_counter() - t0:.1f} s: " + ", ".join(
            f"{VERDICT_LABELS.get(k, k)} {v}" for k, v in sorted(counts.items())
        )
        if skipped:
            summary += f"\nSkipped {len(skipped)}:\n" + "\n".join(skipped)
        kind = "error" if skipped else "ok"
        return message_html(summary, kind), table, str(jsonl_path), str(csv_path)

    # -- Layout --------------------------------------------------------------------------

    # delete_cache: Gradio's copies of uploads and downloads (in <index>/ui-cache) older than
    # a day are removed hourly, and all of them when the server restarts.
    with gr.Blocks(title="Claim fact-checking workbench", delete_cache=(3600, 86400)) as demo:
        result_state = gr.State(None)
        review_for = gr.State(None)  # which checked result the Review tab shows
        gr.Markdown("## Claim fact-checking workbench")
        with gr.Tabs(elem_id="tabs") as tabs:
            with gr.Tab("Check", id="check", elem_id="tab-check"):
                with gr.Row():
                    claim_box = gr.Textbox(
                        label="Claim",
                        placeholder="Type a claim to check…",
                        lines=2,
                        scale=5,
                        elem_id="claim",
                    )
                    date_box = gr.Textbox(
                        label="Claim date (optional)",
                        placeholder="YYYY-MM-DD",
                        scale=1,
                        elem_id="claim-date",
                    )
                example_pick = gr.Dropdown(
                    choices=[e[0] for e in examples],
                    value=None,
                    label=f"Example claims ({len(examples)}, from claims/)",
                    elem_id="example-pick",
                    visible=bool(examples),
                )
                with gr.Row():
                    check_btn = gr.Button("Check", variant="primary", elem_id="check-btn", scale=3)
                    to_review_btn = gr.Button(
                        "Review this claim →", elem_id="to-review-btn", scale=1
                    )
                verdict_out = gr.HTML(verdict_html(None), elem_id="verdict")
                with gr.Row(equal_height=False):
                    sup_out = gr.HTML(render_result(None)[1], elem_id="supporting")
                    con_out = gr.HTML(render_result(None)[2], elem_id="conflicting")
                neu_out = gr.HTML("", elem_id="neutral")

            with gr.Tab("Review", id="review", elem_id="tab-review") as review_tab:
                review_head = gr.HTML(NO_CLAIM_HTML, elem_id="review-claim")
                slot_cols, slot_html, slot_radio = [], [], []
                for i in range(MAX_SLOTS):
                    with gr.Row(visible=False, elem_id=f"slot-{i + 1}", equal_height=False) as col:
                        slot_html.append(gr.HTML("", scale=4))
                        slot_radio.append(
                            gr.Radio(
                                choices=list(JUDGMENTS),
                                label=f"Evidence #{i + 1}: your judgment",
                                elem_id=f"judge-{i + 1}",
                                scale=1,
                                min_width=220,
                            )
                        )
                    slot_cols.append(col)
                with gr.Row():
                    reviewer_box = gr.Textbox(label="Reviewer", elem_id="reviewer", scale=1)
                    final_verdict = gr.Radio(
                        choices=VERDICT_CHOICES,
                        label="Final verdict",
                        elem_id="final-verdict",
                        scale=3,
                    )
                note_box = gr.Textbox(label="Note", lines=2, elem_id="note")
                save_btn = gr.Button("Save review", variant="primary", elem_id="save-review")
                review_msg = gr.HTML("", elem_id="review-msg")
                history_out = gr.HTML("", elem_id="review-history")
                gr.Markdown("### Reviewed claims")
                with gr.Row():
                    f_reviewer = gr.Textbox(label="Reviewer", elem_id="filter-reviewer")
                    f_verdict = gr.Dropdown(
                        choices=[("All", "")] + VERDICT_CHOICES,
                        value="",
                        label="Final verdict",
                        elem_id="filter-verdict",
                    )
                    f_text = gr.Textbox(label="Claim contains", elem_id="filter-text")
                    f_overruled = gr.Checkbox(
                        label="Only where the reviewer overruled the machine",
                        elem_id="filter-overruled",
                    )
                filter_btn = gr.Button("Apply filter", elem_id="filter-btn")
                reviews_df = gr.Dataframe(
                    headers=[
                        "review",
                        "claim",
                        "final verdict",
                        "machine verdict",
                        "reviewer",
                        "reviewed at",
                        "reviews",
                        "note",
                    ],
                    interactive=False,
                    column_widths=["6%", "30%", "11%", "11%", "10%", "12%", "6%", "14%"],
                    elem_id="reviews-table",
                    wrap=True,
                )
                with gr.Row():
                    export_jsonl_btn = gr.Button("Export JSONL", elem_id="export-jsonl")
                    export_ld_btn = gr.Button(
                        "Export ClaimReview JSON-LD", elem_id="export-claimreview"
                    )
                export_msg = gr.HTML("", elem_id="export-msg")
                export_file = gr.File(label="Export", interactive=False, elem_id="export-file")

            with gr.Tab("Corpus", id="corpus", elem_id="tab-corpus"):
                upload = gr.File(
                    label=f"Add documents ({', '.join(DOC_SUFFIXES)}; up to "
                    f"{app.max_upload_bytes // 1_000_000} MB each)",
                    file_count="multiple",
                    file_types=list(DOC_SUFFIXES),
                    type="filepath",
                    elem_id="upload-docs",
                )
                add_btn = gr.Button("Add to index", variant="primary", elem_id="add-docs")
                corpus_msg = gr.HTML("", elem_id="corpus-msg")
                docs_df = gr.Dataframe(
                    headers=["doc_id", "title", "date", "sentences", "source"],
                    interactive=False,
                    column_widths=["30%", "40%", "10%", "8%", "12%"],
                    max_chars=200,
                    show_search="search",
                    elem_id="docs-table",
                    wrap=True,
                )
                with gr.Row():
                    doc_pick = gr.Dropdown(
                        choices=[],
                        label="Document",
                        elem_id="doc-pick",
                        scale=4,
                        allow_custom_value=False,
                    )
                    open_btn = gr.Button("Open", elem_id="open-doc", scale=1)
                    remove_btn = gr.Button("Remove", variant="stop", elem_id="remove-doc", scale=1)
                doc_view = gr.HTML("", elem_id="doc-view")

            with gr.Tab("Batch", id="batch", elem_id="tab-batch"):
                claims_file = gr.File(
                    label="Claims file (CSV or JSONL with fields id, claim, optional date)",
                    file_types=list(CLAIM_SUFFIXES),
                    type="filepath",
                    elem_id="batch-file",
                )
                run_btn = gr.Button("Run", variant="primary", elem_id="batch-run")
                batch_msg = gr.HTML("", elem_id="batch-msg")
                batch_df = gr.Dataframe(
                    headers=["id", "claim", "verdict", "confidence", "top evidence", "document"],
                    interactive=False,
                    column_widths=["7%", "28%", "12%", "8%", "33%", "12%"],
                    max_chars=300,
                    elem_id="batch-table",
                    wrap=True,
                )
                with gr.Row():
                    batch_jsonl = gr.File(
                        label="Results (JSONL)", interactive=False, elem_id="batch-jsonl"
                    )
                    batch_csv = gr.File(
                        label="Results (CSV)", interactive=False, elem_id="batch-csv"
                    )

        # -- Events --------------------------------------------------------------------------
        check_outputs = [verdict_out, sup_out, con_out, neu_out, result_state]
        review_outputs = [
            review_head,
            final_verdict,
            history_out,
            *slot_cols,
            *slot_html,
            *slot_radio,
        ]
        # The Review tab is filled when it is opened, not after every check: a chained event
        # here delayed the verdict in the browser by about a quarter of a second.
        check_btn.click(do_check, [claim_box, date_box], check_outputs, api_name="check")
        claim_box.submit(do_check, [claim_box, date_box], check_outputs, api_visibility="private")
        review_io = ([result_state, review_for], [*review_outputs, review_for])
        review_tab.select(review_open, *review_io, api_visibility="private")
        example_dates = {e[0]: e[1] for e in examples}
        example_pick.input(
            lambda c: (c, example_dates.get(c, "")) if c else (gr.skip(), gr.skip()),
            [example_pick],
            [claim_box, date_box],
            api_visibility="private",
        )
        to_review_btn.click(
            lambda: gr.update(selected="review"), None, tabs, api_visibility="private"
        ).then(review_open, *review_io, api_visibility="private")
        save_btn.click(
            do_save_review,
            [result_state, reviewer_box, final_verdict, note_box, *slot_radio],
            [review_msg, history_out],
            api_visibility="private",
        ).success(
            do_list_reviews,
            [f_reviewer, f_verdict, f_text, f_overruled],
            reviews_df,
            api_visibility="private",
        )
        filters = [f_reviewer, f_verdict, f_text, f_overruled]
        filter_btn.click(do_list_reviews, filters, reviews_df, api_visibility="private")
        export_jsonl_btn.click(
            lambda *a: do_export("jsonl", *a),
            filters,
            [export_msg, export_file],
            api_visibility="private",
        )
        export_ld_btn.click(
            lambda *a: do_export("jsonld", *a),
            filters,
            [export_msg, export_file],
            api_visibility="private",
        )
        add_btn.click(
            do_upload, [upload], [corpus_msg, docs_df, doc_pick], api_visibility="private"
        )
        open_btn.click(do_open, [doc_pick], doc_view, api_visibility="private")
        remove_btn.click(
            do_remove,
            [doc_pick],
            [corpus_msg, docs_df, doc_pick, doc_view],
            api_visibility="private",
        )
        run_btn.click(
            do_batch,
            [claims_file],
            [batch_msg, batch_df, batch_jsonl, batch_csv],
            api_visibility="private",
        )
        register_api(app)  # /check_claim, /save_review, /add_text for scripts (ui_api.py)
        demo.load(corpus_refresh, None, [docs_df, doc_pick], api_visibility="private").then(
            do_list_reviews, filters, reviews_df, api_visibility="private"
        )
    return demo


# --------------------------------------------------------------------------------------------
# Launching.
# --------------------------------------------------------------------------------------------


def open_index(
    index_dir: str | Path, model: str | None = None, stance_model: str | None = None
) -> Any:
    """Open the index, building it from ``<index>/sources/`` first if it has no documents."""
    from .. import Workbench

    index_dir = Path(index_dir)
    wb = Workbench.open(
        index_dir=str(index_dir), model=model, stance_model=stance_model, create=True
    )
    sources = index_dir / "sources"
    if not wb.documents() and sources.is_dir() and any(sources.iterdir()):
        print(f"Building the index in {index_dir} from {sources} …", file=sys.stderr, flush=True)
        report = wb.add([str(sources)], progress=True)
        print(
            f"Indexed {len(report.added)} document(s)"
            + (
                f"; {len(report.errors)} error(s): {'; '.join(report.errors)}"
                if report.errors
                else "."
            ),
            file=sys.stderr,
            flush=True,
        )
    return wb


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise SystemExit("--auth expects user:password")
    return user, password


def serve(
    index_dir: str | Path = "index",
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    auth: str | tuple[str, str] | None = None,
    model: str | None = None,
    stance_model: str | None = None,
    max_upload_mb: float = MAX_UPLOAD_MB,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
) -> Any:
    """Open (or build) the index and serve the reviewer UI. Returns the Blocks."""
    index_dir = Path(index_dir).resolve()
    cache_dir = index_dir / "ui-cache"
    shutil.rmtree(cache_dir / "exports", ignore_errors=True)  # result files of the last run
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Gradio serves its own upload/cache folder: keep it inside the index. Set before import.
    os.environ["GRADIO_TEMP_DIR"] = str(cache_dir)
    os.environ["GRADIO_EXAMPLES_CACHE"] = str(cache_dir / "examples")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if isinstance(auth, str):
        auth = parse_auth(auth)

    wb = open_index(index_dir, model=model, stance_model=stance_model)
    app = ReviewerApp(wb, index_dir, max_upload_mb=max_upload_mb)
    with contextlib.suppress(Exception):  # load the models now, not on the first click
        app.check("warm-up")

    import gradio as gr

    demo = build_blocks(app)
    demo.queue(default_concurrency_limit=4)
    theme = gr.themes.Default(
        font=["system-ui", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
    )
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        print(
            f"warning: serving on {host} without --auth; anyone who can reach it can use it.",
            file=sys.stderr,
        )
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        max_file_size=f"{int(max_upload_mb)}mb",
        allowed_paths=[],
        blocked_paths=[str(Path(wb.db_path).resolve())],
        ssr_mode=False,
        share=False,
        inbrowser=False,
        show_error=True,
        quiet=quiet,
        theme=theme,
        css=CSS,
        footer_links=[],
        prevent_thread_lock=prevent_thread_lock,
        mcp_server=False,
    )
    return demo


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = parser or argparse.ArgumentParser(
        prog="app.py", description="Serve the reviewer UI (Gradio) on the given index."
    )
    p.add_argument("--index", default="index", help="index folder (default: ./index)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: 7860)")
    p.add_argument(
        "--auth", default=None, metavar="USER:PASSWORD", help="require this login (Gradio auth)"
    )
    p.add_argument("--model", default=None, help="embedding model (default: bundled MiniLM)")
    p.add_argument("--stance-model", default=None, help="stance model folder or name")
    p.add_argument(
        "--max-upload-mb",
        type=float,
        default=MAX_UPLOAD_MB,
        help=f"largest accepted upload in MB (default: {MAX_UPLOAD_MB})",
    )
    return p


def run_from_args(args: argparse.Namespace) -> int:
    try:
        serve(
            index_dir=args.index,
            host=args.host,
            port=args.port,
            auth=args.auth,
            model=args.model,
            stance_model=args.stance_model,
            max_upload_mb=args.max_upload_mb,
        )
    except KeyboardInterrupt:
        return 0
    except _engine_error_types() as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_from_args(build_parser().parse_args(argv))

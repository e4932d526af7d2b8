"""The Corpus tab: upload documents, list them, read one, correct its title and date, remove
one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...errors import WorkbenchError
from ..app import ReviewerApp
from ..render import document_html, message_html
from ..uploads import DOC_SUFFIXES, UploadError, check_upload, store_upload
from . import bind


@dataclass
class CorpusTab:
    upload: Any
    add_btn: Any
    message: Any
    table: Any
    pick: Any
    open_btn: Any
    remove_btn: Any
    view: Any
    edit_title: Any
    edit_date: Any
    save_btn: Any


def documents_table(app: ReviewerApp) -> list[list]:
    return [
        [d["doc_id"], d["title"], d["date"], d["n_sentences"], d["source"]] for d in app.documents()
    ]


def document_choices(app: ReviewerApp) -> list[tuple[str, str]]:
    return [(f"{d['title'] or d['doc_id']} [{d['doc_id']}]", d["doc_id"]) for d in app.documents()]


def refresh(app: ReviewerApp) -> tuple:
    """The document table and the document picker's choices."""
    return documents_table(app), gr.update(choices=document_choices(app))


def file_progress(progress: Any, names: list[str]) -> Callable[..., None]:
    """Drive the progress bar file by file, naming the file being indexed ("Indexing 2/5 ·
    report.pdf"). The engine calls back after each file (done, total, its label), and opens
    the next file only then, so the next name is the one being indexed."""

    def show(done: int, total: int) -> None:
        try:
            if done < total and done < len(names):
                progress(done / total, desc=f"Indexing {done + 1}/{total} · {names[done]}")
            else:
                progress(1.0, desc=f"Indexed {total}/{total}")
        except (TypeError, ValueError):  # a progress display must never break the work
            return

    def report(done: int, total: int | None, label: str = "") -> None:
        show(int(done), int(total or len(names)))

    show(0, len(names))
    return report


def add_documents(app: ReviewerApp, files: list | None, progress=gr.Progress()) -> tuple:  # noqa: B008
    """Check and store the uploads under <index>/uploads/, then index them."""
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
    try:
        report = app.add_files(stored, file_progress(progress, [p.name for p in stored]))
    except WorkbenchError as exc:
        return message_html(str(exc), "error"), gr.skip(), gr.skip()
    summary = (
        f"Indexed {len(stored)} file(s): {len(report.added)} added,"
        f" {len(report.updated)} updated, {len(report.unchanged)} unchanged."
    )
    kind = "error" if (messages or report.errors) else "ok"
    text = "\n".join([summary, *messages, *report.errors])
    return message_html(text, kind), *refresh(app)


def open_document(app: ReviewerApp, doc_id: str | None) -> str:
    if not doc_id:
        return message_html("Choose a document to open.", "error")
    try:
        doc = app.document(doc_id)
    except WorkbenchError as exc:
        return message_html(str(exc), "error")
    if doc is None:
        return message_html(f"{doc_id} is not in the index.", "error")
    return document_html(doc)


def remove_document(app: ReviewerApp, doc_id: str | None) -> tuple:
    if not doc_id:
        msg = message_html("Choose a document to remove.", "error")
        return msg, gr.skip(), gr.skip(), gr.skip()
    removed = app.remove(doc_id)
    msg = f"Removed {doc_id}." if removed else f"{doc_id} was not in the index."
    return (
        message_html(msg, "ok" if removed else "error"),
        documents_table(app),
        gr.update(choices=document_choices(app), value=None),
        "",
    )


def pick_document(app: ReviewerApp, doc_id: str | None) -> tuple[str, str]:
    """The edit form's title and date for the picked document (blank when none is picked)."""
    try:
        doc = app.document(doc_id) if doc_id else None
    except WorkbenchError:
        doc = None
    return (doc.title, doc.date or "") if doc is not None else ("", "")


def save_edit(app: ReviewerApp, doc_id: str | None, title: str | None, date: str | None) -> tuple:
    """Correct the picked document's title and date (a blank date removes it), as `workbench
    index edit` does: logged in the index, kept over re-adds. Errors change nothing."""
    if not doc_id:
        msg = message_html("Choose a document to edit.", "error")
        return msg, gr.skip(), gr.skip(), gr.skip()
    try:
        edits = app.edit_document(doc_id, title or "", (date or "").strip())
        doc = app.document(doc_id)
    except WorkbenchError as exc:
        return message_html(str(exc), "error"), gr.skip(), gr.skip(), gr.skip()
    if not edits:
        text = f"Nothing to change: {doc_id} already has that title and date."
    else:
        shown = {e.field: e.new_value or "(none)" for e in edits}
        text = f"Saved {doc_id}: " + ", ".join(f"{k} {v}" for k, v in shown.items()) + "."
    return (
        message_html(text, "ok"),
        documents_table(app),
        gr.update(choices=document_choices(app), value=doc_id),
        document_html(doc),
    )


def upload_limit_text(max_upload_bytes: int) -> str:
    """The upload limit for people: "20 MB", "0.5 MB" (--max-upload-mb may be fractional)."""
    return f"{max_upload_bytes / 1e6:g} MB"


def layout(max_upload_bytes: int) -> CorpusTab:
    with gr.Tab("Corpus", id="corpus", elem_id="tab-corpus"):
        upload = gr.File(
            label=f"Add documents ({', '.join(DOC_SUFFIXES)}; up to "
            f"{upload_limit_text(max_upload_bytes)} each)",
            file_count="multiple",
            # No file_types: Gradio's page would refuse a .docx with its own toast and leave
            # the box empty, and "Add to index" then said "Choose one or more files to add."
            # add_documents checks the type and says it in one sentence with what to do.
            type="filepath",
            elem_id="upload-docs",
        )
        add_btn = gr.Button("Add to index", variant="primary", elem_id="add-docs")
        message = gr.HTML("", elem_id="corpus-msg")
        table = gr.Dataframe(
            headers=["doc_id", "title", "date", "sentences", "source"],
            interactive=False,
            column_widths=["30%", "40%", "10%", "8%", "12%"],
            max_chars=200,
            show_search="search",
            elem_id="docs-table",
            wrap=True,
        )
        with gr.Row():
            pick = gr.Dropdown(
                choices=[], label="Document", elem_id="doc-pick", scale=4, allow_custom_value=False
            )
            open_btn = gr.Button("Open", elem_id="open-doc", scale=1)
            remove_btn = gr.Button("Remove", variant="stop", elem_id="remove-doc", scale=1)
        with gr.Row():
            edit_title = gr.Textbox(label="Title", elem_id="edit-title", scale=4)
            edit_date = gr.Textbox(
                label="Date (YYYY-MM-DD, blank for none)", elem_id="edit-date", scale=2
            )
            save_btn = gr.Button("Save title and date", elem_id="save-doc", scale=1)
        view = gr.HTML("", elem_id="doc-view")
    return CorpusTab(
        upload, add_btn, message, table, pick, open_btn, remove_btn, view, edit_title, edit_date,
        save_btn,
    )  # fmt: skip


def wire(app: ReviewerApp, tab: CorpusTab) -> None:
    tab.add_btn.click(
        bind(add_documents, app),
        [tab.upload],
        [tab.message, tab.table, tab.pick],
        show_progress_on=[tab.table],  # one progress bar, not one per output
        api_visibility="private",
    )
    tab.open_btn.click(bind(open_document, app), [tab.pick], tab.view, api_visibility="private")
    tab.pick.change(
        bind(pick_document, app),
        [tab.pick],
        [tab.edit_title, tab.edit_date],
        api_visibility="private",
    )
    tab.save_btn.click(
        bind(save_edit, app),
        [tab.pick, tab.edit_title, tab.edit_date],
        [tab.message, tab.table, tab.pick, tab.view],
        api_visibility="private",
    )
    tab.remove_btn.click(
        bind(remove_document, app),
        [tab.pick],
        [tab.message, tab.table, tab.pick, tab.view],
        api_visibility="private",
    )

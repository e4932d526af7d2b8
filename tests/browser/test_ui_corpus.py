"""Corpus tab: upload, read, remove documents; hostile documents render as inert text."""

from __future__ import annotations

import re

from ui_helpers import assert_inert, check_claim, evidence_card, open_tab

BRIDGE_DOC = """date 2021-05-04
The Varnoth Bridge opened to traffic on 4 May 2021 after six years of construction.
It crosses Lake Varnoth and is 2.3 kilometres long.
"""
BRIDGE_CLAIM = "The Varnoth Bridge opened in 2021."
BRIDGE_SENTENCE = "The Varnoth Bridge opened to traffic on 4 May 2021"

XSS_DOC = (
    "Quorvex harbour lighthouse was repainted red in 1999 <script>window.__xss = 1;"
    "alert('script')</script> by the harbour board.\n"
    "The Quorvex lighthouse keeper <img src=x onerror=\"window.__xss = 2; alert('img')\"> "
    "retired in 2004.\n"
    "Template text ${window.__xss = 3} and {{constructor.constructor('alert(3)')()}} "
    "stays text.\n"
)
XSS_CLAIM = "The Quorvex lighthouse keeper retired in 2004."


def upload(page, files) -> None:
    open_tab(page, "Corpus")
    page.locator("#upload-docs input[type=file]").set_input_files(files)
    page.locator("#add-docs").click()


def test_uploaded_document_supports_a_claim(page, app):
    upload(page, [{"name": "varnoth.txt", "mimeType": "text/plain", "buffer": BRIDGE_DOC.encode()}])
    page.locator("#corpus-msg", has_text="1 added").wait_for()
    page.locator("#docs-table", has_text="varnoth").first.wait_for()
    assert (app.index_dir / "uploads" / "varnoth.txt").read_text() == BRIDGE_DOC
    check_claim(page, BRIDGE_CLAIM)
    card = evidence_card(page, "#supporting", BRIDGE_SENTENCE)
    card.wait_for()
    assert "2021-05-04" in card.locator(".wb-meta").inner_text()


def test_hostile_document_renders_inert(page, app):
    upload(page, [{"name": "xss.txt", "mimeType": "text/plain", "buffer": XSS_DOC.encode()}])
    page.locator("#corpus-msg", has_text="1 added").wait_for()
    check_claim(page, XSS_CLAIM)
    results = page.locator("#supporting, #conflicting, #neutral")
    page.locator(".wb-card", has_text="lighthouse keeper").first.wait_for(state="attached")
    # neutral evidence sits in a collapsed <details>: open it so its cards render visibly too
    page.locator("#neutral details").evaluate_all("els => els.forEach(e => e.open = true)")
    page.locator(".wb-card", has_text="lighthouse keeper").first.wait_for()
    text = " ".join(results.all_inner_texts())
    assert '<img src=x onerror="window.__xss = 2' in text  # shown as text, not as an element
    assert results.locator("img, script").count() == 0
    # the document viewer escapes too
    page.wait_for_timeout(300)
    assert_inert(page)
    open_tab(page, "Corpus")
    page.locator("#doc-pick input").click()
    page.get_by_role("option", name="xss").first.click()
    page.locator("#open-doc").click()
    view = page.locator("#doc-view .wb-doctext")
    view.wait_for()
    assert "<script>window.__xss = 1;" in view.inner_text()
    assert "${window.__xss = 3}" in view.inner_text()
    assert view.locator("img, script").count() == 0
    page.wait_for_timeout(300)
    assert_inert(page)


def test_upload_name_cannot_escape_the_uploads_folder(page, app):
    name = "../../escape.md"
    upload(page, [{"name": name, "mimeType": "text/markdown", "buffer": b"# Escape\nStay put.\n"}])
    page.locator("#corpus-msg", has_text="added").wait_for()
    assert (app.index_dir / "uploads" / "escape.md").exists()
    assert not (app.index_dir.parent / "escape.md").exists()
    assert not (app.index_dir.parent.parent / "escape.md").exists()


def test_wrong_type_is_refused_with_a_message(page, app):
    upload(page, [{"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}])
    # Gradio refuses it in the page; the server-side check (unit-tested) says "cannot be added"
    page.get_by_text(re.compile("Invalid file type|cannot be added")).first.wait_for()
    assert not (app.index_dir / "uploads" / "tool.exe").exists()


def test_remove_document(page, app):
    upload(page, [{"name": "gone.txt", "mimeType": "text/plain", "buffer": b"Temporary text.\n"}])
    page.locator("#corpus-msg", has_text="1 added").wait_for()
    page.locator("#doc-pick input").click()
    page.get_by_role("option", name="gone").first.click()
    page.locator("#remove-doc").click()
    page.locator("#corpus-msg", has_text="Removed").wait_for()
    assert "gone" not in page.locator("#docs-table").inner_text()

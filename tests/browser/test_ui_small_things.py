"""Issue 22 item 9, the small things: Enter submits a claim, the layout stacks on a narrow
screen, Gradio's share hint is not printed, a .docx upload gets one clear message."""

from __future__ import annotations

import os
import shutil

from ui_helpers import ROOT, open_tab

CLAIM = "Yerevan denies military presence in Karabakh"


def test_enter_submits_the_claim_and_shift_enter_makes_a_new_line(page):
    box = page.locator("#claim textarea")
    box.click()
    box.type("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    page.wait_for_timeout(1500)  # time for a (wrong) check to come back
    assert page.locator("#verdict [data-verdict]").count() == 0
    box.fill("")
    box.type(CLAIM)
    box.press("Enter")
    page.locator("#verdict [data-verdict]", has_text=CLAIM).wait_for()
    assert box.input_value() == CLAIM  # Enter did not add a newline


def test_the_check_tab_stacks_on_a_400px_screen(browser, app, tmp_path):
    context = browser.new_context(viewport={"width": 400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(app.url)
        box = page.locator("#claim textarea")
        box.wait_for()
        box.fill(CLAIM)
        box.press("Enter")
        page.locator("#verdict [data-verdict]", has_text=CLAIM).wait_for()
        page.locator("#supporting .wb-card").first.wait_for()
        sup = page.locator("#supporting").bounding_box()
        con = page.locator("#conflicting").bounding_box()
        assert con["y"] >= sup["y"] + sup["height"] - 1, (sup, con)
        assert abs(con["x"] - sup["x"]) < 5 and sup["width"] > 300, (sup, con)
        claim = page.locator("#claim").bounding_box()
        date = page.locator("#claim-date").bounding_box()
        assert date["y"] >= claim["y"] + claim["height"] - 1, (claim, date)
        assert abs(date["x"] - claim["x"]) < 5, (claim, date)
        # nothing wider than the screen: no sideways scrolling
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 400
        shot = tmp_path / "narrow-screen.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 0
        if os.environ.get("WORKBENCH_UPDATE_SCREENSHOT"):
            (ROOT / "docs").mkdir(exist_ok=True)
            shutil.copyfile(shot, ROOT / "docs" / "narrow-screen.png")
    finally:
        context.close()


def test_the_side_by_side_columns_stay_on_a_wide_screen(page):
    sup = page.locator("#supporting").bounding_box()
    con = page.locator("#conflicting").bounding_box()
    assert con["x"] > sup["x"] + sup["width"] - 1 and abs(con["y"] - sup["y"]) < 5


def test_the_start_up_log_has_our_url_line_and_no_share_hint(app):
    log = app.log_text()
    assert "share=True" not in log and "public link" not in log, log
    assert f"Running on http://127.0.0.1:{app.port}" in log, log


def test_example_claims_are_listed_on_a_copy_of_the_default_corpus(page):
    # the browser tests' index is a copy of index/sources/, which the examples were written for
    assert page.locator("#example-pick").is_visible()


def test_a_docx_upload_says_what_to_do(page, app):
    open_tab(page, "Corpus")
    page.locator("#upload-docs input[type=file]").set_input_files(
        [{"name": "report.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04"}]
    )
    page.locator("#add-docs").click()
    msg = page.locator("#corpus-msg .wb-msg-error", has_text="report.docx cannot be added")
    msg.wait_for()
    text = msg.inner_text()
    assert ".txt, .md, .html, .htm, .pdf, .jsonl, .csv" in text and "PDF or plain text" in text
    assert "Choose one or more files" not in text
    assert page.get_by_text("Invalid file type").count() == 0
    assert not (app.index_dir / "uploads" / "report.docx").exists()

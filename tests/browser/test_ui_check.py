"""Check, Review and Batch tabs against the real app over the default corpus.

These tests do not change the corpus, so they share one app process.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest
from ui_helpers import ROOT, check_claim, evidence_card, open_tab, write_claims

YEREVAN_CLAIM = "Yerevan denies military presence in Karabakh"
YEREVAN_SENTENCE = "despite Yerevan denying any military presence there"
CEASEFIRE_CLAIM = "The ceasefire took effect at 18:00 local time."
CEASEFIRE_SENTENCE = "The ceasefire went into effect at 13:00 local time"


def test_yerevan_sentence_is_supporting_evidence(page):
    # pick the seed claim from the examples (claims/*.csv): it fills the claim box
    page.locator("#example-pick input").click()
    page.get_by_role("option", name=YEREVAN_CLAIM, exact=True).click()
    page.wait_for_function(
        "c => document.querySelector('#claim textarea').value === c", arg=YEREVAN_CLAIM
    )
    page.locator("#check-btn").click()
    page.locator("#verdict [data-verdict]", has_text=YEREVAN_CLAIM).wait_for()
    # the card whose highlighted (<mark>) sentence is the Yerevan one, inside its context
    card = evidence_card(page, "#supporting", YEREVAN_SENTENCE)
    card.wait_for()
    assert len(card.locator(".wb-context").inner_text()) > len(card.locator("mark").inner_text())
    assert "2023-11-13" in card.locator(".wb-meta").inner_text()
    assert "supports" in card.locator(".wb-probs").inner_text()
    assert evidence_card(page, "#conflicting", YEREVAN_SENTENCE).count() == 0
    badge = page.locator("#verdict .wb-badge").inner_text()
    assert badge in {"SUPPORTED", "REFUTED", "CONFLICTING", "NOT ENOUGH INFO"}
    assert "confidence" in page.locator("#verdict").inner_text()
    assert page.external_requests == [], "the UI must work offline"


def test_ceasefire_13_00_sentence_is_conflicting_evidence(page, tmp_path):
    check_claim(page, CEASEFIRE_CLAIM)
    card = evidence_card(page, "#conflicting", CEASEFIRE_SENTENCE)
    card.wait_for()
    assert "13:00" in card.locator("mark").inner_text()
    assert "refutes" in card.locator(".wb-probs").inner_text()
    assert evidence_card(page, "#supporting", CEASEFIRE_SENTENCE).count() == 0
    shot = tmp_path / "check-tab.png"
    page.screenshot(path=str(shot))
    if os.environ.get("WORKBENCH_UPDATE_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, ROOT / "docs" / "check-tab.png")


def test_the_banner_names_the_deciding_card(page):
    check_claim(page, CEASEFIRE_CLAIM)
    verdict = page.locator("#verdict [data-verdict]").get_attribute("data-verdict")
    why = page.locator("#verdict .wb-why")
    assert why.get_attribute("data-rule")  # the rule or aggregator, by name
    text = why.inner_text()
    assert text.startswith("Why:") and any(c.isdigit() for c in text)
    deciding = page.locator(".wb-card.wb-deciding")
    if verdict == "NOT_ENOUGH_INFO":
        assert "No card decided it." in text and deciding.count() == 0
        return
    number = deciding.first.get_attribute("data-evidence")
    assert f"#{number}" in text
    side = {"SUPPORTED": "#supporting", "REFUTED": "#conflicting"}.get(verdict)
    if side:  # the deciding card stands in the column of the verdict's side
        assert page.locator(f"{side} .wb-card.wb-deciding").count() >= 1
    assert "deciding" in deciding.first.locator(".wb-card-head").inner_text().lower()


def test_a_card_opens_in_its_document_highlighted(page):
    check_claim(page, YEREVAN_CLAIM)
    sources = page.locator("#sources .wb-sources")
    sources.wait_for()
    assert "Sources (1 document)" in sources.inner_text()
    first = page.locator(".wb-card[data-evidence='1'] mark").first.inner_text()
    page.locator("#open-evidence input").click()
    page.get_by_role("option").first.click()
    mark = page.locator("#check-docview #wb-docmark")
    mark.wait_for()
    assert mark.inner_text().strip() == first.strip()
    page.wait_for_function(
        """() => { const r = document.getElementById('wb-docmark').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }"""
    )  # scrolled to the sentence
    assert "2023-11-13" in page.locator("#check-docview .wb-meta").inner_text()


def test_clicking_a_card_opens_it_in_its_document(page):
    check_claim(page, CEASEFIRE_CLAIM)
    card = page.locator("#conflicting .wb-card, #supporting .wb-card").first
    sentence = card.locator("mark").inner_text()
    card.locator(".wb-context").click()
    mark = page.locator("#check-docview #wb-docmark")
    mark.wait_for()
    assert mark.inner_text().strip() == sentence.strip()
    number = card.get_attribute("data-evidence")
    picked = page.locator("#open-evidence input").input_value()
    assert picked.startswith(f"#{number} ")  # the picker follows the click


def _download(page, selector: str) -> bytes:
    link = page.locator(f"{selector} a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as f:
        return f.read()


def test_review_tab_opened_by_its_header_shows_the_checked_claim(page):
    check_claim(page, YEREVAN_CLAIM)
    open_tab(page, "Review")
    page.locator("#review-claim", has_text=YEREVAN_CLAIM).wait_for()
    agree = page.locator("#slot-1").get_by_label("agree", exact=True)
    agree.check()
    # leaving and reopening the tab keeps the reviewer's marks for the same result
    open_tab(page, "Check")
    open_tab(page, "Review")
    page.locator("#review-claim", has_text=YEREVAN_CLAIM).wait_for()
    page.wait_for_timeout(500)  # time for a (wrong) refill to arrive
    assert agree.is_checked()


def test_review_is_recorded_and_exported_as_claimreview(page, app):
    check_claim(page, CEASEFIRE_CLAIM)
    machine = page.locator("#verdict [data-verdict]").get_attribute("data-verdict")
    page.locator("#to-review-btn").click()
    page.locator("#review-claim", has_text=CEASEFIRE_CLAIM).wait_for()
    slot = page.locator("#slot-1")
    slot.wait_for()
    slot.get_by_label("agree", exact=True).check()
    page.locator("#slot-2").get_by_label("irrelevant", exact=True).check()
    page.locator("#reviewer input, #reviewer textarea").first.fill("Rita Reviewer")
    # the reviewer overrules the machine
    mine = "CONFLICTING" if machine != "CONFLICTING" else "REFUTED"
    label = {"CONFLICTING": "CONFLICTING", "REFUTED": "REFUTED"}[mine]
    page.locator("#final-verdict").get_by_label(label, exact=True).check()
    page.locator("#note textarea").fill("first look")
    page.locator("#save-review").click()
    page.locator("#review-msg", has_text="saved").wait_for()
    # a second review supersedes the first; both stay in the database
    page.locator("#final-verdict").get_by_label("REFUTED", exact=True).check()
    page.locator("#note textarea").fill("13:00, not 18:00")
    page.locator("#save-review").click()
    page.locator("#review-msg", has_text="supersedes").wait_for()
    page.locator("#reviews-table", has_text=CEASEFIRE_CLAIM).wait_for()

    data = json.loads(_download_after(page, "#export-claimreview", "#export-file"))
    assert isinstance(data, list) and len(data) == 1
    review = data[0]
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == CEASEFIRE_CLAIM
    assert review["author"]["name"] == "Rita Reviewer"
    assert review["reviewRating"]["alternateName"] == "False"  # the reviewer's REFUTED
    assert review["reviewRating"]["worstRating"] <= review["reviewRating"]["ratingValue"]
    assert review["reviewBody"] == "13:00, not 18:00"
    cited = review["itemReviewed"].get("citation", [])
    assert cited and all("identifier" in c for c in cited)

    lines = _download_after(page, "#export-jsonl", "#export-file").decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 1 and rows[0]["n_reviews"] == 2
    assert rows[0]["machine_verdict"] == machine
    assert rows[0]["evidence"][0]["judgment"] == "agree"
    assert rows[0]["evidence"][1]["judgment"] == "irrelevant"

    db = app.index_dir / "workbench.db"
    con = sqlite3.connect(db)
    hist = con.execute("SELECT final_verdict, supersedes FROM review ORDER BY review_id").fetchall()
    con.close()
    assert [h[0] for h in hist] == [mine, "REFUTED"] and hist[1][1] is not None


def _download_after(page, button: str, file_selector: str) -> bytes:
    """Click an export button and download the file it produces."""
    before = page.locator(f"{file_selector} a").count()
    old = page.locator(f"{file_selector} a").first.get_attribute("href") if before else None
    page.locator(button).click()
    page.wait_for_function(
        """([sel, old]) => { const a = document.querySelector(sel + ' a');
                              return a && a.getAttribute('href') !== old; }""",
        arg=[file_selector, old],
    )
    return _download(page, file_selector)


def test_batch_runs_and_results_download(page, tmp_path):
    claims = write_claims(
        tmp_path / "claims.csv",
        [
            ("c1", YEREVAN_CLAIM),
            ("c2", CEASEFIRE_CLAIM),
            ("c3", "Penguins live in the Sahara desert."),
        ],
    )
    open_tab(page, "Batch")
    page.locator("#batch-file input[type=file]").set_input_files(str(claims))
    page.locator("#batch-run").click()
    page.locator("#batch-msg", has_text="Checked 3 claims").wait_for()
    table = page.locator("#batch-table")
    for claim in (YEREVAN_CLAIM, CEASEFIRE_CLAIM):
        assert claim in table.inner_text()

    rows = [json.loads(x) for x in _download(page, "#batch-jsonl").decode().splitlines()]
    assert [r["id"] for r in rows] == ["c1", "c2", "c3"]
    for r in rows:
        assert set(r) >= {"id", "claim", "date", "verdict", "confidence", "evidence"}
        assert r["verdict"] in {"SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"}
    yerevan = rows[0]["evidence"]
    assert any(YEREVAN_SENTENCE in e["sentence"] and e["stance"] == "supports" for e in yerevan)

    text = _download(page, "#batch-csv").decode("utf-8")
    table_rows = list(csv.DictReader(io.StringIO(text)))
    assert {r.get("id") for r in table_rows} >= {"c1", "c2", "c3"}
    assert all(r.get("verdict") for r in table_rows)


@pytest.mark.parametrize(
    "target",
    ["/etc/passwd", "{root}/README.md", "{root}/app.py", "{index}/sources", "{db}"],
)
def test_no_file_outside_the_ui_cache_is_served(app, target):
    db = app.index_dir / "workbench.db"
    src = next((app.index_dir / "sources").iterdir())
    path = target.format(root=ROOT, index=app.index_dir, db=db)
    if target == "{index}/sources":
        path = str(src)
    url = app.url + "gradio_api/file=" + urllib.parse.quote(path)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    assert err.value.code in (403, 404)

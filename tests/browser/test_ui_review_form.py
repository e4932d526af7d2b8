"""The Review form never carries one claim's review into the next (data integrity).

A reviewer saves a review of claim A with a note, judgments and an overruled verdict, checks
claim B and saves its review without touching the form: B's stored review (and its ClaimReview
export) must hold B's own defaults, not A's note, marks or verdict. Its own app process, since
it writes reviews that the export test in test_ui_check.py must not see.
"""

from __future__ import annotations

import json
import sqlite3

from ui_helpers import check_claim, open_tab

CLAIM_A = "The ceasefire took effect at 18:00 local time."
CLAIM_B = "Yerevan denies military presence in Karabakh"


def _save(page) -> None:
    page.locator("#save-review").click()
    page.locator("#review-msg", has_text="saved").wait_for()


def _reviews(app) -> list[dict]:
    """Every stored review, each with the judgments of its evidence in order."""
    con = sqlite3.connect(app.index_dir / "workbench.db")
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM review ORDER BY review_id")]
    for row in rows:
        row["judgments"] = [
            j
            for (j,) in con.execute(
                "SELECT judgment FROM review_evidence WHERE review_id = ? ORDER BY position",
                (row["review_id"],),
            )
        ]
    con.close()
    return rows


def test_next_claims_review_starts_from_its_own_defaults(page, app):
    check_claim(page, CLAIM_A)
    machine_a = page.locator("#verdict [data-verdict]").get_attribute("data-verdict")
    page.locator("#to-review-btn").click()
    page.locator("#review-claim", has_text=CLAIM_A).wait_for()
    page.locator("#slot-1").get_by_label("disagree", exact=True).check()
    page.locator("#reviewer input, #reviewer textarea").first.fill("Rita Reviewer")
    overruled = "CONFLICTING" if machine_a != "CONFLICTING" else "REFUTED"
    page.locator("#final-verdict").get_by_label(overruled, exact=True).check()
    page.locator("#note textarea").fill("note about the ceasefire only")
    _save(page)

    check_claim(page, CLAIM_B)
    machine_b = page.locator("#verdict [data-verdict]").get_attribute("data-verdict")
    open_tab(page, "Review")
    page.locator("#review-claim", has_text=CLAIM_B).wait_for()
    # nothing of claim A's review is left on screen
    assert page.locator("#note textarea").input_value() == ""
    assert "saved" not in page.locator("#review-msg").inner_text()
    assert not page.locator("#slot-1").get_by_label("disagree", exact=True).is_checked()
    # the reviewer is the same person: the name stays, on purpose
    assert page.locator("#reviewer input, #reviewer textarea").first.input_value() == (
        "Rita Reviewer"
    )
    _save(page)

    first, second = _reviews(app)
    assert first["claim"] == CLAIM_A and first["note"] == "note about the ceasefire only"
    assert first["final_verdict"] == overruled
    assert second["claim"] == CLAIM_B
    assert second["note"] == ""
    assert second["final_verdict"] == machine_b  # the form presets the machine verdict
    assert second["reviewer"] == "Rita Reviewer"
    assert second["supersedes"] is None
    assert first["judgments"][0] == "disagree"
    assert second["judgments"] and all(j is None for j in second["judgments"])

    # the ClaimReview export says the same
    page.locator("#export-claimreview").click()
    page.locator("#export-msg", has_text="Exported 2").wait_for()
    link = page.locator("#export-file a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    exported = {r["claimReviewed"]: r for r in json.loads(open(info.value.path()).read())}
    assert exported[CLAIM_A].get("reviewBody") == "note about the ceasefire only"
    assert not exported[CLAIM_B].get("reviewBody")


def test_a_reviewed_claim_is_fact_checked_before_when_reworded(page, app):
    """Saved reviews join the index's fact-check collection: checking a reworded claim next
    shows the review, with its verdict and date, in the "Fact-checked before" panel."""
    reviewed = "Azerbaijan launched a military offensive in Nagorno-Karabakh"
    check_claim(page, reviewed)
    page.locator("#to-review-btn").click()
    page.locator("#review-claim", has_text=reviewed).wait_for()
    page.locator("#reviewer input, #reviewer textarea").first.fill("Rita Reviewer")
    page.locator("#final-verdict").get_by_label("REFUTED", exact=True).check()
    _save(page)
    review_id = _reviews(app)[-1]["review_id"]

    check_claim(page, "Azerbaijani forces began an assault on Nagorno-Karabakh")
    panel = page.locator("#previously-checked .wb-prior")
    panel.wait_for()
    text = panel.inner_text()
    assert "Fact-checked before" in text and reviewed in text
    assert "REFUTED" in text.upper() and "reviewed in this index by reviewer Rita Reviewer" in text
    assert _reviews(app)[-1]["review_id"] == review_id  # checking wrote no review
    # an unrelated claim shows no panel
    check_claim(page, "The city council approved a new bus line.")
    page.locator("#previously-checked .wb-prior").wait_for(state="detached")

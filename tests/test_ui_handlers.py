"""The UI tabs' handlers, called directly (no browser): the same code the buttons run."""

from __future__ import annotations

import csv
import html as html_module
import json

import pytest

from workbench import WorkbenchError
from workbench.ui.server import serve
from workbench.ui.tabs import batch, check, corpus, review
from workbench.ui.uploads import example_claims

from .conftest import SEED_CLAIM, no_progress


def test_check_handler_renders_the_verdict_and_keeps_the_result(app):
    verdict, supporting, conflicting, neutral, result = check.check_claim(
        app, SEED_CLAIM, "2024-01-31"
    )
    assert "data-verdict=" in verdict and result["claim"] == SEED_CLAIM
    assert result["date"] == "2024-01-31"  # from the engine, no longer patched in by the UI
    empty = check.check_claim(app, "   ", "")
    assert "Enter a claim" in empty[0] and empty[-1] is None
    bad = check.check_claim(app, SEED_CLAIM, "yesterday")
    assert "YYYY-MM-DD" in bad[0] and bad[-1] is None


def test_a_card_opens_in_its_document_with_the_sentence_marked(app):
    result = check.check_claim(app, SEED_CLAIM, "")[-1]
    sources, picker, docview, prior = check.evidence_links(result)
    assert "Sources (1 document)" in sources and f"{len(result['evidence'])} cards" in sources
    assert len(picker["choices"]) == len(result["evidence"]) and docview == ""
    first = result["evidence"][0]
    html = check.open_evidence(app, result, "0")
    mark = html.split("<mark id='wb-docmark' class='wb-docmark'>", 1)[1].split("</mark>", 1)[0]
    assert html_module.unescape(mark) == first["sentence"]
    assert first["title"].split(" ")[0] in html and first["date"] in html
    assert "pick one of its evidence cards" in check.open_evidence(app, result, None)
    assert "pick one of its evidence cards" in check.open_evidence(app, None, "0")


def test_review_handlers_save_list_and_export(app):
    result = check.check_claim(app, SEED_CLAIM, "")[-1]
    form = review.open_review(app, result, None)
    assert SEED_CLAIM in form[0] and form[-1] == review.shown_key(result)
    # one value per per-claim field; the note and the message start empty for every claim
    assert len(form) == review.FORM_FIELDS + 1
    assert form[2]["value"] == "" and form[3] == ""
    # ... and so do every card's judgment and the stance the reviewer set (the last 2 x slots)
    assert all(mark["value"] is None for mark in form[-1 - 2 * review.MAX_SLOTS : -1])
    marks = ["agree"] + [None] * (review.MAX_SLOTS - 1) + ["refutes"]
    message, _history = review.save_review(app, result, "ana", "REFUTED", "no", *marks)
    assert "saved" in message
    (saved,) = app.reviews.history(SEED_CLAIM)
    assert (saved.evidence[0].judgment, saved.evidence[0].stance_override) == ("agree", "refutes")
    assert all(e.stance_override is None for e in saved.evidence[1:])
    rows = review.list_reviews(app, "ana", "", "", False)
    assert [r[1] for r in rows] == [SEED_CLAIM]
    text, path = review.export_reviews(app, "jsonl", "", "", "", False)
    assert "Exported 1" in text
    with open(path, encoding="utf-8") as handle:
        row = json.loads(handle.readline())
    assert row["final_verdict"] == "REFUTED"
    assert row["evidence"][0]["stance_override"] == "refutes"
    # the ClaimReview export says how to set the publisher until it is set, in the Publisher box
    text, _path = review.export_reviews(app, "jsonld", "", "", "", False)
    assert "no url" in text and "workbench reviews publisher" in text
    name, url, note = review.save_publisher(app, "Fact Desk", "https://fd.example.org/")
    assert (name, url) == ("Fact Desk", "https://fd.example.org") and "saved" in note
    assert review.show_publisher(app) == ("Fact Desk", "https://fd.example.org", "")
    assert "wb-msg-error" in review.save_publisher(app, "Fact Desk", "fd.example.org")[-1]
    text, path = review.export_reviews(app, "jsonld", "", "", "", False)
    assert text.endswith("Exported 1 reviewed claim(s).</div>")
    with open(path, encoding="utf-8") as handle:
        (doc,) = json.load(handle)
    assert doc["url"] == f"https://fd.example.org/reviews/{saved.review_id}"
    desk = {"@type": "Organization", "name": "Fact Desk", "url": "https://fd.example.org"}
    assert doc["author"] == doc["publisher"] == desk


def test_corpus_handlers_open_and_remove(app):
    table, _choices = corpus.refresh(app)
    doc_id = table[0][0]
    assert doc_id in corpus.open_document(app, doc_id)
    assert "not in the index" in corpus.open_document(app, "nope")
    message, table, _choices, _view = corpus.remove_document(app, doc_id)
    assert "Removed" in message and all(row[0] != doc_id for row in table)


def test_batch_handler_uses_the_shared_runner(app, tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text(f"id,claim,date\na,{SEED_CLAIM},2024-01-31\nb,,\n")
    message, table, jsonl, csv_path = batch.run_claims_file(app, str(claims), no_progress)
    assert "Checked 1 claims" in message and "Skipped 1" in message
    assert [row[0] for row in table] == ["a", "b"]
    lines = open(jsonl, encoding="utf-8").read().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a"]
    assert json.loads(lines[0])["date"] == "2024-01-31"
    with open(csv_path, encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    # the flat row's date is its top evidence's date, not the claim's
    assert row["date"] == json.loads(lines[0])["evidence"][0]["date"] != "2024-01-31"


def test_unreadable_example_claims_are_reported(tmp_path):
    (tmp_path / "good.csv").write_text("id,claim\n1,The sky is blue.\n")
    (tmp_path / "broken.csv").write_bytes(b"id,claim\n1,caf\xe9\n")
    examples, problems = example_claims(tmp_path)
    assert examples == [["The sky is blue.", ""]]
    assert len(problems) == 1 and "broken.csv" in problems[0] and "UTF-8" in problems[0]


def test_a_stance_model_that_cannot_load_stops_the_server(seed_index, tmp_path):
    with pytest.raises(WorkbenchError):
        serve(
            seed_index,
            port=0,
            stance_model=str(tmp_path / "no-such-model"),
            prevent_thread_lock=True,
            quiet=True,
        )


def test_script_api_keeps_its_endpoint_names(app):
    from workbench.ui.blocks import build_blocks

    config = build_blocks(app, []).get_config_file()
    public = {d["api_name"] for d in config["dependencies"] if d.get("api_visibility") == "public"}
    assert public == {"check", "check_claim", "save_review", "add_text"}


def test_corpus_edit_form_corrects_title_and_date(app):
    (doc_id, title, date, _n, _source) = corpus.documents_table(app)[0]
    assert corpus.pick_document(app, doc_id) == (title, date or "")
    assert corpus.pick_document(app, None) == ("", "")
    message, table, choices, view = corpus.save_edit(app, doc_id, "Karabakh report", "2023-11-01")
    assert "Saved" in message and "Karabakh report" in message
    assert table[0][1:3] == ["Karabakh report", "2023-11-01"]
    assert choices["value"] == doc_id and "Karabakh report" in view
    [title_edit, date_edit] = app.wb.document_edits(doc_id)
    assert (title_edit.old_value, title_edit.new_value) == (title, "Karabakh report")
    assert (date_edit.old_value, date_edit.new_value) == (date, "2023-11-01")
    # evidence cards of a check show the corrected title and date
    result = check.check_claim(app, SEED_CLAIM, "")[-1]
    assert {(e["title"], e["date"]) for e in result["evidence"]} == {
        ("Karabakh report", "2023-11-01")
    }
    cards = "".join(check.check_claim(app, SEED_CLAIM, "")[1:4])
    assert "Karabakh report" in cards and "2023-11-01" in cards
    # a re-add of the unchanged file keeps the correction
    report = app.add_files([app.wb.document(doc_id).source])
    assert report.unchanged == [doc_id] and corpus.pick_document(app, doc_id) == (
        "Karabakh report",
        "2023-11-01",
    )
    same = corpus.save_edit(app, doc_id, "Karabakh report", "2023-11-01")
    assert "Nothing to change" in same[0]


@pytest.mark.parametrize(
    "doc_id, title, date, message",
    [
        (None, "T", "", "Choose a document"),
        ("nope", "T", "", "No document with id"),
        ("DOC", "T", "01/11/2023", "not a valid YYYY-MM-DD date"),
        ("DOC", "  ", "2023-11-01", "title cannot be empty"),
    ],
)
def test_corpus_edit_errors_change_nothing(app, doc_id, title, date, message):
    before = corpus.documents_table(app)
    doc_id = before[0][0] if doc_id == "DOC" else doc_id
    out = corpus.save_edit(app, doc_id, title, date)
    assert message in out[0] and "wb-msg-error" in out[0]
    assert all(o == {"__type__": "update"} for o in out[1:])  # gr.skip(): table, pick, view
    assert corpus.documents_table(app) == before
    assert app.wb.document_edits(before[0][0]) == []

"""The UI tabs' handlers, called directly (no browser): the same code the buttons run."""

from __future__ import annotations

import csv
import json

import pytest

from workbench import Workbench, WorkbenchError
from workbench.ui.app import ReviewerApp
from workbench.ui.server import serve
from workbench.ui.tabs import batch, check, corpus, review
from workbench.ui.uploads import example_claims

from .conftest import SEED_CLAIM


@pytest.fixture
def app(seed_index, tiny_stance):
    wb = Workbench.open(seed_index, stance_model=str(tiny_stance), create=False)
    yield ReviewerApp(wb, seed_index)
    wb.close()


def no_progress(*args, **kwargs) -> None:
    return None


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


def test_review_handlers_save_list_and_export(app):
    result = check.check_claim(app, SEED_CLAIM, "")[-1]
    form = review.open_review(app, result, None)
    assert SEED_CLAIM in form[0] and form[-1] == review.shown_key(result)
    # one value per per-claim field; the note and the message start empty for every claim
    assert len(form) == review.FORM_FIELDS + 1
    assert form[2]["value"] == "" and form[3] == ""
    assert all(mark["value"] is None for mark in form[-1 - review.MAX_SLOTS : -1])
    message, _history = review.save_review(app, result, "ana", "REFUTED", "no", "agree")
    assert "saved" in message
    rows = review.list_reviews(app, "ana", "", "", False)
    assert [r[1] for r in rows] == [SEED_CLAIM]
    text, path = review.export_reviews(app, "jsonl", "", "", "", False)
    assert "Exported 1" in text
    with open(path, encoding="utf-8") as handle:
        assert json.loads(handle.readline())["final_verdict"] == "REFUTED"


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

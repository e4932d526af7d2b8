"""`workbench index edit`: a person corrects a document's title and date; the change is logged
in SQLite, shown in evidence afterwards, and a re-add of the file does not revert it."""

from __future__ import annotations

import json
import shutil
import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from workbench import Workbench
from workbench.cli import main
from workbench.indexing import embedding_text
from workbench.model.documents import SourceDocument
from workbench.storage.migrations import m001_initial, statements
from workbench.storage.store import DB_NAME, SCHEMA_VERSION

from .test_pdf_reader import REPORT_LINES, WHOLE_SENTENCE, pdf_bytes

CLAIM = "The new harbour rules of Quorvex take effect next month."
JUNK_TITLE = "Microsoft Word - draft3.docx"


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder) -> tuple:
    """An index of one PDF (a junk title, dated 2024-01-02 by its metadata), built once."""
    root = tmp_path_factory.mktemp("edit")
    pdf = root / "docs" / "harbour.pdf"
    pdf.parent.mkdir()
    info = {"Title": JUNK_TITLE, "CreationDate": "D:20240102000000Z"}
    pdf.write_bytes(pdf_bytes([REPORT_LINES], info))
    with Workbench.open(root / "ix") as wb:
        assert len(wb.add([pdf]).added) == 1
        doc_id = wb.documents()[0].doc_id
    return root, pdf, doc_id


@pytest.fixture
def corpus(built, tmp_path) -> tuple:
    """A private copy: (index folder, the PDF, its doc id)."""
    root, pdf, doc_id = built
    shutil.copytree(root / "ix", tmp_path / "ix")
    return tmp_path / "ix", pdf, doc_id


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def edits_table(ix) -> list[tuple]:
    with sqlite3.connect(ix / DB_NAME) as con:
        return con.execute(
            "SELECT doc_id, field, old_value, new_value FROM document_edits ORDER BY id"
        ).fetchall()


def test_cli_edit_is_logged_and_shown_in_evidence(run, corpus, tiny_stance):
    ix, _pdf, doc_id = corpus
    before = run("check", CLAIM, "--date", "2023-12-25", "--index", ix,
                 "--stance-model", tiny_stance, "--json")  # fmt: skip
    assert json.loads(before.stdout)["evidence"] == []  # dated 2024-01-02: after the claim
    result = run("index", "edit", doc_id, "--title", "Harbour rules", "--date", "2023-12-20",
                 "--index", ix)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Edited {doc_id}: title '{JUNK_TITLE}' -> 'Harbour rules'." in result.stdout
    assert f"Edited {doc_id}: date '2024-01-02' -> '2023-12-20'." in result.stdout
    assert edits_table(ix) == [
        (doc_id, "title", JUNK_TITLE, "Harbour rules"),
        (doc_id, "date", "2024-01-02", "2023-12-20"),
    ]
    listed = run("index", "list", "--index", ix).stdout
    assert f"{doc_id}\t2023-12-20\t" in listed and "Harbour rules" in listed
    check = run("check", CLAIM, "--index", ix, "--stance-model", tiny_stance, "--json")
    assert check.exit_code == 0, check.output
    [card] = [e for e in json.loads(check.stdout)["evidence"] if e["sentence"] == WHOLE_SENTENCE]
    assert (card["title"], card["date"]) == ("Harbour rules", "2023-12-20")
    # the claim-date filter sees the corrected date too
    dated = run("check", CLAIM, "--date", "2023-12-25", "--index", ix,
                "--stance-model", tiny_stance, "--json")  # fmt: skip
    assert json.loads(dated.stdout)["evidence"]
    history = run("index", "edit", doc_id, "--index", ix)
    assert "'2024-01-02' -> '2023-12-20'" in history.stdout
    again = run("index", "edit", doc_id, "--title", "Harbour rules", "--index", ix)
    assert "Nothing to change" in again.stdout and len(edits_table(ix)) == 2


def test_a_new_title_is_embedded_again(corpus):
    ix, _pdf, doc_id = corpus
    with Workbench.open(ix, create=False) as wb:
        wb.edit_document(doc_id, title="Harbour rules")
        [(sid, text)] = [s for s in wb.store.document_sentences(doc_id) if s[1] == WHOLE_SENTENCE]
        stored = wb.store.embeddings([sid])[sid]
        doc = SourceDocument(doc_id, wb.document(doc_id).text, "Harbour rules")
        expected = wb.embedder.encode([embedding_text(doc, text)])[0]
        assert np.allclose(stored, expected, atol=1e-5)
        assert wb.store.ann.count() == wb.store.count_sentences()
    with Workbench.open(ix, create=False) as wb:  # the saved vector file is in step
        hits = wb.search(CLAIM, top_k=3)
        assert hits[0].title == "Harbour rules" and wb.store.vectors.read_manifest()


def test_a_re_add_keeps_the_correction(run, corpus):
    ix, pdf, doc_id = corpus
    run("index", "edit", doc_id, "--title", "Harbour rules", "--date", "2023-12-20", "--index", ix)
    same = json.loads(run("index", "add", pdf, "--index", ix, "--json").stdout)
    assert same["unchanged"] == [doc_id]
    # the file changes (its own title and date too): its text is replaced, the correction stays
    info = {"Title": "Another junk title", "CreationDate": "D:20240301000000Z"}
    pdf.write_bytes(pdf_bytes([[*REPORT_LINES, "A line added later."]], info))
    changed = json.loads(run("index", "add", pdf, "--index", ix, "--json").stdout)
    assert changed["updated"] == [doc_id]
    with Workbench.open(ix, create=False) as wb:
        doc = wb.document(doc_id)
        assert (doc.title, doc.date) == ("Harbour rules", "2023-12-20")
        assert "added later" in doc.text
        [(sid, _)] = [s for s in wb.store.document_sentences(doc_id) if s[1] == WHOLE_SENTENCE]
        expected = wb.embedder.encode([f"Harbour rules: {WHOLE_SENTENCE}"])[0]
        assert np.allclose(wb.store.embeddings([sid])[sid], expected, atol=1e-5)
        assert wb.search(CLAIM, top_k=1)[0].date == "2023-12-20"
    # removing the document drops the correction in force (its log stays)
    assert run("index", "remove", doc_id, "--index", ix).exit_code == 0
    run("index", "add", pdf, "--index", ix)
    with Workbench.open(ix, create=False) as wb:
        assert wb.document(doc_id).title == "Another junk title"
        assert len(wb.document_edits(doc_id)) == 2


def test_a_date_can_be_removed_and_set_alone(corpus):
    ix, _pdf, doc_id = corpus
    with Workbench.open(ix, create=False) as wb:
        [edit] = wb.edit_document(doc_id, date="")
        assert (edit.old_value, edit.new_value) == ("2024-01-02", None)
        assert wb.document(doc_id).date is None and wb.document(doc_id).title == JUNK_TITLE
        wb.edit_document(doc_id, date="2022-02-02")
        assert wb.document(doc_id).date == "2022-02-02"


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope.pdf", "--title", "X"], "No document with id 'nope.pdf'"),
        (["DOC", "--date", "2024-13-01"], "The date '2024-13-01' is not a valid YYYY-MM-DD"),
        (["DOC", "--date", "last week", "--title", "X"], "is not a valid YYYY-MM-DD date"),
        (["DOC", "--title", "   "], "title cannot be empty"),
        (["nope.pdf"], "No document with id 'nope.pdf'"),
    ],
)
def test_errors_are_one_sentence_and_change_nothing(run, corpus, args, message):
    ix, _pdf, doc_id = corpus
    args = [doc_id if a == "DOC" else a for a in args]
    result = run("index", "edit", *args, "--index", ix)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert edits_table(ix) == []
    with Workbench.open(ix, create=False) as wb:
        doc = wb.document(doc_id)
        assert (doc.title, doc.date) == (JUNK_TITLE, "2024-01-02")


def test_an_index_of_schema_1_gains_the_edit_tables(tmp_path):
    db = tmp_path / "ix" / DB_NAME
    db.parent.mkdir()
    con = sqlite3.connect(db)
    for statement in statements(m001_initial.SQL):
        con.execute(statement)
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    with Workbench.open(db.parent, create=False) as wb:
        assert wb.store.document_overrides("x") == {} and wb.document_edits("x") == []
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2

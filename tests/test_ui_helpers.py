"""The reviewer UI's presentation helpers: escaping, highlighting, uploads (no browser)."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.ui.render import card_html, document_html, highlight, render_result, verdict_html
from workbench.ui.server import parse_auth
from workbench.ui.uploads import (
    UploadError,
    check_upload,
    example_claims,
    safe_filename,
    store_upload,
)

from .conftest import ROOT

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def ev(stance, sentence="A sentence.", **kw):
    base = {
        "doc_id": "d1",
        "title": "Title",
        "date": "2023-11-13",
        "source": "index/sources/a.txt",
        "sentence": sentence,
        "start": 10,
        "end": 10 + len(sentence),
        "context": f"Before. {sentence} After.",
        "stance": stance,
        "p_supports": 0.8,
        "p_refutes": 0.1,
        "p_neutral": 0.1,
        "score": 0.7,
    }
    base.update(kw)
    return base


def test_highlight_escapes_before_marking():
    out = highlight(f"x {EVIL} y", EVIL)
    assert "<script>" not in out and "<img" not in out
    assert (
        out == "x <mark>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
        "</mark> y"
    )


def test_highlight_when_sentence_not_in_context():
    out = highlight("other <b>text</b>", "the <i>sentence</i>")
    assert out.startswith("<mark>the &lt;i&gt;sentence&lt;/i&gt;</mark>")
    assert "&lt;b&gt;" in out
    assert highlight("", "s") == "<mark>s</mark>"


def test_card_escapes_every_field():
    html = card_html(
        ev("supports", sentence=EVIL, title=EVIL, source="javascript:alert(1)", doc_id="'><x"),
        1,
    )
    assert "<script" not in html and "<img" not in html and "'><x" not in html
    assert "href" not in html  # only http(s) sources become links
    link = card_html(ev("supports", source="https://example.org/?a=1&b=<x>"), 2)
    assert "href='https://example.org/?a=1&amp;b=&lt;x&gt;'" in link
    assert "rel='noopener noreferrer nofollow'" in link


def test_render_result_sorts_cards_into_columns():
    result = {
        "id": None,
        "claim": EVIL,
        "verdict": "CONFLICTING",
        "confidence": 0.61,
        "evidence": [ev("supports", "S1."), ev("refutes", "R1."), ev("neutral", "N1.")],
    }
    verdict, sup, con, neu = render_result(result, 0.123)
    assert "CONFLICTING" in verdict and "0.61" in verdict and "123 ms" in verdict
    assert "<script" not in verdict
    assert "S1." in sup and "R1." not in sup
    assert "R1." in con and "S1." not in con
    assert neu.startswith("<details") and "N1." in neu and "open" not in neu.split(">")[0]
    assert "Supporting evidence" in sup and "Conflicting evidence" in con


def test_the_banner_says_why_and_marks_the_deciding_card():
    result = {
        "claim": "c",
        "verdict": "REFUTED",
        "confidence": 0.7,
        "evidence": [ev("supports", "S1."), ev("refutes", "R1.")],
        "basis": {"rule": "hand-set rule", "text": EVIL, "deciding": [1]},
    }
    verdict, sup, con, _neu = render_result(result)
    assert (
        "Why:" in verdict
        and "hand-set rule" in verdict
        and "Deciding evidence: <b>#2</b>" in verdict
    )
    assert "<script" not in verdict  # the basis text is escaped like everything else
    assert "wb-deciding" in con and "wb-deciding" not in sup
    nothing = render_result({**result, "basis": {"rule": "r", "text": "t", "deciding": []}})
    assert "No card decided it." in nothing[0] and "wb-deciding" not in nothing[2]
    assert "Why:" not in verdict_html({"claim": "c", "verdict": "REFUTED"})  # old results


def test_not_enough_info_badge_label():
    assert "NOT ENOUGH INFO" in verdict_html({"claim": "c", "verdict": "NOT_ENOUGH_INFO"})


def test_document_view_is_escaped():
    out = document_html({"doc_id": "d", "title": EVIL, "text": EVIL + "\nline two"})
    assert "<script" not in out and "<img" not in out and "line two" in out


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../x.txt", "x.txt"),
        ("..\\..\\win.md", "win.md"),
        ("/etc/passwd", "passwd"),
        (".bashrc", "bashrc"),
        ("a b/c d.PDF", "c_d.pdf"),
        ("..", "upload"),
        ("", "upload"),
        ("résumé 2024.txt", "r_sum_2024.txt"),
        ("x" * 300 + ".csv", "x" * 100 + ".csv"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_store_upload_stays_inside_uploads(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("hello")
    uploads = tmp_path / "index" / "uploads"
    dest = store_upload(src, uploads, "../../../evil.txt")
    assert dest == (uploads / "evil.txt").resolve()
    assert dest.read_text() == "hello"
    src.write_text("edited")
    assert store_upload(src, uploads, "evil.txt").read_text() == "edited"  # replaced in place
    assert sorted(p.name for p in uploads.iterdir()) == ["evil.txt"]


def test_check_upload_type_and_size(tmp_path):
    ok = tmp_path / "a.md"
    ok.write_text("x" * 100)
    check_upload(ok, (".md",), 1000)
    with pytest.raises(UploadError, match="cannot be added"):
        check_upload(ok, (".txt",), 1000)
    with pytest.raises(UploadError, match="limit is"):
        check_upload(ok, (".md",), 10)


def test_example_claims_come_from_claims_csv():
    examples, problems = example_claims()
    assert ["Yerevan denies military presence in Karabakh", ""] in examples
    assert problems == []


def test_parse_auth():
    assert parse_auth("ana:s3:cret") == ("ana", "s3:cret")
    assert parse_auth(None) is None
    with pytest.raises(WorkbenchError, match="USER:PASSWORD"):
        parse_auth("nopassword")


def test_serve_command_is_the_one_command_line_of_app_py():
    import subprocess
    import sys

    from click.testing import CliRunner

    from workbench.cli import main
    from workbench.cli.serve import serve

    out = CliRunner().invoke(main, ["serve", "--help"])
    assert out.exit_code == 0
    for option in ("--index", "--host", "--port", "--auth", "--max-upload-mb", "--stance-model"):
        assert option in out.output
    params = serve.make_context("serve", []).params
    assert (params["index_dir"], params["host"], params["port"], params["auth"]) == (
        "index",
        "127.0.0.1",
        7860,
        None,
    )
    assert params["max_upload_mb"] == 20
    app_help = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True, text=True
    )
    assert app_help.returncode == 0 and "--max-upload-mb" in app_help.stdout


def test_the_verdict_says_whether_its_confidence_is_calibrated():
    result = {"claim": "c", "verdict": "SUPPORTED", "confidence": 0.7}
    raw = verdict_html(result)
    assert "calibrated confidence" not in raw and "not calibrated on this corpus" in raw
    calibrated = verdict_html({**result, "confidence_calibrated": True})
    assert "calibrated confidence 0.70" in calibrated and "not calibrated" not in calibrated


def test_a_docx_upload_is_refused_in_one_consistent_sentence(tmp_path):
    from workbench.ui.uploads import DOC_SUFFIXES

    doc = tmp_path / "report.docx"
    doc.write_bytes(b"PK\x03\x04 not really a document")
    with pytest.raises(UploadError) as err:
        check_upload(doc, DOC_SUFFIXES, 10_000)
    message = str(err.value)
    assert message == (
        "report.docx cannot be added: .docx files are not supported; the allowed types are "
        ".txt, .md, .html, .htm, .pdf, .jsonl, .csv, so save it as PDF or plain text and add "
        "that."
    )
    assert message.count(". ") == 0 and message.count(";") == 1  # one sentence, no "but"
    with pytest.raises(UploadError, match=r"claims\.docx .* save it as CSV or JSONL"):
        check_upload(tmp_path / "claims.docx", (".csv", ".jsonl"), 10_000)


def test_example_claims_are_shown_only_on_an_index_of_their_corpus(tmp_path):
    from workbench.ui.uploads import DEFAULT_CORPUS, examples_fit_index, examples_for_index

    seed = next(p.name for p in DEFAULT_CORPUS.iterdir() if p.is_file())
    # the default index (ids relative to the working directory) and a copy of its sources
    for doc_id in (f"index/sources/{seed}", str(tmp_path / "index" / "sources" / seed)):
        assert examples_fit_index([doc_id])
        examples, problems = examples_for_index(["uploads/other.txt", doc_id])
        assert ["Yerevan denies military presence in Karabakh", ""] in examples
        assert problems == []
    # any other index: no example claims, and nothing to warn about
    assert not examples_fit_index([])
    assert examples_for_index(["uploads/bridge.txt", "notes/karabakh.md"]) == ([], [])
    # the rule takes another corpus and claims folder
    corpus, claims = tmp_path / "corpus", tmp_path / "claims"
    corpus.mkdir()
    claims.mkdir()
    (corpus / "bridge.txt").write_text("The Varnoth Bridge opened in 2021.")
    (corpus / ".hidden").write_text("")
    (claims / "bridge.csv").write_text("id,claim\nb1,The bridge opened in 2021.\n")
    assert examples_for_index(["x/bridge.txt"], claims, corpus) == (
        [["The bridge opened in 2021.", ""]],
        [],
    )
    assert examples_for_index(["x/.hidden"], claims, corpus) == ([], [])


def test_the_claim_box_submits_on_enter():
    """Gradio's Textbox submits on Enter (Shift+Enter: newline) when lines == 1 and
    max_lines > 1; with lines > 1 it would be the other way round."""
    import gradio as gr

    from workbench.ui.tabs import check

    with gr.Blocks():
        tab = check.layout([])
    assert tab.claim.lines == 1 and tab.claim.max_lines > 1

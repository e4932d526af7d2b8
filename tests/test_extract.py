"""claims extract / check-article: real readers, segmenter, bundled encoder and shipped head."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench.batch.claims import read_claims
from workbench.checkworthy.errors import (
    ArticleTooLargeError,
    CheckworthyError,
    NoClaimsError,
    NoSentencesError,
)
from workbench.checkworthy.extract import extract_claims, score_file
from workbench.checkworthy.standalone import document_subject, stand_alone
from workbench.cli.main import main

from .conftest import SEED_FILE

WANTED = ("32 people killed", "13:00 local time", "disarmament", "blockade imposed")


def _claims_text(claims) -> str:
    return "\n".join(c.sentence for c in claims)


def test_example_article_yields_its_checkable_sentences():
    claims = extract_claims([SEED_FILE])
    text = _claims_text(claims)
    for phrase in WANTED:
        assert phrase in text, (phrase, text)
    assert "It remains to be seen" not in text
    assert [c.score for c in claims] == sorted((c.score for c in claims), reverse=True)


def test_offsets_and_date_come_from_the_stored_text():
    from workbench.pipeline.ingest import load_path

    ((document, _),) = list(load_path(SEED_FILE))
    for claim in score_file(SEED_FILE):
        assert document.text[claim.start : claim.end] == claim.sentence
        assert claim.date == "2023-11-13"


def test_cli_writes_a_claims_file_verify_reads(tmp_path):
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(main, ["claims", "extract", str(SEED_FILE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    claims = read_claims(out)
    assert claims and all(c["date"] == "2023-11-13" for c in claims)
    assert len({c["id"] for c in claims}) == len(claims)
    assert any("blockade" in c["claim"] for c in claims)


def test_cli_json_and_top(tmp_path):
    result = CliRunner().invoke(main, ["claims", "extract", str(SEED_FILE), "--top", "2", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 2
    assert set(rows[0]) >= {"id", "claim", "source", "start", "end", "score", "date"}


def test_leading_pronoun_resolved_to_the_subject():
    previous = "Azerbaijan launched an offensive on Tuesday."
    assert stand_alone("It said 32 people died.", previous, "Azerbaijan") == (
        "Azerbaijan said 32 people died."
    )
    assert stand_alone("Its army took the road.", previous, "Azerbaijan") == (
        "Azerbaijan’s army took the road."
    )
    # an expletive "it", or a previous sentence that does not name the subject: left alone
    assert stand_alone("It remains to be seen.", previous, "Azerbaijan") == "It remains to be seen."
    assert stand_alone("It said so.", "Nobody spoke.", "Azerbaijan") == "It said so."
    assert document_subject("Azerbaijan wins", "Azerbaijan and Armenia. Azerbaijan again.") == (
        "Azerbaijan"
    )


def test_resolved_claim_in_a_document(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(
        "date 2024-03-01\nAcme Corp reports results\n\nAcme Corp opened a factory in Ohio in 2019. "
        "It employs 4,500 workers and exported goods worth 2 billion dollars last year.\n",
        encoding="utf-8",
    )
    claims = extract_claims([doc], threshold=0.0)
    resolved = [c for c in claims if c.sentence.startswith("It employs")]
    assert resolved and resolved[0].claim.startswith("Acme Corp employs 4,500")


@pytest.mark.parametrize(
    "content, error",
    [("", CheckworthyError), ("... --- !!!\n\n12 34\n", NoSentencesError)],
)
def test_documents_without_sentences(tmp_path, content, error):
    doc = tmp_path / "empty.txt"
    doc.write_text(content, encoding="utf-8")
    with pytest.raises(error):
        extract_claims([doc])


def test_image_only_pdf_is_one_sentence_and_writes_nothing(tmp_path):
    from pypdf import PdfWriter

    pdf = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with pdf.open("wb") as handle:
        writer.write(handle)
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(main, ["claims", "extract", str(pdf), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "Error:" in result.output
    assert not out.exists() and not list(tmp_path.glob(".claims*"))


def test_none_above_threshold(tmp_path):
    doc = tmp_path / "chat.txt"
    doc.write_text("Thank you so much. Good evening to all of you.\n", encoding="utf-8")
    with pytest.raises(NoClaimsError, match="threshold"):
        extract_claims([doc], threshold=0.99)


def test_five_megabyte_text_is_refused_cleanly(tmp_path):
    doc = tmp_path / "huge.txt"
    doc.write_text("The budget rose by 3 percent in 2020. " * 140_000, encoding="utf-8")
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(main, ["claims", "extract", str(doc), "-o", str(out)])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert not out.exists()
    with pytest.raises(ArticleTooLargeError, match="million characters"):
        extract_claims([doc])


def test_check_article_prints_a_verdict_per_claim(seed_index, tiny_stance, tmp_path):
    runner = CliRunner()
    claims = extract_claims([SEED_FILE])
    out = tmp_path / "results.jsonl"
    args = ["check-article", str(SEED_FILE), "--index", str(seed_index)]
    args += ["--stance-model", str(tiny_stance), "-o", str(out), "--json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [c.id for c in claims]
    assert all(r["verdict"] for r in rows)
    assert len(out.read_text().splitlines()) == len(claims)
    again = runner.invoke(main, args)  # resumes: nothing left to check, same rows
    assert again.exit_code == 0 and "Resuming" in again.stderr
    assert json.loads(again.stdout) == rows

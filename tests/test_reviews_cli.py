"""`workbench reviews list|export`: reviews saved through the real store in a real index folder,
read back through the command line (click's CliRunner, as tests/test_cli.py does)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench import Workbench
from workbench.cli import main
from workbench.reviews.store import ReviewStore

from .conftest import SEED_CLAIM

CEASEFIRE = "The ceasefire took effect at 18:00 local time."
TROOPS = "Armenia keeps troops in Karabakh."
TALKS = "Peace talks resume in Brussels next week."
LONG_NOTE = "Checked against the agreement text.\nThe time given there is 13:00, " + "x" * 80
EVIDENCE = [
    {
        "doc_id": "seed",
        "title": "Karabakh ceasefire",
        "date": "2023-11-13",
        "source": "index/sources/seed.txt",
        "sentence": "The ceasefire went into effect at 13:00 local time.",
        "start": 100,
        "end": 152,
        "stance": "refutes",
        "p_supports": 0.05,
        "p_refutes": 0.9,
        "p_neutral": 0.05,
        "judgment": "agree",
    }
]


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def index_dir(tmp_path):
    """A real (empty) index folder: its database is where the UI keeps reviews."""
    folder = tmp_path / "index"
    Workbench.open(folder).close()
    return folder


@pytest.fixture
def reviewed(index_dir):
    """Four reviews of three claims; the latest of each claim: #4 (Ana), #3 (Ben), #2 (Ben)."""
    with Workbench.open(index_dir, create=False) as wb:
        store = ReviewStore(wb.db_path)
    store.save(
        claim=TROOPS, reviewer="Ana", final_verdict="SUPPORTED", machine_verdict="SUPPORTED",
        machine_confidence=0.8, note="fine", created_at="2024-05-01T10:00:00Z",
    )  # fmt: skip
    store.save(
        claim=CEASEFIRE, reviewer="Ben", final_verdict="REFUTED", machine_verdict="SUPPORTED",
        machine_confidence=0.6, note=LONG_NOTE, evidence=EVIDENCE, claim_id="k07",
        claim_date="2023-11-20", created_at="2024-05-02T10:00:00Z",
    )  # fmt: skip
    store.save(
        claim=TROOPS.upper(), reviewer="Ben", final_verdict="CONFLICTING",
        machine_verdict="SUPPORTED", created_at="2024-05-03T10:00:00Z",
    )  # fmt: skip
    store.save(
        claim=TALKS, reviewer="ana", final_verdict="NOT_ENOUGH_INFO",
        machine_verdict="NOT_ENOUGH_INFO", created_at="2024-05-04T10:00:00Z",
    )  # fmt: skip
    return index_dir


def _ids(result) -> list[int]:
    assert result.exit_code == 0, result.output
    return [r["review_id"] for r in json.loads(result.stdout)]


def _one_line_error(result, text: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and text in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stdout == ""


def test_list_prints_a_table_of_latest_reviews(run, reviewed):
    result = run("reviews", "list", "--index", reviewed)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "id", "claim", "final", "machine", "reviewer", "reviewed", "at", "reviews", "note",
    ]  # fmt: skip
    assert [line.split()[0] for line in lines[1:4]] == ["4", "3", "2"]  # newest first
    talks, troops, ceasefire = lines[1:4]
    assert TALKS in talks and "NOT_ENOUGH_INFO  NOT_ENOUGH_INFO" in talks and " - " not in talks
    assert talks.rstrip().endswith("1  -")  # one review, no note
    assert TROOPS.upper() in troops and "CONFLICTING" in troops and "2024-05-03T10:00:00Z" in troops
    assert " 2  " in troops  # claim A was reviewed twice: by Ana, then by Ben
    assert "REFUTED" in ceasefire and "Ben" in ceasefire
    assert ceasefire.endswith("  " + " ".join(LONG_NOTE.split())[:37] + "...")  # one line, cut
    assert LONG_NOTE[-10:] not in ceasefire
    assert lines[4] == "3 reviewed claims, each with its latest review."
    # the columns line up: every row's verdict starts where the header's "final" does
    column = lines[0].index("final")
    assert {line[column:].split()[0] for line in lines[1:4]} == {
        "NOT_ENOUGH_INFO",
        "CONFLICTING",
        "REFUTED",
    }


def test_list_json_has_the_full_records(run, reviewed):
    result = run("reviews", "list", "--index", reviewed, "--json")
    assert _ids(result) == [4, 3, 2]
    records = json.loads(result.stdout)
    assert [r["n_reviews"] for r in records] == [1, 2, 1]
    assert records[1]["supersedes"] == 1 and records[1]["reviewer"] == "Ben"
    ceasefire = records[2]
    assert ceasefire["note"] == LONG_NOTE and ceasefire["claim_id"] == "k07"
    assert ceasefire["evidence"][0]["judgment"] == "agree"
    assert ceasefire["evidence"][0]["evidence_id"] == "seed:100-152"


@pytest.mark.parametrize(
    "filters, expected",
    [
        (("--reviewer", "ANA"), [4]),  # case-insensitive; Ana's review #1 is superseded
        (("--reviewer", "Ben"), [3, 2]),
        (("--verdict", "refuted"), [2]),
        (("--verdict", "not enough info"), [4]),
        (("--verdict", "DISPUTED"), [3]),  # the evaluation's spellings are accepted too
        (("--contains", "KARABAKH"), [3]),
        (("--overruled",), [3, 2]),
        (("--overruled", "--reviewer", "ben", "--contains", "ceasefire"), [2]),
    ],
)
def test_list_filters(run, reviewed, filters, expected):
    assert _ids(run("reviews", "list", "--index", reviewed, "--json", *filters)) == expected


def test_export_jsonl_to_a_file_and_to_stdout(run, reviewed, tmp_path):
    out = tmp_path / "exports" / "reviews.jsonl"
    out.parent.mkdir()
    result = run("reviews", "export", "--index", reviewed, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"Exported 3 reviewed claims to {out} (jsonl).\n"
    # the same bytes as the store's (the UI's) export
    with Workbench.open(reviewed, create=False) as wb:
        store = ReviewStore(wb.db_path)
    expected = tmp_path / "expected.jsonl"
    store.export_jsonl(expected)
    assert out.read_bytes() == expected.read_bytes()
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["review_id"] for r in rows] == [4, 3, 2]
    listed = json.loads(run("reviews", "list", "--index", reviewed, "--json").stdout)
    assert rows == listed
    stdout = run("reviews", "export", "--index", reviewed)  # default -o -: stdout
    assert stdout.exit_code == 0 and stdout.stdout == out.read_text()
    assert "to stdout (jsonl)" in stdout.stderr
    filtered = run("reviews", "export", "--index", reviewed, "-o", "-", "--reviewer", "ana")
    assert [json.loads(line)["review_id"] for line in filtered.stdout.splitlines()] == [4]


def test_export_claimreview(run, reviewed, tmp_path):
    out = tmp_path / "claimreview.jsonld"
    result = run(
        "reviews", "export", "--index", reviewed, "--format", "claimreview", "-o", out,
        "--verdict", "REFUTED",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Exported 1 reviewed claim to" in result.stderr
    docs = json.loads(out.read_text())
    assert len(docs) == 1
    doc = docs[0]
    assert doc["@type"] == "ClaimReview" and doc["@context"] == "https://schema.org"
    assert doc["claimReviewed"] == CEASEFIRE and doc["identifier"] == "k07"
    assert doc["author"] == {"@type": "Person", "name": "Ben"}
    assert doc["reviewRating"]["ratingValue"] == 1 and doc["datePublished"] == "2024-05-02"
    assert doc["itemReviewed"]["citation"][0]["text"] == EVIDENCE[0]["sentence"]
    every = run("reviews", "export", "--index", reviewed, "--format", "CLAIMREVIEW")
    assert [d["claimReviewed"] for d in json.loads(every.stdout)] == [
        TALKS,
        TROOPS.upper(),
        CEASEFIRE,
    ]


def test_errors_are_one_sentence(run, reviewed, index_dir, tmp_path):
    for command in ("list", "export"):
        _one_line_error(run("reviews", command, "--index", tmp_path / "nope"), "No index found in")
        _one_line_error(
            run("reviews", command, "--index", reviewed, "--verdict", "maybe"),
            "Unknown verdict 'maybe' for --verdict; use SUPPORTED, REFUTED, CONFLICTING or "
            "NOT_ENOUGH_INFO.",
        )
        _one_line_error(
            run("reviews", command, "--index", reviewed, "--reviewer", "zed", "--overruled"),
            "No reviewed claims match --reviewer 'zed' --overruled in",
        )
    missing = tmp_path / "no-such-folder" / "reviews.jsonl"
    _one_line_error(
        run("reviews", "export", "--index", reviewed, "-o", missing), f"Cannot write {missing}"
    )
    assert not missing.parent.exists()


def test_an_index_without_reviews(run, tmp_path):
    folder = tmp_path / "fresh"
    Workbench.open(folder).close()
    for args in (("list",), ("list", "--json"), ("export",), ("export", "--verdict", "REFUTED")):
        _one_line_error(run("reviews", *args, "--index", folder), "has no reviews yet")


def test_a_review_of_a_real_check(run, seed_index, tiny_stance, tmp_path):
    """A claim checked against the seed index and reviewed as the UI saves it, exported."""
    with Workbench.open(seed_index, stance_model=tiny_stance, create=False) as wb:
        result = wb.check(SEED_CLAIM, top_k=3)
        evidence = [{**e.to_dict(), "judgment": "agree"} for e in result.evidence]
        ReviewStore(wb.db_path).save(
            claim=result.claim, reviewer="Ana", final_verdict="SUPPORTED",
            machine_verdict=result.verdict, machine_confidence=result.confidence,
            evidence=evidence,
        )  # fmt: skip
    listed = json.loads(run("reviews", "list", "--index", seed_index, "--json").stdout)
    assert len(listed) == 1 and listed[0]["machine_verdict"] == result.verdict
    assert [e["sentence"] for e in listed[0]["evidence"]] == [e.sentence for e in result.evidence]
    out = tmp_path / "cr.jsonld"
    export = run("reviews", "export", "--index", seed_index, "--format", "claimreview", "-o", out)
    assert export.exit_code == 0, export.output
    (doc,) = json.loads(out.read_text())
    assert doc["reviewRating"]["ratingValue"] == 5
    assert [c["text"] for c in doc["itemReviewed"]["citation"]] == [
        e.sentence for e in result.evidence
    ]

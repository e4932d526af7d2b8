"""Fact-checks: importing them (ClaimReview, tables, CheckThat!), the collection in the index's
SQLite file, and previously_checked in checks, the CLI and verify (real bundled MiniLM)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from workbench import Workbench
from workbench.cli import main
from workbench.factchecks.readers import FactCheckFileError, read_factchecks
from workbench.factchecks.store import FactCheckStore
from workbench.reviews.store import ReviewStore

TROOPS = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "claimReviewed": "Armenia says it has no troops stationed in Nagorno-Karabakh.",
    "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"},
    "url": "https://factcheck.example.org/karabakh-troops",
    "datePublished": "2023-09-25T10:00:00Z",
    "author": {"@type": "Organization", "name": "Example Checks"},
}
BRIDGE = {
    "@type": "ClaimReview",
    "claimReviewed": "The new bridge over the river cost 40 million euros.",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
    "url": "https://factcheck.example.org/bridge",
    "datePublished": "2024-02-01",
    "publisher": {"@type": "Organization", "name": "Other Desk"},
}
REWORDED = "Armenia denies it has troops in Karabakh"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# -- readers -----------------------------------------------------------------------------------


def test_claimreview_json_object_list_and_graph(tmp_path):
    one = read_factchecks(write(tmp_path / "one.json", json.dumps(TROOPS)))
    assert [f.claim for f in one.factchecks] == [TROOPS["claimReviewed"]] and not one.problems
    fc = one.factchecks[0]
    assert (fc.rating, fc.publisher, fc.date, fc.url) == (
        "Mostly true", "Example Checks", "2023-09-25", TROOPS["url"],
    )  # fmt: skip
    listed = read_factchecks(write(tmp_path / "two.json", json.dumps([TROOPS, BRIDGE])))
    assert [f.publisher for f in listed.factchecks] == ["Example Checks", "Other Desk"]
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, BRIDGE]}
    ld = read_factchecks(write(tmp_path / "g.jsonld", json.dumps(graph)))
    assert [f.rating for f in ld.factchecks] == ["False"]


def test_a_web_page_with_claimreview_markup(tmp_path):
    page = (
        '<html><head><script type=\'application/ld+json\'>{"@type": "WebSite"}</script>'
        f'<script type="application/ld+json">{json.dumps(TROOPS)}</script></head>'
        "<body><p>Our check</p></body></html>"
    )
    read = read_factchecks(write(tmp_path / "page.html", page))
    assert [f.url for f in read.factchecks] == [TROOPS["url"]]
    with pytest.raises(FactCheckFileError, match="no <script"):
        read_factchecks(write(tmp_path / "plain.html", "<p>no markup</p>"))


def test_bad_rows_are_reported_by_line_and_the_rest_imported(tmp_path):
    table = (
        "Claim,Rating,URL,Date,Publisher\n"
        '"A claim, with a comma",False,https://a.example.org/1,2024-01-02,Desk\n'
        ",True,,,\n"
        "Dated badly,True,,next June,\n"
        "Bad link,True,javascript:alert(1),,\n"
        '"Spans\ntwo lines",Half true,,,\n'
    )
    read = read_factchecks(write(tmp_path / "t.csv", table))
    assert [f.claim for f in read.factchecks] == ["A claim, with a comma", "Spans two lines"]
    assert [p.split(": ", 1)[0].rsplit(" ", 1)[-1] for p in read.problems] == ["3", "4", "5"]
    assert "no claim text" in read.problems[0] and "'next June'" in read.problems[1]
    tsv = read_factchecks(write(tmp_path / "t.tsv", "claim\trating\nIt rained\tTrue\n"))
    assert [(f.claim, f.rating) for f in tsv.factchecks] == [("It rained", "True")]


def test_checkthat_verified_claims_tsv_keeps_literal_quotes(tmp_path):
    text = 'vclaim_id\tvclaim\ttitle\n0\t"Quoted" start of a claim\tA title?\n1\tPlain\t\n'
    read = read_factchecks(write(tmp_path / "verified_claims.tsv", text))
    assert [f.claim for f in read.factchecks] == ['"Quoted" start of a claim', "Plain"]
    assert read.factchecks[0].title == "A title?" and read.factchecks[0].rating == ""


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("x.txt", "hello", "not a fact-check file"),
        ("bad.json", "{", "not valid JSON"),
        ("none.json", '{"@type": "WebPage"}', "no ClaimReview object"),
        ("t.csv", "text_only\nhello\n", "no claim column"),
        ("r.csv", "claim\nhello\n", "no rating column"),
    ],
)
def test_unreadable_files_get_one_sentence(tmp_path, name, text, message):
    with pytest.raises(FactCheckFileError, match=message):
        read_factchecks(write(tmp_path / name, text))


# -- the collection and matching -------------------------------------------------------------


@pytest.fixture
def wb(seed_index):
    with Workbench.open(seed_index) as workbench:
        yield workbench


def test_import_dedups_and_a_reworded_claim_finds_its_factcheck(wb, tmp_path):
    path = write(tmp_path / "checks.json", json.dumps([TROOPS, BRIDGE, TROOPS]))
    first = wb.factchecks.add([path])[0]
    assert (first.added, first.duplicates) == (2, 1)
    again = wb.factchecks.add([path])[0]
    assert (again.added, again.duplicates) == (0, 3)
    result = wb.check(REWORDED)
    assert [p.url for p in result.previously_checked] == [TROOPS["url"]]
    match = result.to_dict()["previously_checked"][0]
    assert match["rating"] == "Mostly true" and match["publisher"] == "Example Checks"
    assert match["origin"] == "factcheck" and 0.6 <= match["score"] <= 1
    assert wb.check("The new bridge cost forty million euros").previously_checked[0].rating == (
        "False"
    )
    assert wb.check("Azerbaijan's football team won the cup").previously_checked == []
    # the tables are plain SQLite in the index database, where people can inspect them
    store = FactCheckStore(wb.db_path)
    assert store.stats()["by_publisher"] == {"Example Checks": 1, "Other Desk": 1}
    removed = store.list(text="bridge")[0].id
    assert wb.factchecks.remove([removed, 999]) == [removed]
    assert wb.check("The new bridge cost forty million euros").previously_checked == []


def test_a_copy_with_other_quotes_is_shown_once_and_another_desk_beside_it(wb, tmp_path):
    original = {**TROOPS, "claimReviewed": 'Armenia says it has "no troops" in Nagorno-Karabakh.'}
    copy = {
        **original,
        "claimReviewed": "Armenia says it has \u2018no troops\u2019 in Nagorno-Karabakh.",
    }
    wb.factchecks.add([write(tmp_path / "a.json", json.dumps(original))])
    wb.factchecks.add([write(tmp_path / "b.json", json.dumps(copy))])
    assert len(wb.factchecks.list()) == 2  # both stay in the collection, as imported
    found = wb.check(REWORDED).previously_checked
    assert [p.claim for p in found] == [original["claimReviewed"]]  # the first imported
    other_desk = {**copy, "publisher": {"name": "Other Desk"}, "author": None, "url": None}
    wb.factchecks.add([write(tmp_path / "c.json", json.dumps(other_desk))])
    assert {p.publisher for p in wb.check(REWORDED).previously_checked} == {
        "Example Checks",
        "Other Desk",
    }


def test_a_saved_review_joins_the_collection(wb):
    assert wb.check(REWORDED).previously_checked == []
    reviews = ReviewStore(wb.db_path)
    reviews.save(claim="Armenia has no military presence in Karabakh", reviewer="ana",
                 final_verdict="SUPPORTED", created_at="2026-03-02T09:00:00Z")  # fmt: skip
    found = wb.check(REWORDED).previously_checked
    assert [(p.rating, p.origin, p.date, p.publisher) for p in found] == [
        ("SUPPORTED", "review", "2026-03-02", "reviewer ana")
    ]
    reviews.save(claim="Armenia has no military presence in Karabakh", reviewer="ben",
                 final_verdict="REFUTED")  # fmt: skip
    found = wb.check(REWORDED).previously_checked
    assert [(p.rating, p.publisher) for p in found] == [("REFUTED", "reviewer ben")]
    with pytest.raises(Exception, match="append-only"):
        wb.factchecks.remove([found[0].id])
    assert len(wb.factchecks.list(origin="review")) == 1


def test_cli_add_list_stats_check_and_verify(seed_index, tmp_path):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    path = write(tmp_path / "checks.json", json.dumps([TROOPS, {"@type": "ClaimReview"}]))
    added = run("factchecks", "add", path, "--index", seed_index)
    assert added.exit_code == 0
    assert "1 fact-check added, 0 already in the index, 1 skipped" in added.output
    assert "ClaimReview 2: no claim text" in added.output
    listed = run("factchecks", "list", "--index", seed_index)
    assert "Mostly true" in listed.output and "1 of 1 fact-checks shown" in listed.output
    assert (
        json.loads(run("factchecks", "stats", "--index", seed_index, "--json").output)["factchecks"]
        == 1
    )
    shown = run("check", REWORDED, "--index", seed_index)
    assert "Fact-checked before:" in shown.output and TROOPS["url"] in shown.output
    assert shown.output.index("Fact-checked before:") < shown.output.index("Evidence:")
    as_json = json.loads(run("check", REWORDED, "--index", seed_index, "--json").output)
    assert as_json["previously_checked"][0]["url"] == TROOPS["url"]
    claims = write(tmp_path / "claims.csv", f"id,claim\nc1,{REWORDED}\nc2,The sky is green\n")
    out = tmp_path / "results.csv"
    assert run("verify", claims, "-o", out, "--index", seed_index, "--quiet").exit_code == 0
    rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["c1"]["previously_checked_url"] == TROOPS["url"]
    assert rows["c2"]["previously_checked"] == ""
    missing = run("factchecks", "remove", "42", "--index", seed_index)
    assert missing.exit_code == 1 and "No fact-check with id 42" in missing.output


def test_reviews_exported_as_claimreview_import_elsewhere(wb, tmp_path, seed_index_master):
    ReviewStore(wb.db_path).save(claim="Armenia has no military presence in Karabakh",
                                 reviewer="ana", final_verdict="SUPPORTED")  # fmt: skip
    exported = tmp_path / "export.json"
    ReviewStore(wb.db_path).export_claimreview(exported)
    other = tmp_path / "other"
    other.mkdir()
    with Workbench.open(other / "index") as elsewhere:
        report = elsewhere.factchecks.add([exported])[0]
        assert report.added == 1 and not report.problems
        assert elsewhere.factchecks.find(REWORDED)[0].claim.startswith("Armenia has no")

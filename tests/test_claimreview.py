"""The ClaimReview export against Google's fact-check field list, the publisher setting, the
reviewer's own stance per card, and the schema 3 migration of an existing reviews database."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from workbench import Workbench
from workbench.cli import main
from workbench.reviews.migrations import REVIEW_MIGRATIONS
from workbench.reviews.store import (
    RATING_BEST,
    RATING_WORST,
    JudgedEvidence,
    Publisher,
    ReviewError,
    ReviewStore,
    to_claimreview,
)
from workbench.storage.migrations import migrate_component

CLAIM = "The ceasefire took effect at 18:00 local time."
BASE_URL = "https://factcheck.example.org"

# The fields Google Search Central's "Fact check (ClaimReview) structured data" page
# (developers.google.com/search/docs/appearance/structured-data/factcheck) requires or
# recommends, as JSON paths into one exported ClaimReview. ClaimReview: claimReviewed,
# reviewRating and url required; author, datePublished, itemReviewed recommended. Rating:
# alternateName required; ratingValue, bestRating, worstRating recommended. Claim (the
# itemReviewed): appearance, author, datePublished recommended. (firstAppearance is left out on
# purpose: a review knows where the claim appeared, not where it appeared first.)
GOOGLE_FIELDS = [
    "claimReviewed",
    "reviewRating.ratingValue",
    "reviewRating.bestRating",
    "reviewRating.worstRating",
    "reviewRating.alternateName",
    "url",
    "author.@type",
    "author.name",
    "publisher.name",
    "datePublished",
    "itemReviewed.@type",
    "itemReviewed.appearance",
    "itemReviewed.datePublished",
    "itemReviewed.author.name",
]


def _card(n: int, judgment: str | None, stance_override: str | None = None) -> dict:
    return {
        "doc_id": f"doc{n}",
        "title": f"Report {n}",
        "date": "2023-11-13",
        "source": f"https://news.example.org/{n}",
        "sentence": f"Sentence {n}.",
        "start": 10 * n,
        "end": 10 * n + 11,
        "stance": "refutes",
        "p_supports": 0.05,
        "p_refutes": 0.9,
        "p_neutral": 0.05,
        "judgment": judgment,
        "stance_override": stance_override,
    }


# one card per judgment: agree and disagree are kept, irrelevant and unjudged are not
EVIDENCE = [
    _card(1, "agree"),
    _card(2, "disagree", "supports"),
    _card(3, "irrelevant"),
    _card(4, None, "neutral"),
]


def _get(doc: dict, path: str):
    value = doc
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, f"{path} is missing"
        value = value[part]
    return value


@pytest.fixture()
def store(tmp_path):
    return ReviewStore(tmp_path / "index.sqlite")


def save(store, **kw):
    args = {
        "claim": CLAIM,
        "reviewer": "Ana",
        "final_verdict": "REFUTED",
        "machine_verdict": "SUPPORTED",
        "machine_confidence": 0.6,
        "evidence": EVIDENCE,
        "note": "13:00, not 18:00",
        "claim_id": "k07",
        "claim_date": "2023-11-20",
        "claim_source": "https://social.example.org/post/1",
        "claim_author": "A. Spokesperson",
        "created_at": "2024-05-02T10:00:00Z",
    }
    args.update(kw)
    return store.save(**args)


def _export(store, tmp_path) -> list[dict]:
    out = tmp_path / "claimreview.jsonld"
    store.export_claimreview(out)
    return json.loads(out.read_text(encoding="utf-8"))


def test_export_with_a_publisher_has_every_google_field(store, tmp_path):
    publisher = store.set_publisher(name="Fact Desk", url=BASE_URL + "/")
    assert publisher == Publisher("Fact Desk", BASE_URL) and publisher.notice() == ""
    review = save(store)
    (doc,) = _export(store, tmp_path)
    for path in GOOGLE_FIELDS:
        assert _get(doc, path) not in (None, "", [], {}), path
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "ClaimReview"
    assert doc["url"] == f"{BASE_URL}/reviews/{review.review_id}"
    assert doc["claimReviewed"] == CLAIM
    # author: the organisation publishing the fact check; the reviewer is its creator
    desk = {"@type": "Organization", "name": "Fact Desk", "url": BASE_URL}
    assert doc["author"] == doc["publisher"] == desk
    assert doc["creator"] == {"@type": "Person", "name": "Ana"}
    assert date.fromisoformat(doc["datePublished"]) == date(2024, 5, 2)
    rating = doc["reviewRating"]
    assert (rating["worstRating"], rating["bestRating"]) == (RATING_WORST, RATING_BEST)
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert (rating["ratingValue"], rating["alternateName"]) == (1, "False")
    item = doc["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2023-11-20"
    assert item["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://social.example.org/post/1",
    }
    assert item["author"] == {"@type": "Person", "name": "A. Spokesperson"}
    assert doc["identifier"] == "k07" and doc["reviewBody"] == "13:00, not 18:00"


def test_export_without_a_publisher_leaves_url_out_and_says_how_to_set_it(
    store, tmp_path, monkeypatch
):
    save(store, claim_source=None, claim_author=None)
    (doc,) = _export(store, tmp_path)
    assert "url" not in doc and "publisher" not in doc and "creator" not in doc
    assert doc["author"] == {"@type": "Person", "name": "Ana"}  # the reviewer, as before
    # no source or author of the claim known: left out, not made up
    assert "appearance" not in doc["itemReviewed"] and "author" not in doc["itemReviewed"]
    notice = store.publisher().notice()
    assert "no url" in notice and "workbench reviews publisher --name NAME --url URL" in notice
    assert notice.count(". ") == 0 and notice.endswith(".") and "\n" not in notice
    # a base url alone gives the url; the notice then asks only for the name
    store.set_publisher(url=BASE_URL)
    (doc,) = _export(store, tmp_path)
    assert doc["url"].startswith(BASE_URL + "/reviews/") and doc["author"]["@type"] == "Person"
    assert "--name NAME" in store.publisher().notice() and "--url" not in (
        store.publisher().notice()
    )


def test_cli_export_and_publisher_command(tmp_path):
    folder = tmp_path / "index"
    with Workbench.open(folder) as wb:
        save(ReviewStore(wb.db_path), claim_source=None)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    export = run("reviews", "export", "--index", folder, "--format", "claimreview")
    assert export.exit_code == 0 and "url" not in json.loads(export.stdout)[0]
    lines = export.stderr.strip().splitlines()
    assert lines[0].startswith("Exported 1 reviewed claim to stdout")
    assert len(lines) == 2 and "workbench reviews publisher --name NAME --url URL" in lines[1]
    # the JSONL export has nothing to say about the publisher
    jsonl = run("reviews", "export", "--index", folder)
    assert len(jsonl.stderr.strip().splitlines()) == 1

    shown = run("reviews", "publisher", "--index", folder)
    assert shown.exit_code == 0 and "Publisher: (not set)" in shown.stdout
    set_ = run("reviews", "publisher", "--index", folder, "--name", "Fact Desk", "--url", BASE_URL)
    assert set_.exit_code == 0 and f"{BASE_URL}/reviews/<review id>" in set_.stdout
    assert not set_.stderr
    as_json = run("reviews", "publisher", "--index", folder, "--json")
    assert json.loads(as_json.stdout) == {"name": "Fact Desk", "url": BASE_URL}
    bad = run("reviews", "publisher", "--index", folder, "--url", "factcheck.example.org")
    assert bad.exit_code == 1 and "is not a web address" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    export = run("reviews", "export", "--index", folder, "--format", "claimreview")
    (doc,) = json.loads(export.stdout)
    assert doc["url"] == f"{BASE_URL}/reviews/1" and doc["author"]["name"] == "Fact Desk"
    assert len(export.stderr.strip().splitlines()) == 1
    cleared = run("reviews", "publisher", "--index", folder, "--name", "")
    assert json.loads(run("reviews", "publisher", "--index", folder, "--json").stdout) == {
        "name": "",
        "url": BASE_URL,
    }
    assert "--name NAME" in cleared.stderr


def test_only_the_evidence_the_reviewer_kept_is_cited(store):
    cited = to_claimreview(save(store))["itemReviewed"]["citation"]
    assert [c["identifier"] for c in cited] == ["doc1", "doc2"]  # agree, disagree
    assert [c["url"] for c in cited] == ["https://news.example.org/1", "https://news.example.org/2"]
    unjudged = save(store, evidence=[_card(3, "irrelevant"), _card(4, None)])
    assert "citation" not in to_claimreview(unjudged)["itemReviewed"]


def test_stance_override_round_trips_through_save_and_jsonl(store, tmp_path):
    review = save(store)
    assert [e.stance_override for e in review.evidence] == [None, "supports", None, "neutral"]
    assert all(isinstance(e, JudgedEvidence) for e in review.evidence)
    assert [e.stance for e in review.evidence] == ["refutes"] * 4  # the machine's, kept beside
    out = tmp_path / "reviews.jsonl"
    assert store.export_jsonl(out) == 1
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["stance_override"] for e in row["evidence"]] == [None, "supports", None, "neutral"]
    assert row["claim_source"] == "https://social.example.org/post/1"
    # an evidence object saved again keeps it; an empty choice is no override
    again = save(store, evidence=[review.evidence[1], {**_card(5, "agree", "")}])
    assert [e.stance_override for e in again.evidence] == ["supports", None]


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"evidence": [_card(1, "agree", "maybe")]}, "stance set by the reviewer must be one of"),
        ({"evidence": [_card(1, "agree", "not scored")]}, "stance set by the reviewer"),
        ({"claim_source": "a\nb"}, "claim source must be one line"),
    ],
)
def test_bad_overrides_are_refused_and_nothing_is_written(store, kw, message):
    with pytest.raises(ReviewError, match=message):
        save(store, **kw)
    assert store.reviewed_claims() == []


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"url": "ftp://example.org"}, "not a web address"),
        ({"url": "https://"}, "not a web address"),
        ({"url": "https://a b.org"}, "not a web address"),
        ({"name": "Fact\nDesk"}, "one line"),
        ({"name": "x" * 201}, "over the 200-character limit"),
    ],
)
def test_bad_publisher_settings_are_refused(store, kw, message):
    with pytest.raises(ReviewError, match=message):
        store.set_publisher(**kw)
    assert store.publisher() == Publisher()


def test_publisher_settings_are_append_only(store):
    store.set_publisher(name="Fact Desk", url=BASE_URL)
    store.set_publisher(name="Fact Desk")  # unchanged: no new row
    store.set_publisher(name="Fact Desk 2")
    con = sqlite3.connect(store.db_path)
    try:
        rows = con.execute("SELECT key, value FROM review_setting ORDER BY setting_id").fetchall()
        assert rows == [
            ("publisher_name", "Fact Desk"),
            ("publisher_url", BASE_URL),
            ("publisher_name", "Fact Desk 2"),
        ]
        for sql in ("UPDATE review_setting SET value = 'x'", "DELETE FROM review_setting"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
    finally:
        con.close()
    assert store.publisher() == Publisher("Fact Desk 2", BASE_URL)


def test_a_schema_2_database_is_migrated_and_its_reviews_stay_readable(tmp_path):
    db = tmp_path / "v2.sqlite"
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN")
    migrate_component(con, "reviews", REVIEW_MIGRATIONS[:2], db)  # the previous schema only
    con.execute("COMMIT")
    con.execute(
        "INSERT INTO review (claim_key, claim, claim_id, claim_date, reviewer, created_at, "
        "machine_verdict, machine_confidence, final_verdict, note) VALUES "
        "(lower(?), ?, 'k07', '2023-11-20', 'Ana', '2024-01-01T00:00:00Z', 'SUPPORTED', 0.6, "
        "'REFUTED', 'old note')",
        (CLAIM, CLAIM),
    )
    con.executemany(
        'INSERT INTO review_evidence (review_id, position, doc_id, start, "end", sentence, '
        "source, stance, judgment, context, score) VALUES (1, ?, ?, 0, 5, 'Hello', ?, "
        "'refutes', ?, 'Hi. Hello.', 0.8)",
        [(0, "seed", "https://news.example.org/1", "agree"), (1, "other", None, None)],
    )
    columns = {r[1] for r in con.execute("PRAGMA table_info(review_evidence)")}
    assert "stance_override" not in columns
    con.close()

    store = ReviewStore(db)
    (old,) = store.history(CLAIM)
    assert (old.reviewer, old.final_verdict, old.note) == ("Ana", "REFUTED", "old note")
    assert old.claim_source is None and old.claim_author is None
    assert [e.judgment for e in old.evidence] == ["agree", None]
    assert [e.stance_override for e in old.evidence] == [None, None]
    assert old.evidence[0].context == "Hi. Hello." and old.evidence[0].score == 0.8
    (doc,) = _export(store, tmp_path)
    assert doc["claimReviewed"] == CLAIM and "url" not in doc
    assert [c["identifier"] for c in doc["itemReviewed"]["citation"]] == ["seed"]
    # the new schema works on the migrated database, and history stays append-only
    store.set_publisher(name="Fact Desk", url=BASE_URL)
    new = save(store, evidence=[_card(1, "disagree", "supports")])
    assert new.supersedes == old.review_id and new.evidence[0].stance_override == "supports"
    con = sqlite3.connect(db)
    try:
        version = con.execute("SELECT version FROM schema_versions WHERE component = 'reviews'")
        assert version.fetchone()[0] == len(REVIEW_MIGRATIONS) == 3
        for sql in (
            "UPDATE review SET note = 'x'",
            "DELETE FROM review",
            "UPDATE review_evidence SET stance_override = 'refutes'",
            "DELETE FROM review_evidence",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
    finally:
        con.close()
    assert [r.note for r in store.history(CLAIM)] == ["old note", "13:00, not 18:00"]


def test_the_script_api_takes_stance_overrides_and_the_claims_source(store):
    from types import SimpleNamespace

    from workbench.ui import api as ui_api

    app = SimpleNamespace(reviews=store)  # save_review only needs the app's ReviewStore
    saved = ui_api.save_review(
        app, CLAIM, "Ana", "REFUTED", evidence=[_card(1, "agree", "refutes")],
        claim_source="https://social.example.org/post/1", claim_author="A. Spokesperson",
    )  # fmt: skip
    assert saved["evidence"][0]["stance_override"] == "refutes"
    assert (saved["claim_source"], saved["claim_author"]) == (
        "https://social.example.org/post/1",
        "A. Spokesperson",
    )

"""Review records on a real SQLite file: append-only history, filters, exports."""

import json
import sqlite3

import pytest

from workbench.reviews.store import (
    RATING_BEST,
    RATING_WORST,
    ReviewError,
    ReviewStore,
    claim_key,
    to_claimreview,
)

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
    },
    {
        "doc_id": "web1",
        "title": "Other",
        "date": None,
        "source": "https://example.org/a",
        "sentence": "Unrelated.",
        "start": 0,
        "end": 10,
        "stance": "neutral",
        "judgment": "irrelevant",
    },
]


@pytest.fixture()
def store(tmp_path):
    db = tmp_path / "index.sqlite"
    # An existing database with someone else's table, as the engine's would be.
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE documents (doc_id TEXT PRIMARY KEY)")
    con.execute("INSERT INTO documents VALUES ('seed')")
    con.commit()
    con.close()
    return ReviewStore(db)


def save(store, **kw):
    args = {
        "claim": "The ceasefire took effect at 18:00 local time.",
        "reviewer": "Ana",
        "final_verdict": "REFUTED",
        "machine_verdict": "CONFLICTING",
        "machine_confidence": 0.7,
        "evidence": EVIDENCE,
        "note": "13:00, not 18:00",
    }
    args.update(kw)
    return store.save(**args)


def test_save_and_read_back(store):
    r = save(store)
    assert r.review_id >= 1
    assert r.reviewer == "Ana"
    assert r.final_verdict == "REFUTED"
    assert r.machine_verdict == "CONFLICTING"
    assert r.created_at.endswith("Z")
    assert [e.evidence_id for e in r.evidence] == ["seed:100-152", "web1:0-10"]
    assert [e.judgment for e in r.evidence] == ["agree", "irrelevant"]
    assert r.supersedes is None
    # the engine's table is untouched and the DB is in WAL mode
    con = sqlite3.connect(store.db_path)
    assert con.execute("SELECT doc_id FROM documents").fetchall() == [("seed",)]
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_new_review_supersedes_and_history_stays(store):
    first = save(store)
    second = save(
        store,
        claim="  the CEASEFIRE took effect at 18:00 local time. ",
        reviewer="Bo",
        final_verdict="CONFLICTING",
        note="",
    )
    assert second.supersedes == first.review_id
    hist = store.history("The ceasefire took effect at 18:00 local time.")
    assert [h.review_id for h in hist] == [first.review_id, second.review_id]
    assert hist[0].final_verdict == "REFUTED"  # the first review is unchanged
    assert store.latest("the ceasefire took effect at 18:00 local time.").reviewer == "Bo"
    latest = store.reviewed_claims()
    assert len(latest) == 1 and latest[0].review_id == second.review_id
    assert latest[0].n_reviews == 2


def test_reviews_cannot_be_overwritten(store):
    r = save(store)
    con = sqlite3.connect(store.db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE review SET final_verdict='SUPPORTED' WHERE review_id=?", (r.review_id,))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM review_evidence")
    con.close()
    assert store.get(r.review_id).final_verdict == "REFUTED"


def test_reopening_keeps_reviews(store):
    save(store)
    again = ReviewStore(store.db_path)
    assert len(again.reviewed_claims()) == 1


def test_filters(store):
    save(store)
    save(
        store,
        claim="Yerevan denies military presence in Karabakh",
        reviewer="Bo",
        final_verdict="SUPPORTED",
        machine_verdict="SUPPORTED",
    )
    save(
        store,
        claim="Turkey supported Azerbaijan",
        reviewer="ana",
        final_verdict="SUPPORTED",
        machine_verdict="NOT_ENOUGH_INFO",
        evidence=[],
    )
    assert len(store.reviewed_claims()) == 3
    assert {r.claim for r in store.reviewed_claims(reviewer="ANA")} == {
        "The ceasefire took effect at 18:00 local time.",
        "Turkey supported Azerbaijan",
    }
    assert [r.claim for r in store.reviewed_claims(verdict="REFUTED")] == [
        "The ceasefire took effect at 18:00 local time."
    ]
    assert [r.claim for r in store.reviewed_claims(text="yerevan")] == [
        "Yerevan denies military presence in Karabakh"
    ]
    assert len(store.reviewed_claims(disagrees_with_machine=True)) == 2
    assert sorted(store.reviewers()) == ["Ana", "Bo", "ana"]


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"reviewer": " "}, "reviewer name"),
        ({"claim": ""}, "no claim"),
        ({"final_verdict": "TRUE"}, "final verdict"),
        ({"evidence": [{"doc_id": "x", "start": 0, "end": 1, "judgment": "maybe"}]}, "judgment"),
        ({"evidence": [{"doc_id": "x"}]}, "doc_id, start and end"),
    ],
)
def test_invalid_reviews_are_refused_and_nothing_is_written(store, kw, message):
    with pytest.raises(ReviewError, match=message):
        save(store, **kw)
    assert store.reviewed_claims() == []


def test_export_jsonl(store, tmp_path):
    save(store)
    save(store, final_verdict="CONFLICTING")
    save(store, claim="Another claim", final_verdict="NOT_ENOUGH_INFO", evidence=[])
    out = tmp_path / "reviews.jsonl"
    assert store.export_jsonl(out) == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["claim"] for r in rows] == [
        "Another claim",
        "The ceasefire took effect at 18:00 local time.",
    ]
    assert rows[1]["final_verdict"] == "CONFLICTING"
    assert rows[1]["n_reviews"] == 2
    assert rows[1]["evidence"][0]["evidence_id"] == "seed:100-152"


def test_export_claimreview(store, tmp_path):
    save(store, claim_date="2023-09-20")
    out = tmp_path / "reviews.jsonld"
    assert store.export_claimreview(out) == 1
    docs = json.loads(out.read_text())
    assert isinstance(docs, list) and len(docs) == 1
    d = docs[0]
    assert d["@context"] == "https://schema.org"
    assert d["@type"] == "ClaimReview"
    assert d["claimReviewed"] == "The ceasefire took effect at 18:00 local time."
    assert len(d["datePublished"]) == 10
    assert d["author"] == {"@type": "Person", "name": "Ana"}
    rating = d["reviewRating"]
    assert rating["worstRating"] == RATING_WORST == 1
    assert rating["bestRating"] == RATING_BEST == 5
    assert rating["ratingValue"] == 1 and rating["alternateName"] == "False"
    item = d["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2023-09-20"
    # only the evidence the reviewer kept is cited: irrelevant evidence is left out
    assert [c["name"] for c in item["citation"]] == ["Karabakh ceasefire"]
    assert item["citation"][0]["datePublished"] == "2023-11-13"
    assert d["reviewBody"] == "13:00, not 18:00"


@pytest.mark.parametrize(
    "verdict, value, name",
    [
        ("SUPPORTED", 5, "True"),
        ("REFUTED", 1, "False"),
        ("CONFLICTING", 3, "Mixed evidence"),
        ("NOT_ENOUGH_INFO", 3, "Unproven"),
    ],
)
def test_rating_scale(store, verdict, value, name):
    rating = to_claimreview(save(store, final_verdict=verdict))["reviewRating"]
    assert (rating["ratingValue"], rating["alternateName"]) == (value, name)


def test_claim_key_folds_case_space_and_width():
    assert claim_key("  Yerevan\u00a0DENIES  x ") == claim_key("yerevan denies x")


def test_review_tables_have_their_own_schema_version(tmp_path):
    import sqlite3

    from workbench.errors import WorkbenchError
    from workbench.reviews.migrations import REVIEW_MIGRATIONS, m001_initial

    db = tmp_path / "legacy.db"
    con = sqlite3.connect(db)
    con.executescript(m001_initial.SQL)  # a database from before versions were recorded
    con.close()
    store = ReviewStore(db)
    store.save(claim="c", reviewer="r", final_verdict="SUPPORTED")
    con = sqlite3.connect(db)
    version = con.execute("SELECT version FROM schema_versions WHERE component = 'reviews'")
    assert version.fetchone()[0] == len(REVIEW_MIGRATIONS)
    con.execute("UPDATE schema_versions SET version = 99 WHERE component = 'reviews'")
    con.commit()
    con.close()
    with pytest.raises(WorkbenchError, match="newer than this workbench supports"):
        ReviewStore(db)
    con = sqlite3.connect(db)  # refused, not touched: the review is still there
    assert con.execute("SELECT count(*) FROM review").fetchone()[0] == 1
    con.close()


def test_reviewed_evidence_is_the_evidence_model(store):
    from workbench.model.evidence import Evidence, ReviewedEvidence

    shown = Evidence(
        "seed", "Karabakh ceasefire", "2023-11-13", "index/sources/seed.txt",
        "The ceasefire went into effect at 13:00 local time.", 100, 152,
        "Talks ended. The ceasefire went into effect at 13:00 local time. Both sides agreed.",
        "refutes", 0.05, 0.9, 0.05, 0.9,
    )  # fmt: skip
    review = save(store, evidence=[shown, {**shown.to_dict(), "judgment": "agree"}])
    first, second = store.get(review.review_id).evidence
    assert isinstance(first, ReviewedEvidence) and isinstance(first, Evidence)
    assert first.judgment is None and second.judgment == "agree"
    for item in (first, second):  # everything the reviewer saw is kept, context and score too
        added = ("judgment", "stance_override")  # the reviewer's own, on top of what they saw
        assert {k: v for k, v in item.to_dict().items() if k not in added} == shown.to_dict()
        assert item.stance_override is None
        assert item.evidence_id == shown.evidence_id == "seed:100-152"


def test_reviews_from_schema_1_are_migrated(tmp_path):
    from workbench.reviews.migrations import m001_initial

    db = tmp_path / "v1.db"
    con = sqlite3.connect(db)
    con.executescript(m001_initial.SQL)
    con.execute(
        "INSERT INTO review (claim_key, claim, reviewer, created_at, final_verdict) "
        "VALUES ('c', 'c', 'Ana', '2024-01-01T00:00:00Z', 'SUPPORTED')"
    )
    con.execute(
        'INSERT INTO review_evidence (review_id, position, doc_id, start, "end", sentence, '
        "judgment) VALUES (1, 0, 'seed', 0, 5, 'Hello', 'agree')"
    )
    con.commit()
    con.close()
    (old,) = ReviewStore(db).history("c")
    assert old.evidence[0].evidence_id == "seed:0-5" and old.evidence[0].judgment == "agree"
    assert old.evidence[0].context is None and old.evidence[0].score is None

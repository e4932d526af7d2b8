"""Stage 5: hybrid retrieval, safe BM25 queries, fusion and context."""

from __future__ import annotations

import pytest

from workbench import Workbench
from workbench.pipeline.fusion import rrf
from workbench.pipeline.retrieve import fts_query
from workbench.storage.store import Store

from .conftest import SEED_CLAIM, YEREVAN_TAIL


def test_seed_claim_finds_the_yerevan_sentence_top3(seed_index_master):
    with Workbench.open(seed_index_master) as wb:
        hits = wb.search(SEED_CLAIM, top_k=3)
        document = wb.document(hits[0].doc_id)
    assert any(h.sentence.endswith(YEREVAN_TAIL) for h in hits)
    top = next(h for h in hits if h.sentence.endswith(YEREVAN_TAIL))
    assert document.text[top.start : top.end] == top.sentence
    assert top.dense_rank is not None and top.bm25_rank is not None
    assert top.title and top.date == "2023-11-13" and top.source.endswith(".txt")


def test_context_has_neighbouring_sentences(seed_index_master):
    with Workbench.open(seed_index_master) as wb:
        top = wb.search(SEED_CLAIM, top_k=1)[0]
        text = wb.document(top.doc_id).text
    assert top.sentence in top.context
    assert top.context.startswith("The ceasefire went into effect")
    assert top.context.endswith("Karabakh's Armenian representatives.")
    assert top.context in text


@pytest.mark.parametrize(
    "claim",
    [
        '"unbalanced quote',
        "AND OR NOT NEAR",
        "col:umn * ^ - + ( ) { } [ ]",
        "it's 50% off!",
        "Ünïcödé façade — dash",
        "_",
        "SELECT * FROM x; --",
        "NEAR(a b, 3)",
    ],
)
def test_bm25_never_raises_on_punctuation(seed_index_master, claim):
    store = Store(seed_index_master, create=False)
    try:
        store.search_bm25(fts_query(claim), 5)
    finally:
        store.close()


def test_fts_query_quotes_and_drops_stopwords():
    assert fts_query('The "army" of Azerbaijan AND peace!') == '"army" OR "azerbaijan" OR "peace"'
    assert fts_query("the of a") == ""


def test_rrf():
    scores = rrf([[1, 2, 3], [3, 1]], k=60)
    assert max(scores, key=scores.get) in (1, 3)
    assert scores[1] == pytest.approx(1 / 61 + 1 / 62)
    assert scores[2] == pytest.approx(1 / 62)


def test_date_filter_excludes_later_documents(seed_index_master):
    with Workbench.open(seed_index_master) as wb:
        assert wb.search(SEED_CLAIM, top_k=3, date="2023-11-13")
        assert wb.search(SEED_CLAIM, top_k=3, date="2023-01-01") == []


def test_empty_index_returns_nothing(tmp_path, embedder):
    with Workbench.open(tmp_path / "ix") as wb:
        assert wb.search("anything", top_k=5) == []

"""BM25 engines (storage/text/): FTS5 and bm25s rank alike; bm25s files are a cache of SQLite.

Real SQLite, real bm25s, the real seed index; the size crossover is lowered so a small index
uses the large-corpus engine.
"""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest

from workbench import Workbench
from workbench.storage.store import Store
from workbench.storage.text import bm25, cache, factory, tokens
from workbench.storage.text.bm25 import BM25S
from workbench.storage.text.fts5 import search_fts5

from .conftest import ROOT, SEED_CLAIM, YEREVAN_TAIL

CLAIMS = [row["claim"] for row in csv.DictReader(open(ROOT / "claims" / "karabakh.csv"))]


@pytest.fixture
def large(monkeypatch):
    """Every index counts as large: the bm25s engine with its own files."""
    monkeypatch.setattr(factory, "CROSSOVER", 1)


def test_tokens_are_fts5_unicode61_tokens():
    assert tokens("Café au lait, naïve_x 2023! ÉTÉ") == [
        "cafe",
        "au",
        "lait",
        "naive",
        "x",
        "2023",
        "ete",
    ]


def test_bm25s_ranks_like_fts5(seed_index):
    """Same tokens, same k1 and b: the top sentences agree with SQLite's own bm25()."""
    store = Store(seed_index, create=False)
    try:
        engine = BM25S().build(store.db)
        overlap, first = [], 0
        for claim in CLAIMS:
            ours = [i for i, _ in engine.search(store.db, claim, 5)]
            sqlite = [i for i, _ in search_fts5(store.db, claim, 5)]
            assert ours and sqlite
            overlap.append(len(set(ours) & set(sqlite)) / len(sqlite))
            first += ours[0] == sqlite[0]
        assert np.mean(overlap) >= 0.8 and first >= 0.8 * len(CLAIMS)
        assert engine.search(store.db, "zzzz qqqq", 5) == []
        assert engine.search(store.db, "the of and", 5) == []  # stopwords only
    finally:
        store.close()


def test_small_index_uses_fts5_without_files(seed_index):
    with Workbench.open(seed_index) as wb:
        hits = wb.search(SEED_CLAIM, top_k=3)
        assert wb.stats()["text_index"]["type"] == "fts5"
    assert any(YEREVAN_TAIL in h.sentence for h in hits)
    assert not (seed_index / cache.TEXT_DIR).exists()


def test_large_index_saves_bm25s_files_and_reloads_them(seed_index, large, monkeypatch):
    with Workbench.open(seed_index) as wb:
        wb.add_records([{"id": "extra", "title": "Extra", "text": "Zebras graze at dawn."}])
        assert wb.stats()["text_index"]["type"] == "bm25s"
    folder = seed_index / cache.TEXT_DIR
    assert (folder / bm25.IDS_FILE).exists()

    def no_build(self, conn):
        raise AssertionError("the saved files should have been loaded, not rebuilt")

    monkeypatch.setattr(BM25S, "build", no_build)
    with Workbench.open(seed_index) as wb:
        assert any(YEREVAN_TAIL in h.sentence for h in wb.search(SEED_CLAIM, top_k=3))
        assert wb.search("zebras graze", top_k=1)[0].doc_id == "extra"


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_bm25s_files_are_rebuilt_from_sqlite(seed_index, large, damage):
    """Like the FAISS file: a reader rebuilds in memory (writes nothing), the next write saves."""
    with Workbench.open(seed_index) as wb:
        wb.add_records([{"id": "extra", "title": "Extra", "text": "Zebras graze at dawn."}])
    folder = seed_index / cache.TEXT_DIR
    if damage == "missing":
        shutil.rmtree(folder)
    else:
        (folder / bm25.IDS_FILE).write_bytes(b"not numpy")
    with Workbench.open(seed_index) as wb:
        assert wb.search("zebras graze", top_k=1)[0].doc_id == "extra"
    assert damage == "corrupt" or not folder.exists()  # reading never writes
    with Workbench.open(seed_index) as wb:  # the writer repairs the files before it writes
        wb.add_records([{"id": "more", "title": "More", "text": "Owls hunt at night."}])
        assert wb.search("owls hunt", top_k=1)[0].doc_id == "more"
    ids = np.load(folder / bm25.IDS_FILE)
    store = Store(seed_index, create=False)
    try:
        stored = [r[0] for r in store.db.execute("SELECT id FROM sentences ORDER BY id")]
    finally:
        store.close()
    assert ids.tolist() == stored[:-1]  # the new sentence: within DELTA, found through FTS5


def test_added_and_removed_sentences_between_builds(seed_index, large, monkeypatch):
    """Within DELTA the files are kept: new sentences come from FTS5, removed ones never show."""
    with Workbench.open(seed_index) as wb:
        wb.add_records([{"id": "old", "title": "Old", "text": "Zebras graze at dawn."}])
    built = np.load(seed_index / cache.TEXT_DIR / bm25.IDS_FILE)
    monkeypatch.setattr(cache, "DELTA", 1.0)
    with Workbench.open(seed_index) as wb:
        wb.add_records([{"id": "new", "title": "New", "text": "Zebras sleep standing up."}])
        assert wb.remove("old")
        assert np.array_equal(np.load(seed_index / cache.TEXT_DIR / bm25.IDS_FILE), built)
        found = [h.doc_id for h in wb.search("zebras", top_k=5)]
        assert "new" in found and "old" not in found
        assert wb.stats()["text_index"]["added_since_build"] == 1
    monkeypatch.setattr(cache, "DELTA", 0.0)  # now any change rebuilds at the next write
    with Workbench.open(seed_index) as wb:
        wb.add_records([{"id": "owl", "title": "Owl", "text": "Owls hunt at night."}])
        assert wb.stats()["text_index"]["added_since_build"] == 0
        assert [h.doc_id for h in wb.search("zebras", top_k=5)][:1] == ["new"]


def test_below_the_crossover_again_the_files_go(seed_index, large, monkeypatch):
    with Workbench.open(seed_index) as wb:
        wb.add_records([{"id": "extra", "title": "Extra", "text": "Zebras graze at dawn."}])
    assert (seed_index / cache.TEXT_DIR).exists()
    monkeypatch.setattr(factory, "CROSSOVER", 10**9)
    with Workbench.open(seed_index) as wb:
        assert wb.remove("extra")
        assert wb.stats()["text_index"]["type"] == "fts5"
    assert not (seed_index / cache.TEXT_DIR).exists()

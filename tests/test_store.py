"""Stage 4: SQLite + FAISS persistence, atomicity and clear errors for people."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from workbench import Workbench, WorkbenchError
from workbench.storage.store import SCHEMA_VERSION, Store
from workbench.storage.vector_cache import VectorCache

from .conftest import ROOT, SEED_DIR


def test_layout_and_manifest(seed_index):
    assert {p.name for p in seed_index.iterdir()} >= {
        "workbench.db",
        "vectors.faiss",
        "manifest.json",
    }
    manifest = json.loads((seed_index / "manifest.json").read_text())
    assert manifest["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384
    assert manifest["index"]["type"] == "flat"
    assert manifest["documents"] == 1 and manifest["sentences"] == manifest["vectors"] == 19
    conn = sqlite3.connect(seed_index / "workbench.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "sentences", "sentences_fts"} <= tables


def test_embeddings_stored_in_sqlite_match_faiss(seed_index):
    store = Store(seed_index, create=False)
    ann = store.ann
    ids = list(range(1, 20))
    stored = store.embeddings(ids)
    assert len(stored) == 19
    vec = stored[5]
    assert np.isclose(np.linalg.norm(vec), 1.0, atol=1e-5)
    assert ann.search(vec[None, :], 1)[1][0, 0] == 5
    store.close()


def _files(index_dir) -> dict[str, tuple[int, int]]:
    """Name -> (size, mtime) of the index folder's files, less SQLite's own WAL files (opening
    a WAL database creates them empty)."""
    return {
        p.name: (p.stat().st_size, p.stat().st_mtime_ns)
        for p in index_dir.iterdir()
        if p.is_file() and not p.name.endswith(("-shm", "-wal"))
    }


@pytest.mark.parametrize("damage", ["missing", "corrupt", "stale"])
def test_faiss_file_is_rebuilt(seed_index, damage):
    path = seed_index / "vectors.faiss"
    if damage == "missing":
        path.unlink()
    elif damage == "corrupt":
        path.write_bytes(b"garbage")
    else:
        manifest = json.loads((seed_index / "manifest.json").read_text())
        manifest["generation"] = -5
        (seed_index / "manifest.json").write_text(json.dumps(manifest))
    before = _files(seed_index)
    with Workbench.open(seed_index) as wb:
        hits = wb.search("Yerevan denies military presence in Karabakh", top_k=3)
        assert hits and "Yerevan" in hits[0].sentence  # rebuilt in memory ...
        assert _files(seed_index) == before  # ... and reading wrote nothing
        wb.add([])  # the writer path repairs the file
    assert path.exists() and path.stat().st_size > 1000
    with Workbench.open(seed_index) as wb:
        wb.search("ceasefire", top_k=1)
        assert wb.store.vectors.loaded is not None and wb.store.vectors._saved  # loaded as is


def test_check_with_missing_faiss_file_writes_nothing(seed_index, monkeypatch):
    (seed_index / "vectors.faiss").unlink()
    before = _files(seed_index)

    def no_writes(self):
        raise AssertionError("a read saved the vector index")

    monkeypatch.setattr(VectorCache, "save", no_writes)
    with Workbench.open(seed_index) as wb:
        result = wb.check("Yerevan denies military presence in Karabakh", top_k=3)
        assert "Yerevan" in result.evidence[0].sentence
        assert wb.store.ann.count() == 19
    assert _files(seed_index) == before


def test_missing_manifest_is_regenerated_by_the_next_write(seed_index):
    (seed_index / "manifest.json").unlink()
    with Workbench.open(seed_index) as wb:
        assert wb.search("ceasefire", top_k=1)
        assert not (seed_index / "manifest.json").exists()
        wb.add([])
    assert json.loads((seed_index / "manifest.json").read_text())["vectors"] == 19


def test_model_mismatch_is_a_clear_error(seed_index):
    with pytest.raises(WorkbenchError) as info:
        Workbench.open(seed_index, model="someone/other-model")
    message = str(info.value)
    assert "all-MiniLM-L6-v2" in message and "someone/other-model" in message
    assert "--index" in message


def test_same_model_by_alias_is_fine(seed_index):
    Workbench.open(seed_index, model="all-MiniLM-L6-v2").close()


def test_newer_schema_is_refused(seed_index):
    conn = sqlite3.connect(seed_index / "workbench.db")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(WorkbenchError, match="newer"):
        Workbench.open(seed_index)


def test_corrupt_database_is_a_clear_error(tmp_path):
    (tmp_path / "workbench.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkbenchError, match="corrupt"):
        Workbench.open(tmp_path)


def test_missing_index_without_create(tmp_path):
    with pytest.raises(WorkbenchError, match="No index found"):
        Workbench.open(tmp_path / "nothing", create=False)


def test_add_twice_edit_and_remove(tmp_path, embedder, monkeypatch):
    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The lighthouse was built in 1850. It is white.")
    (docs / "b.md").write_text("# Bees\n\nBees make honey from nectar.")
    with Workbench.open(tmp_path / "ix") as wb:
        first = wb.add("docs")
        assert sorted(first.added) == ["docs/a.txt", "docs/b.md"]
        again = wb.add(["docs"])
        assert again.added == [] and again.updated == [] and len(again.unchanged) == 2
        (docs / "a.txt").write_text("The lighthouse was built in 1851. It is red.")
        edited = wb.add(["docs"])
        assert edited.updated == ["docs/a.txt"] and edited.unchanged == ["docs/b.md"]
        doc = wb.document("docs/a.txt")
        assert "1851" in doc.text and doc.n_sentences == 2
        assert wb.stats()["sentences"] == 2 + 2
        assert not [h for h in wb.search("lighthouse built 1850", top_k=5) if "1850" in h.sentence]
        assert wb.remove("docs/b.md") is True
        assert wb.remove("docs/b.md") is False
        assert [d.doc_id for d in wb.documents()] == ["docs/a.txt"]
        assert all(h.doc_id == "docs/a.txt" for h in wb.search("honey bees", top_k=5))
    with Workbench.open(tmp_path / "ix") as wb:  # reopened from disk
        assert wb.stats()["sentences"] == 2
        assert Store(tmp_path / "ix").ann.count() == 2


def test_same_content_from_another_working_directory_is_a_noop(tmp_path, embedder, monkeypatch):
    ix = tmp_path / "ix"
    with Workbench.open(ix) as wb:
        assert len(wb.add([SEED_DIR]).added) == 1
        monkeypatch.chdir(tmp_path)
        report = wb.add([SEED_DIR])
        assert report.added == [] and len(report.unchanged) == 1


def test_add_records_keeps_ids(tmp_path, embedder):
    with Workbench.open(tmp_path / "ix") as wb:
        report = wb.add_records(
            [
                {
                    "id": "r1",
                    "title": "T",
                    "text": "Alpha beta. Gamma delta.",
                    "date": "2020-01-01",
                },
                {"id": "r2", "text": "Alpha beta. Gamma delta."},
                {"id": "r3", "title": "no text"},
            ]
        )
        assert report.added == ["r1", "r2"] and len(report.errors) == 1
        assert {h.doc_id for h in wb.search("alpha beta", top_k=4)} == {"r1", "r2"}
        assert wb.add_records(
            [{"id": "r1", "title": "T", "text": "Alpha beta. Gamma delta.", "date": "2020-01-01"}]
        ).unchanged == ["r1"]


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from workbench import Workbench
    from workbench.storage.store import Store
    where = sys.argv[2]
    if where == "before-commit":
        original = Store._bump
        def bump(self):
            os.kill(os.getpid(), signal.SIGKILL)
        Store._bump = bump
    else:  # after the SQLite commit, before the FAISS file and manifest are written
        def finish(self):
            os.kill(os.getpid(), signal.SIGKILL)
        Store.finish_vectors = finish
    wb = Workbench.open(sys.argv[1])
    wb.add([sys.argv[3]])
    """
)


@pytest.mark.parametrize("where", ["before-commit", "after-commit"])
def test_sigkill_during_add_keeps_a_working_index(seed_index, tmp_path, where):
    extra = tmp_path / "extra.txt"
    extra.write_text("The museum of glass opened in Tallinn in 1999. Entry is free on Sundays.")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(seed_index), where, str(extra)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with Workbench.open(seed_index) as wb:
        ids = [d.doc_id for d in wb.documents()]
        hits = wb.search("Yerevan denies military presence in Karabakh", top_k=3)
        assert "Yerevan" in hits[0].sentence
        glass = wb.search("museum of glass Tallinn", top_k=1)
        if where == "before-commit":
            assert len(ids) == 1 and "Tallinn" not in glass[0].sentence
        else:
            assert len(ids) == 2 and "Tallinn" in glass[0].sentence
        assert Store(seed_index).ann.count() == wb.stats()["sentences"]

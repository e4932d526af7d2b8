"""Concurrency in the engine: checks are not blocked by a long add, never see a half-added
batch, many threads can check at once, and a second writer's changes reach open readers."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import workbench.indexing as indexing
from workbench import Workbench

from .conftest import SEED_CLAIM

CLAIMS = [
    SEED_CLAIM,
    "The ceasefire took effect at 18:00 local time.",
    "Azerbaijan launched an offensive in Karabakh.",
    "Penguins live in the Sahara desert.",
]


def _docs(folder, n, sentences=8):
    folder.mkdir()
    for i in range(n):
        text = " ".join(
            f"Gauge {i} on the Tellor canal read {j * 3 + i} metres in spring {1950 + j}."
            for j in range(sentences)
        )
        (folder / f"g{i:04d}.txt").write_text(text + "\n")


def _complete(wb: Workbench) -> list[str]:
    """Documents visible to this thread whose sentences are not all there (should be none)."""
    with wb.store.snapshot() as conn:
        rows = conn.execute(
            "SELECT d.doc_id FROM documents d LEFT JOIN sentences s ON s.doc_id = d.doc_id "
            "GROUP BY d.doc_id HAVING count(s.id) != max(d.n_sentences)"
        ).fetchall()
    return [r[0] for r in rows]


def test_checks_go_on_during_a_long_add(seed_index, tiny_stance, tmp_path, monkeypatch):
    monkeypatch.setattr(indexing, "EMBED_CHUNK", 64)  # many commits, as in a big folder
    _docs(tmp_path / "docs", 240)
    with Workbench.open(seed_index, stance_model=str(tiny_stance)) as wb:
        wb.check(SEED_CLAIM, top_k=3)  # models loaded before the race starts
        report = {}
        adder = threading.Thread(target=lambda: report.update(r=wb.add([tmp_path / "docs"])))
        adder.start()
        done_during_add, seen_counts, latencies = 0, set(), []
        try:
            while adder.is_alive():
                t0 = time.perf_counter()
                result = wb.check(CLAIMS[done_during_add % len(CLAIMS)], top_k=3)
                latencies.append(time.perf_counter() - t0)
                assert result.verdict
                assert _complete(wb) == []  # never a half-added document
                seen_counts.add(len(wb.documents()))
                if adder.is_alive():
                    done_during_add += 1
        finally:
            adder.join()
        assert len(report["r"].added) == 240
        assert done_during_add >= 3, "checks waited for the add to finish"
        assert len(seen_counts) >= 2, "readers did not see documents arrive batch by batch"
        hits = wb.search("Gauge 239 on the Tellor canal", top_k=5)
        assert any(h.doc_id.endswith("g0239.txt") for h in hits)


def test_many_threads_check_at_once(seed_index, tiny_stance):
    with Workbench.open(seed_index, stance_model=str(tiny_stance)) as wb:
        expected = {c: wb.check(c, top_k=5).to_dict() for c in CLAIMS}
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(wb.check, CLAIMS[i % 4], None, 5) for i in range(32)]
            results = [f.result(timeout=600) for f in futures]
    for i, result in enumerate(results):
        assert result.to_dict() == expected[CLAIMS[i % 4]]


@pytest.mark.parametrize("change", ["add", "remove"])
def test_another_writer_reaches_open_readers(seed_index, tmp_path, change, embedder):
    doc = tmp_path / "ferrow.txt"
    doc.write_text("The Ferrow lighthouse was automated in 1989.\n")
    with Workbench.open(seed_index) as reader, Workbench.open(seed_index) as writer:
        assert reader.search("Ferrow lighthouse automated", top_k=3)  # vectors loaded
        writer.add([doc])
        if change == "remove":
            assert reader.search("Ferrow lighthouse automated", top_k=1)[0].doc_id.endswith(
                "ferrow.txt"
            )
            assert writer.remove(_doc_id(writer, "ferrow"))
        hits = reader.search("Ferrow lighthouse automated", top_k=3)
        found = any(h.doc_id.endswith("ferrow.txt") for h in hits)
        assert found == (change == "add")
        assert reader.store.ann.count() == reader.store.count_sentences()


def _doc_id(wb: Workbench, part: str) -> str:
    return next(d.doc_id for d in wb.documents() if part in d.doc_id)

"""The Batch tab's chart, filters, open-in-Review and the Corpus tab's per-file progress,
called directly (no browser) over the seed index."""

from __future__ import annotations

import pytest

from workbench.ui.render import CONFIDENCE_BINS, batch_chart_html, batch_counts, confidence_bin
from workbench.ui.tabs import batch, corpus

from .conftest import SEED_CLAIM, no_progress


@pytest.fixture
def run(app, tmp_path):
    """A run of three claims (one of them empty, so skipped): the Run button's outputs."""
    claims = tmp_path / "claims.csv"
    claims.write_text(
        f"id,claim\na,{SEED_CLAIM}\nb,The Moon is made of cheese.\nc,\n", encoding="utf-8"
    )
    return batch.run_and_summarize(app, str(claims), batch.ALL, 0, "", no_progress)


def test_chart_counts_match_the_results(run):
    message, jsonl, csv_path, records, chart, table, shown, pick = run
    assert "Checked 2 claims" in message and "Skipped 1" in message
    assert [r["id"] for r in records] == ["a", "b", "c"] and "error" in records[2]
    checked = records[:2]
    counts, hist = batch_counts(records)
    assert sum(counts.values()) == 2 == sum(hist) and len(hist) == CONFIDENCE_BINS
    for verdict in ("SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"):
        n = sum(r["verdict"] == verdict for r in checked)
        assert counts[verdict] == n
        assert f"data-verdict='{verdict}' data-count='{n}'" in chart
    for r in checked:
        assert f"data-bin='{confidence_bin(r['confidence'])}' data-count='0'" not in chart
    assert "data-checked='2'" in chart and "1 skipped" in chart
    assert [row[0] for row in table] == ["a", "b", "c"] and "Showing 3 of 3" in shown
    # the picker offers the checked results only (a skipped claim has nothing to review)
    assert [value for _label, value in pick["choices"]] == ["0", "1"]


def test_confidence_bins_and_escaping():
    assert [confidence_bin(x) for x in (0, 0.05, 0.1, 0.55, 0.99, 1.0, 7, None)] == [
        0, 0, 1, 5, 9, 9, 9, 0,
    ]  # fmt: skip
    html = batch_chart_html([{"verdict": "<b>X</b>", "confidence": 0.5}])
    assert "<b>X</b>" not in html and "&lt;b&gt;X&lt;/b&gt;" in html
    assert batch_chart_html([]) == ""


def test_filters(run):
    records = run[3]
    verdict_a = records[0]["verdict"]
    table, shown, pick = batch.filter_results(records, verdict_a, 0, "")
    expected = [r["id"] for r in records[:2] if r["verdict"] == verdict_a]
    assert [row[0] for row in table] == expected
    assert f"Showing {len(expected)} of 3" in shown
    table, _shown, pick = batch.filter_results(records, batch.SKIPPED, 0, "")
    assert [row[0] for row in table] == ["c"] and pick["choices"] == []
    table, _shown, _pick = batch.filter_results(records, batch.ALL, 0, "cheese")
    assert [row[0] for row in table] == ["b"]
    table, _shown, _pick = batch.filter_results(records, batch.ALL, 0, "YEREVAN")
    assert [row[0] for row in table] == ["a"]
    floor = max(r["confidence"] for r in records[:2])
    table, _shown, _pick = batch.filter_results(records, batch.ALL, floor, "")
    assert [row[0] for row in table] == [r["id"] for r in records[:2] if r["confidence"] >= floor]
    table, _shown, _pick = batch.filter_results(records, batch.ALL, 1.01, "")
    assert table == []
    assert batch.filter_results(None, batch.ALL, 0, "")[:2] == ([], "")


def test_open_in_review_returns_the_result_and_selects_the_review_tab(run):
    records = run[3]
    message, tabs, result = batch.open_in_review(records, "1")
    assert message == "" and tabs["selected"] == "review"
    assert result is records[1] and result["claim"] == "The Moon is made of cheese."
    for bad in (None, "2", "9", "x"):  # nothing picked, a skipped claim, out of range
        message, tabs, result = batch.open_in_review(records, bad)
        assert "wb-msg-error" in message
    # a clicked row picks its result by id and claim (the table may be sorted)
    assert batch.pick_by_row(records, ["b", "The Moon is made of cheese.", "x"])["value"] == "1"
    assert batch.pick_by_row(records, ["c", "", ""]) != {"value": "2"}


def test_a_failed_run_keeps_the_last_results(app, tmp_path):
    out = batch.run_and_summarize(app, None, batch.ALL, 0, "", no_progress)
    assert "Choose a claims file" in out[0] and len(out) == 8


def test_upload_progress_names_each_file(app, tmp_path):
    names = ["first.txt", "second.md", "third.txt"]
    files = []
    for n, name in enumerate(names):
        path = tmp_path / name
        path.write_text(f"The Zorbex canal number {n} opened in 19{n}5.\n", encoding="utf-8")
        files.append(str(path))
    calls = []
    message, _table, _pick = corpus.add_documents(
        app, files, lambda value, desc=None, **kw: calls.append((value, desc))
    )
    assert "3 added" in message
    descs = [desc for _value, desc in calls]
    assert descs[:3] == [f"Indexing {i}/3 · {name}" for i, name in enumerate(names, start=1)]
    assert descs[-1] == "Indexed 3/3" and [v for v, _d in calls] == [0, 1 / 3, 2 / 3, 1.0]

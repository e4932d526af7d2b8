"""Batch tab in Chromium: the summary chart, the filters, a row opened in Review, and one
progress bar during a run."""

from __future__ import annotations

import re

from ui_helpers import open_tab, write_claims

YEREVAN_CLAIM = "Yerevan denies military presence in Karabakh"
CEASEFIRE_CLAIM = "The ceasefire took effect at 18:00 local time."
PENGUIN_CLAIM = "Penguins live in the Sahara desert."
VERDICTS = {
    "SUPPORTED": "SUPPORTED",
    "REFUTED": "REFUTED",
    "CONFLICTING": "CONFLICTING",
    "NOT ENOUGH INFO": "NOT_ENOUGH_INFO",
}

# Records, while the run goes on, the most progress bars (status trackers showing progress)
# visible at once, and whether one was seen at all.
COUNT_PROGRESS_JS = """() => {
  window.__maxBars = 0;
  const count = () => {
    const wraps = new Set();
    for (const el of document.querySelectorAll('.progress-text, .progress-level, .eta-bar')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden') {
        wraps.add(el.closest('.wrap') || el);
      }
    }
    window.__maxBars = Math.max(window.__maxBars, wraps.size);
  };
  window.__barTimer = setInterval(count, 10);
}"""


def table_rows(page) -> list[str]:
    """The texts of the table's body rows (Gradio 6 draws them as a grid of role=row)."""
    return page.locator("#batch-table [role=row][data-index]").all_inner_texts()


def test_batch_chart_filters_open_in_review_and_one_progress_bar(page, app, tmp_path):
    claims = write_claims(
        tmp_path / "claims.csv",
        [("c1", YEREVAN_CLAIM), ("c2", CEASEFIRE_CLAIM), ("c3", PENGUIN_CLAIM)],
    )
    open_tab(page, "Batch")
    page.locator("#batch-file input[type=file]").set_input_files(str(claims))
    page.evaluate(COUNT_PROGRESS_JS)
    page.locator("#batch-run").click()
    page.locator("#batch-msg", has_text="Checked 3 claims").wait_for()
    page.evaluate("() => clearInterval(window.__barTimer)")
    # exactly one: none seen would mean the counter missed the run (before show_progress_on,
    # every output of the event drew its own: 7 at once)
    assert page.evaluate("() => window.__maxBars") == 1, "one progress bar during a run"

    # the chart's counts are the run's (the message lists the runner's own counts)
    message = page.locator("#batch-msg").inner_text()
    said = {
        VERDICTS[label]: int(n)
        for label, n in re.findall(
            r"(NOT ENOUGH INFO|SUPPORTED|REFUTED|CONFLICTING) (\d+)", message
        )
    }
    chart = page.locator("#batch-chart .wb-chart-verdicts")
    chart.wait_for()
    shown = {
        v: int(chart.locator(f"[data-verdict='{v}']").get_attribute("data-count"))
        for v in VERDICTS.values()
    }
    assert shown == {v: said.get(v, 0) for v in VERDICTS.values()} and sum(shown.values()) == 3
    bins = page.locator("#batch-chart .wb-chart-confidence [data-bin]")
    assert bins.count() == 10
    assert sum(int(b.get_attribute("data-count")) for b in bins.all()) == 3
    page.locator("#batch-shown", has_text="Showing 3 of 3").wait_for()
    assert len(table_rows(page)) == 3

    # filter by a verdict the run has
    verdict = next(
        v for v in ("SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO") if shown[v]
    )
    label = next(k for k, v in VERDICTS.items() if v == verdict)
    page.locator("#batch-filter-verdict input").click()
    page.get_by_role("option", name=label, exact=True).click()
    page.locator("#batch-shown", has_text=f"Showing {shown[verdict]} of 3").wait_for()
    rows = table_rows(page)
    assert len(rows) == shown[verdict] and all(label in row for row in rows)

    # back to all, narrowed by text; then click the row and open it in Review
    page.locator("#batch-filter-verdict input").click()
    page.get_by_role("option", name="All", exact=True).click()
    page.locator("#batch-filter-text input, #batch-filter-text textarea").first.fill("18:00")
    page.locator("#batch-shown", has_text="Showing 1 of 3").wait_for()
    # the count is written before the grid redraws: wait for the grid too (a busy machine)
    page.wait_for_function(
        "() => document.querySelectorAll('#batch-table [role=row][data-index]').length === 1"
    )
    (row,) = table_rows(page)
    assert CEASEFIRE_CLAIM in row
    page.locator("#batch-table [data-testid='cell-0-1']").click()
    page.locator("#batch-pick input").wait_for()
    page.wait_for_function(
        "() => (document.querySelector('#batch-pick input') || {}).value.startsWith('c2')"
    )
    page.locator("#batch-open-review").click()
    page.locator("#review-claim", has_text=CEASEFIRE_CLAIM).wait_for()
    assert page.get_by_role("tab", name="Review").get_attribute("aria-selected") == "true"
    assert page.external_requests == [], "the UI must work offline"

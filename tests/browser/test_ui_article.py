"""The Article tab in the real app over the default corpus: paste an article, see its
check-worthy sentences marked and ranked, tick two, check them, open one in Review and Check."""

from __future__ import annotations

import re

from ui_helpers import assert_inert, open_tab

# A few sentences of our own about the default corpus (the 2023 Karabakh ceasefire).
ARTICLE = """Fighting around Nagorno-Karabakh stopped after a day of heavy shelling. At least 32 \
people were killed in the fighting, including seven civilians. What happens next is anyone's guess.

The ceasefire was brokered by Russian peacekeepers and took effect at 13:00 local time. Many \
residents are worried. Karabakh forces agreed to disarm completely. We will keep you posted."""
KILLED = "At least 32 people were killed in the fighting, including seven civilians."
CEASEFIRE = (
    "The ceasefire was brokered by Russian peacekeepers and took effect at 13:00 local time."
)
UNWORTHY = "We will keep you posted."
IMG = "<img src=x onerror=\"window.__xss = 2; alert('img')\">"


def extract(page, text: str) -> None:
    open_tab(page, "Article")
    page.locator("#article-text textarea").fill(text)
    page.locator("#article-extract").click()


def tick(page, claim: str) -> None:
    page.locator("#article-claims label").filter(has_text=claim).locator("input").check()


def test_tick_check_and_open_in_review_and_check(page):
    extract(page, ARTICLE)
    page.locator("#article-msg .wb-msg-ok", has_text="check-worthy").wait_for()
    view = page.locator("#article-view")
    marked = view.locator("mark.wb-cw")
    ranks = [int(r) for r in marked.evaluate_all("ms => ms.map(m => m.dataset.rank)")]
    assert len(ranks) >= 3 and sorted(ranks) == list(range(1, len(ranks) + 1))
    assert view.locator("mark.wb-cw", has_text=KILLED).count() == 1
    assert view.locator("span.wb-sent", has_text=UNWORTHY).count() == 1  # shown, not marked
    assert "check-worthiness" in view.locator("mark.wb-cw").first.get_attribute("title")
    # the tick list: the same sentences, highest score first
    labels = page.locator("#article-claims label").all_inner_texts()
    assert len(labels) == len(ranks) and labels[0].startswith("#1 · ")
    scores = [float(re.match(r"#\d+ · ([0-9.]+) · ", t).group(1)) for t in labels]
    assert scores == sorted(scores, reverse=True)

    tick(page, KILLED)
    tick(page, CEASEFIRE)
    page.locator("#article-check").click()
    page.locator("#article-msg", has_text="Checked 2 claim(s)").wait_for()
    results = page.locator("#article-results li.wb-article-result")
    assert results.count() == 2
    for claim in (KILLED, CEASEFIRE):
        row = results.filter(has_text=claim)
        assert row.get_attribute("data-verdict") in {
            "SUPPORTED",
            "REFUTED",
            "CONFLICTING",
            "NOT_ENOUGH_INFO",
        }
        assert "confidence" in row.inner_text() and row.locator(".wb-badge").count() == 1
        assert row.locator(".wb-top-evidence q").inner_text()  # the top evidence sentence
    assert view.locator(".wb-inline-verdict .wb-badge").count() == 2

    # open the ceasefire claim in the Review tab
    page.locator("#article-checked input").click()
    page.get_by_role("option", name=re.compile(re.escape(CEASEFIRE))).click()
    page.locator("#article-open-review").click()
    page.locator("#review-claim", has_text=CEASEFIRE).wait_for()
    assert page.get_by_role("tab", name="Review").get_attribute("aria-selected") == "true"
    page.locator("#slot-1").wait_for()

    # and the other one in the Check tab, which then shows its verdict and evidence
    open_tab(page, "Article")
    page.locator("#article-checked input").click()
    page.get_by_role("option", name=re.compile(re.escape(KILLED))).click()
    page.locator("#article-open-check").click()
    page.locator("#verdict [data-verdict]", has_text=KILLED).wait_for()
    assert page.locator("#claim textarea").input_value() == KILLED
    assert page.locator("#supporting .wb-card, #conflicting .wb-card, #neutral .wb-card").count()
    # the Review tab follows: it now reviews the claim the Check tab shows
    open_tab(page, "Review")
    page.locator("#review-claim", has_text=KILLED).wait_for()
    assert page.external_requests == [], "the UI must work offline"


def test_empty_text_and_hostile_text(page):
    extract(page, "   ")
    page.locator("#article-msg .wb-msg-error", has_text="upload a file").wait_for()
    assert page.locator("#article-view").inner_text().strip() == ""

    hostile = f"The Zelgrim tunnel keeper {IMG} retired in 2011 after 30 years of service."
    extract(page, hostile)
    page.locator("#article-view .wb-sent").first.wait_for()
    assert IMG in page.locator("#article-view").inner_text()
    assert_inert(page)

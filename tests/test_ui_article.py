"""The Article tab's handlers, called directly (no browser), with the shipped check-worthiness
and stance models over the default corpus: extract, rank, tick, check, open in Check/Review."""

from __future__ import annotations

import re

import pytest

from workbench import Workbench
from workbench.checkworthy.model import load_model
from workbench.ui.app import ReviewerApp
from workbench.ui.render import esc, render_result
from workbench.ui.tabs import article, review

from .conftest import no_progress, reviewer_app

# A few sentences of our own about the default corpus (the 2023 Karabakh ceasefire).
ARTICLE = """Fighting around Nagorno-Karabakh stopped after a day of heavy shelling. At least 32 \
people were killed in the fighting, including seven civilians. What happens next is anyone's guess.

The ceasefire was brokered by Russian peacekeepers and took effect at 13:00 local time. Many \
residents are worried. Karabakh forces agreed to disarm completely. We will keep you posted."""
WORTHY = "At least 32 people were killed in the fighting, including seven civilians."
UNWORTHY = "We will keep you posted."
IMG = "<img src=x onerror=\"window.__xss = 2; alert('img')\">"


@pytest.fixture
def app(seed_index, shipped_stance_model):
    """The shipped stance model, not the tiny one: verdicts are asserted."""
    ui = reviewer_app(seed_index, shipped_stance_model)
    yield ui
    ui.wb.close()


def extract(app, text=ARTICLE, file=None, date="", threshold=None):
    return article.extract_article(app, text, file, date, threshold)


def test_the_slider_starts_at_the_models_own_threshold(app):
    assert article.default_threshold(app) == load_model().threshold


def test_extract_marks_and_ranks_the_check_worthy_sentences(app):
    message, view, claims, state, checked, results, picker = extract(app)
    assert "wb-msg-ok" in message and "of the 7 sentences of the pasted text" in message
    sentences = state["sentences"]
    assert len(sentences) == 7 and state["threshold"] == load_model().threshold
    worthy = [s for s in sentences if s["check_worthy"]]
    assert worthy and len(worthy) < len(sentences)
    # the choices: every check-worthy claim, highest score first, numbered by rank
    ids = [value for _label, value in claims["choices"]]
    scores = [next(s["score"] for s in sentences if s["id"] == i) for i in ids]
    assert sorted(ids) == sorted(s["id"] for s in worthy) and scores == sorted(scores)[::-1]
    assert claims["choices"][0][0].startswith(f"#1 · {scores[0]:.2f} · ")
    assert claims["value"] == [] and checked == {} and results == ""
    assert picker["choices"] == [] and picker["value"] is None
    # the view: the whole text, each sentence titled with its score, check-worthy ones marked
    marks = re.findall(r"<mark class='wb-sent wb-cw' data-id='([^']+)'", view)
    assert sorted(marks) == sorted(ids)
    assert f"{WORTHY}<sup class='wb-rank'>#" in view
    assert f">{UNWORTHY}</span>" in view and view.count("title='check-worthiness ") == 7
    assert "\n\n" in view  # paragraphs kept


def test_a_lower_threshold_marks_more_sentences(app):
    default = extract(app)[3]
    lower = extract(app, threshold=0.05)[3]
    assert sum(s["check_worthy"] for s in lower["sentences"]) > sum(
        s["check_worthy"] for s in default["sentences"]
    )


def test_check_ticked_sentences_inline_and_open_them_in_check_and_review(app):
    state, claims = extract(app)[3], extract(app)[2]
    ticked = [value for _label, value in claims["choices"][:2]]
    message, view, results, checked, picker = article.check_sentences(
        app, state, ticked, {}, no_progress
    )
    assert message.startswith("<div class='wb-msg wb-msg-ok'>Checked 2 claim(s): ")
    assert sorted(checked) == sorted(ticked)
    for claim_id in ticked:
        result = checked[claim_id]
        assert result["verdict"] in {"SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"}
        assert f"data-id='{claim_id}' data-verdict='{result['verdict']}'" in results
        top = result["evidence"][0]["sentence"]
        assert f"<q>{esc(top)}</q>" in results  # the top evidence sentence, escaped
    assert view.count("class='wb-inline-verdict") == 2
    assert results.count("<li class='wb-article-result") == 2 and "confidence " in results
    assert [v for _l, v in picker["choices"]] == ticked and picker["value"] == ticked[0]

    # ticking a third keeps the first two
    third = claims["choices"][2][1]
    _m, view, results, checked, picker = article.check_sentences(
        app, state, [third], checked, no_progress
    )
    assert len(checked) == 3 and len(picker["choices"]) == 3 and picker["value"] == third

    # Open in Check: the Check tab shows that result and keeps it for the Review tab
    out = article.open_checked("check", checked, ticked[1])
    result = checked[ticked[1]]
    assert out[1]["selected"] == "check" and out[2] == result["claim"] and out[-1] is result
    assert tuple(out[4:8]) == render_result(result)
    # Open in Review: the same, on the Review tab, whose form then shows that claim
    out = article.open_checked("review", checked, ticked[0])
    assert out[1]["selected"] == "review" and out[-1] is checked[ticked[0]]
    form = review.open_review(app, out[-1], None)
    assert esc(checked[ticked[0]]["claim"]) in form[0]


def test_the_article_date_goes_with_every_claim(app):
    state, claims = extract(app, date="2023-11-13")[3], extract(app)[2]
    assert {s["date"] for s in state["sentences"]} == {"2023-11-13"}
    ticked = [claims["choices"][0][1]]
    checked = article.check_sentences(app, state, ticked, {}, no_progress)[3]
    assert checked[ticked[0]]["date"] == "2023-11-13"


def test_an_uploaded_file_is_read_with_the_index_readers(app, tmp_path):
    page = tmp_path / "ceasefire report.html"
    body = ARTICLE.replace("\n\n", "</p><p>")
    page.write_text(
        f"<html><head><title>Ceasefire {IMG}</title><script>window.__xss=1</script></head>"
        f"<body><p>{body} The toll was {IMG} abolished in 2015.</p></body></html>",
        encoding="utf-8",
    )
    message, view, claims, state, *_ = extract(app, text="ignored when a file is given", file=page)
    assert "wb-msg-ok" in message and "sentences of ceasefire report.html" in message
    assert state["source"] == "ceasefire report.html" and str(tmp_path) not in message
    assert any(s["sentence"] == WORTHY for s in state["sentences"])
    assert "ignored" not in view
    assert "<script" not in view and "<img" not in view and "window.__xss=1" not in view


def test_hostile_pasted_text_is_shown_as_text(app):
    text = f"The Zelgrim tunnel keeper {IMG} retired in 2011 after 30 years. <b>Bold</b> words."
    message, view, claims, state, *_ = extract(app, text=text, threshold=0.0)
    assert "<img" not in view and "<b>" not in view and "&lt;img src=x onerror=" in view
    ticked = [claims["choices"][0][1]]
    _m, view, results, _c, _p = article.check_sentences(app, state, ticked, {}, no_progress)
    assert "<img" not in view + results and "&lt;img" in view


@pytest.mark.parametrize(
    ("text", "date", "threshold", "expected"),
    [
        ("   \n ", "", None, "text or upload a file (txt, md, html or pdf) first"),
        ("12 34 --- 56.", "", None, "The pasted text has no sentences to score"),
        (ARTICLE, "", 1.0, "reaches the check-worthiness threshold"),
        (ARTICLE, "yesterday", None, "is not a valid YYYY-MM-DD date"),
        ("Word. " * 400_000, "", None, "million characters"),
    ],
)
def test_bad_text_is_one_sentence(app, text, date, threshold, expected):
    message, view, claims, state, checked, results, picker = extract(
        app, text=text, date=date, threshold=threshold
    )
    assert message.startswith("<div class='wb-msg wb-msg-error'>") and expected in message
    assert "Traceback" not in message and "--threshold" not in message
    assert claims["choices"] == [] and checked == {} and results == ""
    if threshold == 1.0:  # nothing reaches it: the scored sentences are still shown
        assert state and "<mark" not in view and "check-worthiness 0." in view
    else:
        assert state is None and view == ""


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("scan.pdf", b"%PDF-1.4 this is not really a pdf", "scan.pdf"),
        ("tool.exe", b"MZ\x90\x00", "allowed types are .txt, .md, .html, .htm, .pdf"),
        ("claims.csv", b"id,claim\n1,The sky is blue.\n", "cannot be added"),
        ("empty.txt", b"", "empty.txt"),
    ],
)
def test_bad_files_are_one_sentence(app, tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    message, view, _claims, state, *_ = extract(app, text="", file=str(path))
    assert "wb-msg-error" in message and expected in message, message
    assert "Traceback" not in message and str(tmp_path) not in message
    assert state is None and view == ""


def test_a_file_over_the_upload_limit_is_refused(app, tmp_path):
    app.max_upload_bytes = 100
    path = tmp_path / "long.txt"
    path.write_text("The ceasefire took effect at 13:00 local time. " * 10)
    message = extract(app, text="", file=str(path))[0]
    assert "wb-msg-error" in message and "the limit is" in message


def test_checking_needs_an_article_and_a_tick(app):
    assert "Find the check-worthy sentences" in article.check_sentences(app, None, [], {})[0]
    state = extract(app)[3]
    out = article.check_sentences(app, state, [], {}, no_progress)
    assert "Tick at least one sentence" in out[0] and all(o.get("__type__") for o in out[1:])
    assert "Check a ticked sentence first" in article.open_checked("review", {}, None)[0]
    assert "Check a ticked sentence first" in article.open_checked("check", {}, "nope")[0]


def test_checking_against_an_empty_index_says_how_to_fill_it(tmp_path, shipped_stance_model):
    folder = tmp_path / "empty"
    with Workbench.open(folder, stance_model=str(shipped_stance_model)) as wb:
        app = ReviewerApp(wb, folder)
        message, _view, claims, state, *_ = extract(app)
        assert "wb-msg-ok" in message  # extracting needs no index
        ticked = [claims["choices"][0][1]]
        message = article.check_sentences(app, state, ticked, {}, no_progress)[0]
    assert "wb-msg-error" in message and "has no documents yet" in message


def test_the_tab_is_part_of_the_ui_and_adds_no_script_api(app):
    from workbench.ui.blocks import build_blocks

    config = build_blocks(app, []).get_config_file()
    ids = {c.get("props", {}).get("elem_id") for c in config["components"]}
    assert {"tab-article", "article-text", "article-claims", "article-open-review"} <= ids
    public = {d["api_name"] for d in config["dependencies"] if d.get("api_visibility") == "public"}
    assert public == {"check", "check_claim", "save_review", "add_text"}

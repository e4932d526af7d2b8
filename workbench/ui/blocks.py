"""The whole reviewer UI: the five tabs laid out in order, their events, the script API."""

from __future__ import annotations

import gradio as gr

from .api import register_api
from .app import ReviewerApp
from .tabs import article, batch, check, corpus, review
from .tabs import bind as _bind


def build_blocks(app: ReviewerApp, examples: list[list[str]] | None = None) -> gr.Blocks:
    """The Gradio Blocks of the reviewer UI, bound to one ReviewerApp."""
    examples = examples or []
    # delete_cache: Gradio's copies of uploads and downloads (in <index>/ui-cache) older than
    # a day are removed hourly, and all of them when the server restarts.
    with gr.Blocks(title="Claim fact-checking workbench", delete_cache=(3600, 86400)) as demo:
        result_state = gr.State(None)  # the last checked result, for the Review tab
        gr.Markdown("## Claim fact-checking workbench")
        with gr.Tabs(elem_id="tabs") as tabs:
            check_tab = check.layout(examples)
            article_tab = article.layout(article.default_threshold(app))
            review_tab = review.layout()
            corpus_tab = corpus.layout(app.max_upload_bytes)
            batch_tab = batch.layout()
        check.wire(app, check_tab, result_state, examples)
        review.wire(app, review_tab, result_state, tabs, check_tab.to_review_btn)
        article.wire(app, article_tab, result_state, tabs, check_tab)
        corpus.wire(app, corpus_tab)
        batch.wire(app, batch_tab, result_state, tabs)
        register_api(app)  # /check_claim, /save_review, /add_text for scripts
        demo.load(
            _bind(corpus.refresh, app),
            None,
            [corpus_tab.table, corpus_tab.pick],
            api_visibility="private",
        ).then(
            _bind(review.list_reviews, app),
            review_tab.filters,
            review_tab.table,
            api_visibility="private",
        )
    return demo

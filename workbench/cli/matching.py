"""`workbench eval-matching`: finding previously fact-checked claims, scored on CLEF 2020 Task 2."""

from __future__ import annotations

import click

from .common import json_option, model_option, print_json


@click.command("eval-matching")
@click.option(
    "--data",
    "data_dir",
    default="../shared/data/claim-matching",
    show_default=True,
    type=click.Path(),
    help="The shared claim-matching folder (or the CLEF 2020 Task 2 v3.zip, or its v3.0 folder).",
)
@click.option(
    "--queries",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Score this queries TSV (tweet_id, tweet_content) instead of train and dev.",
)
@click.option(
    "--qrels",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="The TREC qrels (query 0 claim 1) that belong to --queries.",
)
@model_option
@json_option
def eval_matching(data_dir, queries, qrels, model, as_json) -> None:
    """MAP@5, MRR, Recall@1 and Recall@5 of matching tweets to fact-checked claims, with plain
    BM25 measured in the same run; train and dev by default."""
    from pathlib import Path

    from ..evaluation.matching import Release, evaluate_splits, format_report, parse_split

    if (queries is None) != (qrels is None):
        raise click.UsageError("--queries and --qrels go together; give both or neither.")
    release = Release(data_dir)
    collection = release.collection()
    if queries:
        splits = [
            parse_split(
                "queries",
                Path(queries).read_text(encoding="utf-8"),
                Path(qrels).read_text(encoding="utf-8"),
            )
        ]
    else:
        splits = release.splits()
    report = evaluate_splits(collection, splits, model, log=lambda msg: click.echo(msg, err=True))
    if as_json:
        print_json(report)
    else:
        click.echo(format_report(report))
